/**
 * The hunt's shared WebAssembly memory: the pre-filter automata's transition tables are placed in
 * it, so that the scan kernel (wasm-scan.ts) reads them where they are, on every matching thread,
 * without a copy per thread (the tables of SigmaHQ's rules over the shared corpus take ~33 MB). A
 * bump allocator: nothing is freed before the memory itself, which lives as long as the hunt (one
 * arena per Scanner, handed to its workers). An arena names itself by a random id kept in its first
 * bytes: a table placed in another arena is never read through this one.
 */

/** Pages of 64 KiB: the most an arena may grow to (address space is reserved, not memory). */
const MAX_PAGES = 16384;
/** Header: the next free offset (i32 at 0), the arena's id (i32 at 4). */
const HEADER = 16;
const ALIGN = 16;

export class Arena {
  readonly id: number;
  private readonly header: Int32Array;

  /** A new arena, or (given its memory) the one another thread created. */
  constructor(readonly memory: WebAssembly.Memory = newMemory()) {
    this.header = new Int32Array(memory.buffer, 0, HEADER / 4);
    // Whichever thread comes first sets both; the others find them set.
    Atomics.compareExchange(this.header, 0, 0, HEADER);
    Atomics.compareExchange(this.header, 1, 0, (Math.random() * 0x7fffffff) | 1);
    this.id = Atomics.load(this.header, 1);
  }

  /** The memory's current buffer (views made on an older one stay valid for what they cover). */
  get buffer(): SharedArrayBuffer {
    return this.memory.buffer as SharedArrayBuffer;
  }

  /** The offset of `bytes` bytes of fresh (zeroed) memory, or -1 when the arena cannot grow. */
  alloc(bytes: number): number {
    const size = Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN;
    const at = Atomics.add(this.header, 0, size);
    const end = at + size;
    if (end > MAX_PAGES * 65536 || end < at) return -1;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // Grown by a quarter at least, so that many small tables do not grow it one page at a time.
      const pages = Math.max(Math.ceil((end - have) / 65536), Math.ceil(have / 65536 / 4));
      try {
        this.memory.grow(Math.min(pages, MAX_PAGES - have / 65536));
      } catch {
        // Another thread grew it meanwhile (past what is left), or the system refused: see below.
      }
      if (this.memory.buffer.byteLength < end) return -1;
    }
    return at;
  }
}

function newMemory(): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
}

/** A new arena's memory, or undefined where shared WebAssembly memory cannot be had (then no kernel). */
export function newArenaMemory(): WebAssembly.Memory | undefined {
  try {
    return new Arena().memory;
  } catch {
    return undefined;
  }
}

let current: Arena | undefined;

/** The arena this thread places automata in from now on (undefined: plain shared buffers). */
export function useArena(memory: WebAssembly.Memory | undefined): Arena | undefined {
  current = memory === undefined ? undefined : new Arena(memory);
  return current;
}

/** This thread's arena, if it has one. */
export function currentArena(): Arena | undefined {
  return current;
}

/**
 * `length` elements of shared memory: in this thread's arena when it has one and can grow (then
 * `arena` is its id), else a SharedArrayBuffer of their own (`arena` undefined).
 */
export function sharedArray<T extends Uint8Array | Uint16Array | Int32Array>(
  Kind: { new (buffer: SharedArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
  length: number,
): { array: T; arena: number | undefined } {
  const a = current;
  if (a !== undefined) {
    const at = a.alloc(length * Kind.BYTES_PER_ELEMENT);
    if (at >= 0) return { array: new Kind(a.buffer, at, length), arena: a.id };
  }
  return {
    array: new Kind(new SharedArrayBuffer(length * Kind.BYTES_PER_ELEMENT), 0, length),
    arena: undefined,
  };
}
