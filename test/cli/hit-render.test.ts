import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonRenderer, type RenderInit, renderedHit } from '../../src/cli/hit-render.js';
import { buildHit, isoTime } from '../../src/cli/hits.js';
import { ChunkMatcher } from '../../src/engine/chunk-matcher.js';
import {
  type ChunkResult,
  type EventSnapshot,
  loadRuleSet,
  type WorkerInit,
} from '../../src/engine/index.js';
import { hitJson } from '../../src/output/index.js';

/**
 * Hits rendered where they are found (a worker, or the main thread's own share) must be exactly what
 * the main thread writes from the event: same JSON line, same hit id, and the fields stay behind.
 */
const root = path.resolve(__dirname, '../..');

function fixtureChunks(): { file: string; format: 'xml' | 'ndjson'; data: Buffer }[] {
  const out: { file: string; format: 'xml' | 'ndjson'; data: Buffer }[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(xml|ndjson|jsonl)$/.test(e.name))
        out.push({ file: p, format: e.name.endsWith('.xml') ? 'xml' : 'ndjson', data: readFileSync(p) });
    }
  };
  walk(path.join(root, 'fixtures'));
  return out.sort((a, b) => (a.file < b.file ? -1 : 1));
}

describe('hits rendered in the matching thread', () => {
  it('write the same JSON line and hit id as the main thread does, without the fields', async () => {
    const set = await loadRuleSet([path.join(root, 'rules')]);
    const render: RenderInit = {
      rules: set.sigma.map((r) => ({ id: r.id, title: r.title, level: r.level, path: r.path, tags: r.tags })),
    };
    const init: WorkerInit = { sigma: set.sigma, eql: [], filter: {}, render };
    const plain = new ChunkMatcher(init);
    const rendering = new ChunkMatcher(init, jsonRenderer(render));
    let hits = 0;
    let id = 0;
    for (const c of fixtureChunks()) {
      const job = { id: id++, file: c.file, format: c.format, data: c.data, offset: 0, line: 1 };
      const a: ChunkResult = plain.run(job);
      const b: ChunkResult = rendering.run(job);
      expect(b.hits.length).toBe(a.hits.length);
      a.hits.forEach((h, i) => {
        const r = b.hits[i]!;
        const rule = set.sigma[h.rule]!;
        const expected = hitJson(buildHit(rule, h.event, 'sigma', isoTime(h.event.timestamp)));
        const bytes = b.texts!.subarray(r.textAt, r.textEnd);
        expect(Buffer.from(bytes).toString('utf8')).toBe(expected);
        expect(Object.keys(r.event.fields)).toEqual([]);
        const record = renderedHit(rule, r.event, bytes, r.hitId!);
        expect(hitJson(record)).toBe(expected);
        expect(record.hit_id).toBe(JSON.parse(expected).hit_id);
        // What the summary, the sort and the dedup read is the full record's.
        const full = buildHit(rule, h.event, 'sigma');
        const { details: _d, event: _e, json: _j, ms, ...read } = record;
        const { details: _fd, event: _fe, ...fullRead } = full;
        expect(read).toEqual(fullRead);
        expect(ms).toBe(full.timestamp === null ? Number.NaN : Date.parse(full.timestamp));
        hits++;
      });
    }
    expect(hits).toBeGreaterThan(20);
    // Text outside ASCII is written as UTF-8 and offsets count bytes.
    expect(Buffer.from('é').byteLength).toBe(2);
  });

  it('leaves to the main thread the rules it is given no metadata for', async () => {
    const set = await loadRuleSet([path.join(root, 'rules')]);
    const render: RenderInit = { rules: set.sigma.map(() => null) };
    const m = new ChunkMatcher({ sigma: set.sigma, eql: [], filter: {}, render }, jsonRenderer(render));
    const c = fixtureChunks().find((f) => f.file.endsWith('t1086_remote_powershell_session.xml'))!;
    const r = m.run({ id: 0, file: c.file, format: c.format, data: c.data, offset: 0, line: 1 });
    expect(r.hits.length).toBeGreaterThan(0);
    for (const h of r.hits) {
      expect(h.textAt).toBeUndefined();
      expect(Object.keys(h.event.fields).length).toBeGreaterThan(5);
    }
  });

  it('joins its parts into the line the whole record gives, whatever the content', () => {
    const fields = (o: Record<string, string | string[]>) => Object.assign(Object.create(null), o);
    const events: EventSnapshot[] = [
      {
        timestamp: Date.UTC(2024, 0, 2, 3, 4, 5, 6),
        computer: 'ws\u001b[31m01\u202e',
        channel: 'Microsoft-Windows-Sysmon/Operational',
        eventId: '1',
        recordId: '42',
        fields: fields({
          CommandLine: 'cmd /c "x\u0007y" \u2028 \u009b é 🙂 \ud800',
          Image: 'C:\\x.exe',
          __proto__: 'p',
        }),
        src: { file: 'a.ndjson', line: 3 },
      },
      {
        timestamp: Number.NaN,
        computer: '',
        channel: '',
        eventId: 'x7',
        recordId: '',
        fields: fields({ Data: ['a', '=b', '\u0000'] }),
        src: { file: 'b.xml', offset: 10 },
      },
    ];
    const rules = [
      { id: 'r-1', title: 'T \u001b one', level: 'high' as const, path: 'p/1.yml', tags: ['attack.t1059'] },
      { id: 'r-2', title: 'Two \u200b', level: 'low' as const, path: 'p/2.yml', tags: [] },
    ];
    const render = jsonRenderer({ rules })!;
    for (const ev of events) {
      for (const r of [0, 1, 0]) {
        const out = render(r, ev)!;
        const expected = hitJson(buildHit(rules[r]!, ev, 'sigma', isoTime(ev.timestamp)));
        expect(out.parts.join('')).toBe(expected);
        expect(out.hitId).toBe(JSON.parse(expected).hit_id);
      }
    }
  });
});
