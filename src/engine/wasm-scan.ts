import { type Arena, currentArena } from './wasm-arena.js';
import { wasmModule } from './wasm-module.js';

type Kernel = (
  ranges: number,
  count: number,
  base: number,
  delta: number,
  classes: number,
  shift: number,
  acceptFrom: number,
  out: number,
  cap: number,
  stamps: number,
  scanNo: number,
) => number;

type Mark = (
  reports: number,
  n: number,
  ranges: number,
  base: number,
  outStart: number,
  outIds: number,
  scan: number,
  scanNo: number,
  pos: number,
  stamp: number,
  mask: number,
  gen: number,
  cand: number,
) => number;

/** Reports one scan may write (a record with more is scanned in JavaScript). */
const REPORTS = 16384;
/**
 * The most bytes of a record copied into the arena (a record with more is scanned in JavaScript):
 * room in the arena is never given back, so one huge record must not take it for the whole hunt.
 */
const MAX_SPAN = 1 << 20;
/**
 * A chunk's buffer up to this size is copied into the arena whole, once (`placeChunk`): one copy of
 * 2 MiB takes ~0.03 ns a byte, a record's own ~0.3 (~300 ns a call, whatever the method). The room
 * is made this large at first (a hunt's chunks are up to 3 MiB) and, past it, as large as asked.
 */
const CHUNK_ROOM = 4 << 20;
const MAX_CHUNK = 8 << 20;

/** Whether the scan kernel (scan-kernel.wasm) could be loaded. */
export function kernelAvailable(): boolean {
  return wasmModule('scan-kernel') !== null;
}

/**
 * One thread's instance of the scan kernel over one arena, with its own room there for a record's
 * bytes, its ranges and the reports. A record's value bytes are copied in (the chunk's buffer
 * travels between threads and cannot live in the arena); the tables are read where they are.
 */
export class ScanKernel {
  private readonly kernel: Kernel;
  private readonly marker: Mark;
  /** Where byte 0 of the buffer the last `run` scanned was (for `mark`). */
  private lastBase = 0;
  private bytesAt = -1;
  private words: Int32Array = new Int32Array(0);
  private bytes: Uint8Array = new Uint8Array(0);
  /** The last record's buffer, and a view of its whole words. */
  private source: ArrayBufferLike | undefined;
  private sourceWords: Int32Array = new Int32Array(0);
  /** The room for a record's value ranges, as pairs of i32 (see `placeRecord`). */
  rangesAt = -1;
  ranges: Int32Array = new Int32Array(0);
  /**
   * The record placed last (`placeRecord`): its buffer and that buffer's offset, undefined when the
   * room holds something else; `placedBase` is where the buffer's byte 0 would be.
   */
  private placed: ArrayBufferLike | undefined;
  /** The room for a chunk (`placeChunk`), and the view whose bytes it holds. */
  private chunkAt = -1;
  private chunkRoom = 0;
  private chunkOf: Uint8Array | undefined;
  private placedOffset = 0;
  placedBase = 0;
  private readonly outAt: number;
  /** The last run's reports: state, index, range number, for each. */
  readonly reports: Int32Array;

  private constructor(
    readonly arena: Arena,
    mod: WebAssembly.Module,
    outAt: number,
  ) {
    const instance = new WebAssembly.Instance(mod, { env: { mem: arena.memory } });
    this.kernel = instance.exports.scan as Kernel;
    this.marker = instance.exports.mark as Mark;
    this.outAt = outAt;
    this.reports = new Int32Array(arena.buffer, outAt, 3 * REPORTS);
  }

  /** The kernel of this thread's arena when its id is `arena`, else undefined. */
  static of(arena: number): ScanKernel | undefined {
    const a = currentArena();
    if (a === undefined || a.id !== arena) return undefined;
    if (kernelOf?.arena === a) return kernelOf;
    const mod = wasmModule('scan-kernel');
    if (mod === null) return undefined;
    const outAt = a.alloc(12 * REPORTS);
    if (outAt < 0) return undefined;
    kernelOf = new ScanKernel(a, mod, outAt);
    return kernelOf;
  }

  /** Copies `t` into the arena once (a class table, a stamp table); its offset, or -1. */
  place(t: Uint8Array | Int32Array): number {
    const at = this.arena.alloc(t.byteLength);
    if (at >= 0)
      new Uint8Array(this.arena.buffer, at, t.byteLength).set(
        new Uint8Array(t.buffer, t.byteOffset, t.byteLength),
      );
    return at;
  }

  /**
   * Marks the last run's `n` reports as a gate does (scan-kernel.wat's `mark`; every table an
   * offset in the arena: the automaton's outputs, the gate scan's tables as `scan` lists them, the
   * gate's positions and marks), the candidates written from `cand` on; how many were.
   */
  mark(
    n: number,
    outStart: number,
    outIds: number,
    scan: number,
    scanNo: number,
    pos: number,
    stamp: number,
    mask: number,
    gen: number,
    cand: number,
  ): number {
    return this.marker(
      this.outAt,
      n,
      this.rangesAt,
      this.lastBase,
      outStart,
      outIds,
      scan,
      scanNo,
      pos,
      stamp,
      mask,
      gen,
      cand,
    );
  }

