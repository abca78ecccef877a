import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

const WASM_PAGE = 65536;

/** The part of the WebAssembly API used here (TypeScript's Node types do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: { Memory: new (d: { initial: number }) => WasmMemory };

/**
 * Whole files read into memory from the system's page allocator instead of the C heap.
 *
 * A file of several MB read with `readFileSync` is one `malloc` of its size, freed once its bytes
 * are decoded. glibc then raises its mmap threshold to that size for the rest of the process (and
 * its trim threshold to twice it), so every later buffer below a few MB lives in the C heap, and
 * each thread's heap keeps up to twice that much freed memory resident. A WebAssembly memory is
 * mapped and unmapped by V8 directly and leaves the allocator's thresholds alone.
 *
 * One scratch memory serves all reads in a turn of the event loop and is dropped after it: the
 * bytes a read returns are valid only until the next read.
 */
let scratch: WasmMemory | undefined;
let dropQueued = false;

function scratchBytes(n: number): Buffer {
  const pages = Math.max(1, Math.ceil(n / WASM_PAGE));
  if (scratch === undefined) scratch = new WebAssembly.Memory({ initial: pages });
  else {
    const have = scratch.buffer.byteLength / WASM_PAGE;
    if (have < pages) scratch.grow(pages - have);
  }
  if (!dropQueued) {
    dropQueued = true;
    setImmediate(() => {
      scratch = undefined;
      dropQueued = false;
    }).unref();
  }
  return Buffer.from(scratch.buffer, 0, n);
}

/**
 * The bytes of `file` (throws as `readFileSync` does), valid until the next call: decode or copy
 * them before reading another file.
 */
export function readScratch(file: string): Buffer {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const buf = scratchBytes(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, buf, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}
