import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, parseJsonl, spoor, tempDir } from './helpers.js';

const tmp = tempDir('offsets');
afterAll(() => tmp.remove());

const one = readFileSync(path.join(FIXTURES, 'sigma', 'proc_creation_mimikatz_command_line.xml'), 'utf8');
const file = path.join(tmp.dir, 'many-chunks.xml');
let big = Buffer.alloc(0);

beforeAll(() => {
  // ~24 MB of XML (a dozen 2 MiB chunks, most of them read by a worker): the fixture's records again
  // and again, each copy with record ids of its own (of growing width: no two copies are the same size).
  const copies = Math.ceil((24 << 20) / one.length);
  big = Buffer.from(
    Array.from({ length: copies }, (_, c) =>
      one.replace(
        /<EventRecordID>(\d+)<\/EventRecordID>/g,
        (_m, id: string) => `<EventRecordID>${c + 1}${id}</EventRecordID>`,
      ),
    ).join(''),
  );
  writeFileSync(file, big);
});

describe('positions in a file of many chunks', () => {
  it('each hit names the offset of its own record, whichever thread read it', async () => {
    for (const threads of ['1', '2']) {
      const r = await spoor(['hunt', file, '--jsonl', '--sort', 'none', '-q', '--threads', threads], {
        timeoutMs: 60_000,
      });
      expect(r.code).toBe(0);
      const hits = parseJsonl(r.stdout);
      expect(hits.length).toBeGreaterThan(1000);
      const offsets = hits.map((h) => h.source?.offset ?? -1);
      // Hits from the last chunks too, not only the first.
      expect(Math.max(...offsets)).toBeGreaterThan(big.length - one.length * 2);
      for (const h of hits) {
        const o = h.source?.offset ?? -1;
        const record = big.subarray(o, big.indexOf('</Event>', o)).toString();
        expect(record.startsWith('<Event'), `offset ${o}`).toBe(true);
        expect(record, `offset ${o}`).toContain(`<EventRecordID>${h.record_id}</EventRecordID>`);
      }
    }
  });

  it('streams the same hit records as it sorts (text buffers used again between chunks)', async () => {
    const run = async (sort: string) => {
      const r = await spoor(['hunt', file, '--jsonl', '--sort', sort, '-q', '--threads', '2'], {
        timeoutMs: 60_000,
      });
      expect(r.code).toBe(0);
      return r.stdout.trimEnd().split('\n');
    };
    const streamed = await run('none');
    const sorted = await run('time');
    expect(streamed.length).toBeGreaterThan(1000);
    // Every streamed line parses: none was overwritten by a later chunk's hits.
    expect(parseJsonl(`${streamed.join('\n')}\n`).length).toBe(streamed.length);
    expect([...streamed].sort()).toEqual([...sorted].sort());
  });

  it('--state records the end of the file, so the next run reads nothing again', async () => {
    const state = path.join(tmp.dir, 'state.json');
    const args = ['hunt', file, '--jsonl', '--state', state, '--threads', '2'];
    const first = await spoor(args, { timeoutMs: 60_000 });
    expect(first.code).toBe(0);
    expect(parseJsonl(first.stdout).length).toBeGreaterThan(1000);
    const saved = JSON.parse(readFileSync(state, 'utf8')) as { files: Record<string, { offset: number }> };
    // The end of the last record (a trailing line break is not part of it).
    expect(big.length - (Object.values(saved.files)[0]?.offset ?? 0)).toBeLessThanOrEqual(1);
    const again = await spoor(args, { timeoutMs: 60_000 });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/Scanned\s+1 file · 0 events/);
  });
});
