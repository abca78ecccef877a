import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, parseJsonl, spoor, tempDir } from './helpers.js';

const tmp = tempDir('offsets');
afterAll(() => tmp.remove());

describe('source offsets of XML hits', () => {
  it('point at the record in a file of many chunks, whichever thread read it', async () => {
    // ~24 MB of XML (a dozen 2 MiB chunks, most of them read by a worker): the fixture's records again and again, each copy with
    // record ids of its own (of growing width, so no two copies are the same size).
    const one = readFileSync(path.join(FIXTURES, 'sigma', 'proc_creation_mimikatz_command_line.xml'), 'utf8');
    const copies = Math.ceil((24 << 20) / one.length);
    const big = Buffer.from(
      Array.from({ length: copies }, (_, c) =>
        one.replace(
          /<EventRecordID>(\d+)<\/EventRecordID>/g,
          (_m, id: string) => `<EventRecordID>${c + 1}${id}</EventRecordID>`,
        ),
      ).join(''),
    );
    const file = path.join(tmp.dir, 'many-chunks.xml');
    writeFileSync(file, big);
    for (const threads of ['1', '2']) {
      const r = await spoor(['hunt', file, '--jsonl', '--sort', 'none', '-q', '--threads', threads], {
        timeoutMs: 60_000,
      });
      expect(r.code).toBe(0);
      const hits = parseJsonl(r.stdout);
      expect(hits.length).toBeGreaterThanOrEqual(copies);
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
});
