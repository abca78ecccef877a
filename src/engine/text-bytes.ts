/**
 * Texts gathered as UTF-8 into one buffer that owns its memory, so that a chunk's rendered hits
 * move to the main thread in one transfer (no copy, nothing on its heap) instead of as strings.
 */
export class TextBytes {
  private buf: Buffer | undefined;
  private size = 0;

  /** Appends `text`; returns its [start, end) in the bytes `take` gives. */
  add(text: string): [number, number] {
    const need = text.length * 3;
    let buf = this.buf;
    if (buf === undefined || this.size + need > buf.length) {
      const bigger = Buffer.allocUnsafeSlow(Math.max(64 * 1024, (buf?.length ?? 0) * 2, this.size + need));
      if (buf !== undefined) buf.copy(bigger, 0, 0, this.size);
      this.buf = bigger;
      buf = bigger;
    }
    const start = this.size;
    this.size += buf.write(text, start, 'utf8');
    return [start, this.size];
  }

  /** The bytes added since the last call (undefined when none); the next `add` starts afresh. */
  take(): Uint8Array | undefined {
    const buf = this.buf;
    if (buf === undefined || this.size === 0) return undefined;
    const out = new Uint8Array(buf.buffer, buf.byteOffset, this.size);
    this.buf = undefined;
    this.size = 0;
    return out;
  }
}
