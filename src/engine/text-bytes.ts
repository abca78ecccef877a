/**
 * A fresh text buffer's size. Its pages become resident only as texts fill them, and buffers are
 * used again (TextShelf), so a large one costs no memory; growing a small one would free the old
 * block, and a freed block of a few MB raises glibc's mmap threshold for the rest of the process
 * (see common/scratch-read.ts).
 */
const FRESH_BYTES = 4 << 20;

/**
 * Texts gathered as UTF-8 into one buffer that owns its memory, so that a chunk's rendered hits
 * move to the main thread in one transfer (no copy, nothing on its heap) instead of as strings.
 */
export class TextBytes {
  private buf: Buffer | undefined;
  private size = 0;

  /**
   * Gathers the next texts into `spare`'s memory (a buffer `take` gave before, handed back by the
   * one who read it), instead of a fresh one; ignored while texts are pending.
   */
  lend(spare: Uint8Array | undefined): void {
    if (spare === undefined || this.size > 0 || !(spare.buffer instanceof ArrayBuffer)) return;
    if (spare.buffer.byteLength === 0) return;
    this.buf = Buffer.from(spare.buffer, 0, spare.buffer.byteLength);
  }

  /**
   * Appends `parts` one after the other as UTF-8; returns their [start, end) in the bytes `take`
   * gives. With `ascii` (the caller knows every character is below 128) they are copied as Latin-1,
   * which is the same bytes, without UTF-8's per-character encoding.
   */
  add(parts: readonly string[], ascii = false): [number, number] {
    let need = 0;
    for (let i = 0; i < parts.length; i++) need += parts[i]!.length;
    if (!ascii) need *= 3;
    let buf = this.buf;
    if (buf === undefined || this.size + need > buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(FRESH_BYTES, (buf?.length ?? 0) * 2, this.size + need));
      if (buf !== undefined) buf.copy(bigger, 0, 0, this.size);
      this.buf = bigger;
      buf = bigger;
    }
    const start = this.size;
    let at = start;
    const encoding = ascii ? 'latin1' : 'utf8';
    for (let i = 0; i < parts.length; i++) at += buf.write(parts[i]!, at, encoding);
    this.size = at;
    return [start, at];
  }

  /**
   * The bytes added since the last call (undefined when none), at the start of their buffer, which
   * they own; the next `add` starts afresh.
   */
  take(): Uint8Array | undefined {
    const buf = this.buf;
    if (buf === undefined || this.size === 0) return undefined;
    const out = new Uint8Array(buf.buffer, buf.byteOffset, this.size);
    this.buf = undefined;
    this.size = 0;
    return out;
  }
}

/**
 * Text buffers kept for use again: the main thread gives back a chunk's rendered hits once they are
 * written (copied out), and lends a kept buffer with the next chunk, so that rendering allocates
 * only while the buffers grow to the largest chunk's texts. Without this every chunk's texts were a
 * fresh allocation (64 KiB-1 MiB as they were sized then), freed only when the collector reached
 * their transferred wrappers (often after they had moved to the old generation): tens of MiB of
 * resident memory in a hunt.
 */
export class TextShelf {
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly max: number) {}

  /** A kept buffer (a view of all of it), or undefined. */
  take(): Uint8Array | undefined {
    const b = this.free.pop();
    return b === undefined ? undefined : new Uint8Array(b);
  }

  /** Keeps the buffer of `texts` for later: the caller must read nothing in it any more. */
  give(texts: Uint8Array | undefined): void {
    const b = texts?.buffer;
    if (!(b instanceof ArrayBuffer) || b.byteLength === 0 || texts!.byteOffset !== 0) return;
    if (this.free.length < this.max && !this.free.includes(b)) this.free.push(b);
  }

  /** Buffers kept (for tests). */
  get kept(): number {
    return this.free.length;
  }
}
