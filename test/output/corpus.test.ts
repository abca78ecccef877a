import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Event, parseChunk } from '../../src/event/index.js';
import { createSink, detailsFor, type HitRecord } from '../../src/output/index.js';
import { displayWidth } from '../../src/output/text-width.js';
import { collector } from './hits.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ndjsonDir = path.resolve(here, '../../../shared/corpus/logs/ndjson');
const hasShared = existsSync(ndjsonDir);
if (!hasShared) console.warn('skipping output corpus tests: ../shared not present');

function* ndjsonFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* ndjsonFiles(p);
    else if (e.name.endsWith('.ndjson')) yield p;
  }
}

function hitOf(ev: Event, file: string, n: number): HitRecord {
  return {
    schema: 1,
    timestamp: Number.isNaN(ev.timestamp) ? null : new Date(ev.timestamp).toISOString(),
    level: 'high',
    rule: { id: 'corpus', title: 'Corpus walk', kind: 'sigma', path: 'corpus.yml', tags: [] },
    computer: ev.computer || null,
    channel: ev.channel || null,
    event_id: ev.eventId || null,
    record_id: ev.recordId || null,
    source: { file, line: n },
    details: detailsFor(ev.fields, ev.channel, ev.eventId),
    event: null,
    hit_id: n.toString(16),
  };
}

describe.skipIf(!hasShared)('details and table over the shared corpus (NDJSON)', () => {
  it('finds the analyst fields in real events and renders every one safely within the width', async () => {
    const hits: HitRecord[] = [];
    for (const file of ndjsonFiles(ndjsonDir)) {
      const data = readFileSync(file);
      parseChunk(
        { format: 'ndjson', data, offset: 0, line: 1 },
        file,
        (ev) => hits.push(hitOf(ev, path.relative(ndjsonDir, file), hits.length)),
        () => {},
      );
    }
    expect(hits.length).toBeGreaterThan(10_000);

    const of = (channel: string, id: string) =>
      hits.filter((h) => h.channel === channel && h.event_id === id);
    const sysmon1 = of('Microsoft-Windows-Sysmon/Operational', '1');
    const logons = of('Security', '4624');
    const procs = of('Security', '4688');
    for (const [set, key] of [
      [sysmon1, 'Image'],
      [logons, 'TargetUserName'],
      [procs, 'NewProcessName'],
    ] as const) {
      expect(set.length).toBeGreaterThan(50);
      const having = set.filter((h) => Object.hasOwn(h.details, key)).length;
      expect(having / set.length).toBeGreaterThan(0.95);
    }
    const empty = hits.filter((h) => Object.keys(h.details).length === 0).length;
    expect(empty / hits.length).toBeLessThan(0.1);

    for (const width of [180, 100]) {
      const c = collector();
      const sink = createSink('table', c.stream, { color: false, width, abbrev: true });
      for (const h of hits) sink.write(h);
      await sink.end();
      const text = c.text();
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      for (const line of text.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(width);
    }
  });
});