  /**
   * Copies all of `b` into this thread's room for a chunk, with 16 readable bytes after it, unless
   * this very view is there already (the records of a chunk are screened one after the other over the
   * view parseChunk makes for it, a new one for each chunk); false when it is too large.
   */
  private placeChunk(b: Uint8Array): boolean {
    if (b === this.chunkOf) return true;
    const n = b.length + 16;
    if (n > MAX_CHUNK) return false;
    if (n > this.chunkRoom) {
      const size = Math.max(n, CHUNK_ROOM);
      const at = this.arena.alloc(size);
      if (at < 0) return false;
      this.chunkAt = at;
      this.chunkRoom = size;
    }
    new Uint8Array(this.arena.buffer, this.chunkAt, b.length).set(b);
    this.chunkOf = b;
    return true;
  }

  /**
   * Places b[from, to) in the arena, with 16 readable bytes after it: all of b's bytes at once when
   * b is small enough (`placeChunk`), else the record's own in this thread's room for a record; and
   * makes room for 1,024 ranges. False when it does not fit. A later `run` over `ranges` and the same
   * buffer then scans the bytes where they are, without copying them again.
   */
  placeRecord(b: Uint8Array, from: number, to: number): boolean {
    if (this.placeChunk(b)) {
      if (this.ranges.length < 2048 && !this.room(0, 2048)) return false;
      this.placed = b.buffer;
      this.placedOffset = b.byteOffset;
      this.placedBase = this.chunkAt;
      return true;
    }
    const first = b.byteOffset + from;
    const last = b.byteOffset + to;
    if (last - first > MAX_SPAN) return false;
    const words = ((last + 3) >> 2) - (first >> 2) + 4;
    if ((words > this.words.length || this.ranges.length < 2048) && !this.room(words, 2048)) return false;
    this.placedBase = this.copyIn(b, first, last);
    this.placed = b.buffer;
    this.placedOffset = b.byteOffset;
    return true;
  }

  /**
   * Scans b's ranges (as AhoCorasick.scanRanges does) with the tables at `delta` and `classes`;
   * the number of reports now in `reports`, or -1 when the record must be scanned otherwise (more
   * reports than there is room for, or no room for its bytes). With `stamps` (see `stampTable`),
   * a state stamped as reported in scan `scanNo` is not reported again in it.
   */
  run(
    b: Uint8Array,
    ranges: Int32Array,
    count: number,
    delta: number,
    classes: number,
    shift: number,
    acceptFrom: number,
    stamps = 0,
    scanNo = 0,
  ): number {
    // The ranges of the record placed last, over the same buffer: its bytes are in the room already.
    if (ranges === this.ranges && b.buffer === this.placed && b.byteOffset === this.placedOffset) {
      this.lastBase = this.placedBase;
      return this.kernel(
        this.rangesAt,
        count,
        this.placedBase,
        delta,
        classes,
        shift,
        acceptFrom,
        this.outAt,
        REPORTS,
        stamps,
        scanNo,
      );
    }
    // The record's bytes from its first value to its last.
    const first = b.byteOffset + ranges[0]!;
    const last = b.byteOffset + ranges[2 * count - 1]!;
    if (last - first > MAX_SPAN) return -1;
    const words = ((last + 3) >> 2) - (first >> 2);
    if ((words > this.words.length || 2 * count > this.ranges.length) && !this.room(words, 2 * count))
      return -1;
    const base = this.copyIn(b, first, last);
    this.lastBase = base;
    const r = this.ranges;
    for (let i = 0; i < 2 * count; i++) r[i] = ranges[i]!;
    return this.kernel(
      this.rangesAt,
      count,
      base,
      delta,
      classes,
      shift,
      acceptFrom,
      this.outAt,
      REPORTS,
      stamps,
      scanNo,
    );
  }

  /**
   * Copies the bytes of b's buffer at [first, last) into the room, four at a time from the whole
   * words that hold them (a typed array's copy into shared memory takes ~2.5 times as long); where
   * byte 0 of b then is, as the kernels take it.
   */
  private copyIn(b: Uint8Array, first: number, last: number): number {
    this.placed = undefined;
    const from = first >> 2;
    const words = ((last + 3) >> 2) - from;
    if (b.buffer !== this.source) {
      this.source = b.buffer;
      this.sourceWords = new Int32Array(b.buffer, 0, b.buffer.byteLength >> 2);
    }
    const src = this.sourceWords;
    const dst = this.words;
    const whole = Math.min(words, src.length - from);
    for (let i = 0; i < whole; i++) dst[i] = src[from + i]!;
    if (whole < words) {
      // The buffer ends inside the last word: its bytes one by one.
      const tail = new Uint8Array(b.buffer);
      const at = 4 * (from + whole);
      for (let i = at; i < last; i++) this.bytes[i - 4 * from] = tail[i]!;
    }
    // Byte i of b is at base + i.
    return (this.bytesAt + b.byteOffset - 4 * from) | 0;
  }

  /** Room for at least `words` words of bytes and `ints` range ends (the old room is not reused). */
  private room(words: number, ints: number): boolean {
    if (words > this.words.length) {
      const n = Math.max(words, 2 * this.words.length, 16 * 1024);
      const at = this.arena.alloc(4 * n);
      if (at < 0) return false;
      this.bytesAt = at;
      this.words = new Int32Array(this.arena.buffer, at, n);
      this.bytes = new Uint8Array(this.arena.buffer, at, 4 * n);
    }
    if (ints > this.ranges.length) {
      const n = Math.max(ints, 2 * this.ranges.length, 1024);
      const at = this.arena.alloc(4 * n);
      if (at < 0) return false;
      this.rangesAt = at;
      this.ranges = new Int32Array(this.arena.buffer, at, n);
    }
    return true;
  }
}

let kernelOf: ScanKernel | undefined;
