import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Chunk, readChunks } from '../../src/input/index.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'spoor-framer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function chunksOf(text: string, chunkBytes: number): Promise<Chunk[]> {
  const p = path.join(tmp, `f${Math.random().toString(36).slice(2)}.ndjson`);
  writeFileSync(p, text);
  const out: Chunk[] = [];
  for await (const c of readChunks({ path: p, display: 'f', size: 0 }, { chunkBytes })) out.push(c);
  return out;
}

describe('framer staging', () => {
  it('carries records far longer than a chunk, then goes on cutting small chunks, byte for byte', async () => {
    const line = (i: number, pad: number): string =>
      `${JSON.stringify({ EventID: String(i), P: 'x'.repeat(pad) })}\n`;
    // A 12 MB record makes the staging buffer grow to several times its usual size (and shrink back).
    const text =
      line(0, 100) + line(1, 12_000_000) + Array.from({ length: 200 }, (_, i) => line(i + 2, 50)).join('');
    const chunks = await chunksOf(text, 1024);
    const all = Buffer.concat(chunks.map((c) => c.data));
    expect(all.equals(Buffer.from(text))).toBe(true);
    let offset = 0;
    let lineNo = 1;
    for (const c of chunks) {
      // Each chunk owns its whole ArrayBuffer, so it can be transferred to a worker.
      expect(c.data.buffer.byteLength).toBe(c.data.byteLength);
      expect(c.offset).toBe(offset);
      expect(c.line).toBe(lineNo);
      expect(c.data[c.data.length - 1]).toBe(10);
      offset = c.end.offset;
      lineNo = c.end.line;
    }
    expect(offset).toBe(Buffer.byteLength(text));
    expect(lineNo).toBe(203);
    // After the long record, chunks are near the asked size again.
    const after = chunks.slice(chunks.findIndex((c) => c.data.length > 12_000_000) + 1);
    expect(after.length).toBeGreaterThan(5);
    for (const c of after.slice(0, -1)) expect(c.data.length).toBeLessThan(1024 + 200);
  });

  it('gives each chunk its true offset even when the consumer transfers the chunk away at once', async () => {
    // A worker pool moves each chunk's buffer to a worker before the reader resumes, which leaves
    // `data` empty here: the next chunk's offset must not be worked out from it.
    const rec = (i: number): string =>
      `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>${i}</EventID></System></Event>\n`;
    const text = Array.from({ length: 300 }, (_, i) => rec(i)).join('');
    const p = path.join(tmp, 'moved.xml');
    writeFileSync(p, text);
    const { port1, port2 } = new MessageChannel();
    const seen: { offset: number; first: string }[] = [];
    for await (const c of readChunks({ path: p, display: 'f', size: 0 }, { chunkBytes: 1000 })) {
      seen.push({ offset: c.offset, first: Buffer.from(c.data).subarray(0, 40).toString() });
      port1.postMessage(c.data, [c.data.buffer as ArrayBuffer]);
      expect(c.data.byteLength).toBe(0);
    }
    port1.close();
    port2.close();
    expect(seen.length).toBeGreaterThan(10);
    for (const { offset, first } of seen) expect(text.slice(offset, offset + 40)).toBe(first);
  });
});
