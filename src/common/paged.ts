/**
 * Memory from the system's page allocator instead of the C heap, for large short-lived buffers.
 *
 * A buffer of several MB is one `malloc` of its size. When glibc frees one it had mapped (any
 * block from 128 KiB up to 32 MiB), it raises its mmap threshold to that size for the rest of the
 * process (and its trim threshold to twice it), so every later buffer below a few MB lives in the
 * C heap, and each thread's heap keeps up to twice that much freed memory resident. A WebAssembly
 * memory is mapped and unmapped by V8 directly and leaves the allocator's thresholds alone; its
 * pages are zero and take no memory until written.
 */

const WASM_PAGE = 65536;

/** The part of the WebAssembly API used here (TypeScript's Node types do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: { Memory: new (d: { initial: number }) => WasmMemory };

/** A zeroed memory of at least `bytes` bytes (one page at least). */
export function pagedMemory(bytes: number): WasmMemory {
  return new WebAssembly.Memory({ initial: pagesFor(bytes) });
}

/** How many pages `bytes` take. */
export function pagesFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WASM_PAGE));
}

/** A zeroed Int32Array of `n` elements on its own paged memory, freed when collected. */
export function pagedInt32(n: number): Int32Array {
  return new Int32Array(pagedMemory(n * 4).buffer, 0, n);
}

/** Below this many bytes glibc's first mmap threshold keeps a block in the C heap anyway. */
const SMALL = 128 << 10;

/** A zeroed Int32Array of `n` elements: on paged memory when it is large, else an ordinary one. */
export function scratchInt32(n: number): Int32Array {
  return n * 4 < SMALL ? new Int32Array(n) : pagedInt32(n);
}
