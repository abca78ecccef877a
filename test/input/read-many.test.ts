import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { type Chunk, readChunks } from '../../src/input/index.js';

// A file of its own: the reader's kept staging buffers start empty here, whatever other tests read.
const tmp = mkdtempSync(path.join(tmpdir(), 'spoor-many-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function put(name: string, data: string | Uint8Array): string {
  const p = path.join(tmp, name);
  writeFileSync(p, data);
  return p;
}

describe('readChunks over many files', () => {
  const bytesOf = (chunks: Chunk[]): string =>
    Buffer.concat(
      chunks.map((c) => Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength)),
    ).toString();
  const lines = (tag: string, n: number): string =>
    Array.from({ length: n }, (_, i) => `{"tag":"${tag}","i":${i},"pad":"${'x'.repeat(i % 97)}"}\n`).join('');

  it('gives each file its own bytes while reads overlap and staging buffers are used again', async () => {
    const texts = ['a', 'b', 'c'].map((t, k) => lines(t, 400 + 300 * k));
    const files = texts.map((t, k) => ({ path: put(`many-${k}.ndjson`, t), display: `many-${k}`, size: 0 }));
    // Small chunks: every file is several, and the first file is left open while the others run.
    const chunkBytes = 4093;
    const first = readChunks(files[0]!, { chunkBytes });
    const a: Chunk[] = [];
    const head = await first.next();
    a.push(head.value as Chunk);
    const b: Chunk[] = [];
    for await (const c of readChunks(files[1]!, { chunkBytes })) b.push(c);
    for await (const c of first) a.push(c);
    const c: Chunk[] = [];
    for await (const x of readChunks(files[2]!, { chunkBytes })) c.push(x);
    expect(bytesOf(a)).toBe(texts[0]);
    expect(bytesOf(b)).toBe(texts[1]);
    expect(bytesOf(c)).toBe(texts[2]);
    // In turn, as a hunt reads a folder: each file whole, none holding another's bytes.
    for (let round = 0; round < 3; round++) {
      for (const [k, f] of files.entries()) {
        const got: Chunk[] = [];
        for await (const x of readChunks(f)) got.push(x);
        expect(bytesOf(got)).toBe(texts[k]);
      }
    }
  });

  const fds = existsSync('/proc/self/fd');
  if (!fds) console.warn('skipping the open-file count: /proc/self/fd not present');
  it.skipIf(!fds)('closes every file it gives up on at once, not when the collector gets to it', async () => {
    const open = (): number => readdirSync('/proc/self/fd').length;
    const files = [
      ...Array.from({ length: 12 }, (_, k) => put(`junk-${k}.xml`, `junk ${k} ${'x'.repeat(k * 100)}`)),
      ...Array.from({ length: 6 }, (_, k) => put(`junk-${k}.ndjson.gz`, gzipSync(`junk ${k}`))),
      ...Array.from({ length: 6 }, (_, k) =>
        put(`cut-${k}.ndjson.gz`, gzipSync(lines('z', 50)).subarray(0, 30 + k)),
      ),
    ];
    const before = open();
    let warnings = 0;
    for (const f of files) {
      for await (const _ of readChunks({ path: f, display: f, size: 0 }, { onWarning: () => warnings++ })) {
        // the chunks of a cut gzip stream, if any, are not the point here
      }
    }
    expect(warnings).toBeGreaterThanOrEqual(files.length);
    expect(open()).toBeLessThanOrEqual(before);
  });

  it('reads files either side of one read piece (1 MiB) whole, and small ones from a resume point', async () => {
    const PIECE = 1 << 20;
    for (const size of [PIECE - 1, PIECE, PIECE + 1, 3 * PIECE + 7]) {
      let text = '';
      for (let i = 0; text.length < size; i++) text += `{"n":${i},"pad":"${'y'.repeat(i % 113)}"}\n`;
      text = `${text.slice(0, size - 1)}\n`;
      const f = put(`size-${size}.ndjson`, text);
      const got: Chunk[] = [];
      let bytes = 0;
      for await (const c of readChunks({ path: f, display: f, size }, { onBytes: (n) => (bytes += n) }))
        got.push(c);
      expect(bytesOf(got), `${size}`).toBe(text);
      expect(bytes, `${size}`).toBe(size);
    }
    const small = lines('r', 30);
    const f = put('resume.ndjson', small);
    const cut = small.indexOf('\n', 200) + 1;
    const line = small.slice(0, cut).split('\n').length;
    const got: Chunk[] = [];
    for await (const c of readChunks({ path: f, display: f, size: 0 }, { start: { offset: cut, line } }))
      got.push(c);
    expect(bytesOf(got)).toBe(small.slice(cut));
    expect(got[0]!.offset).toBe(cut);
    expect(got[0]!.line).toBe(line);
  });
});
