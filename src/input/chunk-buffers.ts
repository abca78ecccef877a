/**
 * Chunk buffers used again instead of allocated per chunk. A fresh 2-3 MiB buffer per chunk is a
 * malloc of that size each time, freed whenever the collector gets to it (after a transfer, in
 * another thread): the C heap keeps much of that memory without giving it back, and a 500 MB hunt
 * ended 30-50 MiB higher in resident memory than its live data (docs/performance.md). Here every
 * buffer has the same capacity and is handed out again once its chunk is done: a hunt allocates as
 * many as it ever has in flight, at the start, and no more.
 */
export class ChunkBuffers {
  private readonly free: ArrayBuffer[] = [];

  /** `capacity`: the bytes each kept buffer holds; a longer chunk gets a buffer of its own. */
  constructor(readonly capacity: number) {}

  /** A view of `n` bytes (contents undefined) at the start of a kept buffer, or a new one. */
  take(n: number): Uint8Array {
    if (n > this.capacity) return Buffer.allocUnsafeSlow(n);
    const b = this.free.pop() ?? new ArrayBuffer(this.capacity);
    return Buffer.from(b, 0, n);
  }

  /**
   * Hands a chunk's bytes back once nothing reads them any more: what `take` gave, or the same bytes
   * back from a worker (a transfer makes a new ArrayBuffer object, so buffers are told by their
   * capacity, not their identity). Views of other sizes, and views whose buffer moved to another
   * thread (detached: no bytes left), are ignored.
   */
  give(data: Uint8Array | undefined): void {
    if (data === undefined) return;
    const b = data.buffer;
    if (!(b instanceof ArrayBuffer) || b.byteLength !== this.capacity) return;
    if (this.free.length < MAX_KEPT && !this.free.includes(b)) this.free.push(b);
  }

  /** Buffers waiting to be handed out again (for tests). */
  get kept(): number {
    return this.free.length;
  }
}

/** More than any hunt keeps in flight (threads × chunks per thread), so the bound is only a guard. */
const MAX_KEPT = 64;
