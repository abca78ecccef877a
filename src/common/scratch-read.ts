import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { pagedMemory, pagesFor, type WasmMemory } from './paged.js';

/**
 * Whole files read into memory from the system's page allocator instead of the C heap (paged.ts
 * tells why): a file of several MB read with `readFileSync` is one `malloc` of its size.
 *
 * One scratch memory serves all reads in a turn of the event loop and is dropped after it: the
 * bytes a read returns are valid only until the next read.
 */
let scratch: WasmMemory | undefined;
let dropQueued = false;

function scratchBytes(n: number): Buffer {
  const pages = pagesFor(n);
  if (scratch === undefined) scratch = pagedMemory(n);
  else {
    const have = pagesFor(scratch.buffer.byteLength);
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
