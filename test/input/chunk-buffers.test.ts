import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ChunkBuffers, chunkCapacity, readChunks } from '../../src/input/index.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'spoor-buffers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ChunkBuffers', () => {
  it('hands a buffer out again once it is given back, also after a round trip to another thread', () => {
    const store = new ChunkBuffers(1024);
    const a = store.take(100);
    expect(a.byteLength).toBe(100);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(1024);
    store.give(a);
    store.give(a);
    expect(store.kept).toBe(1);
    expect(store.take(1000).buffer).toBe(a.buffer);
    expect(store.kept).toBe(0);
    // Longer than the capacity: a buffer of its own, not kept when it comes back.
    const big = store.take(5000);
    expect(big.byteLength).toBe(5000);
    store.give(big);
    // A view whose buffer moved to another thread (detached) is not kept; the bytes coming back
    // from there are (a new ArrayBuffer object over the same memory).
    const moved = store.take(10);
    moved[0] = 42;
    const back = structuredClone(moved, { transfer: [moved.buffer as ArrayBuffer] });
    store.give(moved);
    store.give(undefined);
    store.give(new Uint8Array(100));
    expect(store.kept).toBe(0);
    store.give(back);
    expect(store.kept).toBe(1);
    expect(store.take(10)[0]).toBe(42);
  });
});

describe('readChunks with buffers used again', () => {
  // 4.5 MB of records: several 1 MiB read pieces, each used again, and many small chunks.
  const text = Array.from(
    { length: 30_000 },
    (_, i) => `${JSON.stringify({ EventID: String(i % 50), RecordID: i, P: 'ab'.repeat((i * 7) % 90) })}\n`,
  ).join('');
  const plain = path.join(tmp, 'big.ndjson');
  writeFileSync(plain, text);
  const gz = path.join(tmp, 'big.ndjson.gz');
  writeFileSync(gz, gzipSync(text));
  const utf16 = path.join(tmp, 'big16.ndjson');
  writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));

  it.each([
    ['plain UTF-8', plain],
    ['gzip', gz],
    ['UTF-16 with a BOM', utf16],
  ])(
    '%s: every byte arrives in order though each chunk buffer goes back before the next read',
    async (_, file) => {
      const chunkBytes = 64 * 1024;
      const buffers = new ChunkBuffers(chunkCapacity(chunkBytes));
      const parts: Buffer[] = [];
      const seen = new Set<ArrayBufferLike>();
      for await (const c of readChunks({ path: file, display: 'f', size: 0 }, { chunkBytes, buffers })) {
        expect(c.data.byteOffset).toBe(0);
        parts.push(Buffer.from(c.data));
        seen.add(c.data.buffer);
        buffers.give(c.data);
      }
      expect(Buffer.concat(parts).equals(Buffer.from(text))).toBe(true);
      expect(parts.length).toBeGreaterThan(50);
      // One buffer served every chunk: each went back before the next was cut.
      expect(seen.size).toBe(1);
    },
  );

  it('reads a file again from a resume point with the same bytes', async () => {
    const start = { offset: Buffer.byteLength(text) - 2_000_000, line: 1 };
    const at = readFileSync(plain).indexOf(10, start.offset) + 1;
    const parts: Buffer[] = [];
    for await (const c of readChunks(
      { path: plain, display: 'f', size: 0 },
      { start: { offset: at, line: 1 }, buffers: new ChunkBuffers(chunkCapacity()) },
    ))
      parts.push(Buffer.from(c.data));
    expect(Buffer.concat(parts).equals(Buffer.from(text).subarray(at))).toBe(true);
  });
});
