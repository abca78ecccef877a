import { describe, expect, it } from 'vitest';
import {
  type HitRecord,
  renderSummary,
  type ScanSummary,
  SummaryAccumulator,
} from '../../src/output/index.js';
import { displayWidth } from '../../src/output/text-width.js';
import { makeHit } from './hits.js';

const base: Omit<ScanSummary, 'hits'> = {
  files: 12,
  events: 14_173,
  bytes: 18_000_000,
  skippedRecords: 3,
  unreadableFiles: 1,
  elapsedMs: 2_000,
  rulesLoaded: 2_410,
  rulesRefused: { 'unsupported modifier |expand': 12, 'regular expression is not linear': 3 },
};

const H = 3_600_000;
function at(ms: number): string {
  return new Date(ms).toISOString();
}
const t0 = Date.UTC(2019, 8, 12, 10, 0, 0);

function dayOfHits(): HitRecord[] {
  return [
    makeHit({ timestamp: at(t0 + 5 * 60_000), level: 'critical' }),
    makeHit({ timestamp: at(t0 + 2 * H), level: 'high', title: 'Mimikatz', ruleId: 'm', computer: 'DC01' }),
    makeHit({
      timestamp: at(t0 + 2 * H + 10),
      level: 'high',
      title: 'Mimikatz',
      ruleId: 'm',
      computer: 'DC01',
    }),
    makeHit({
      timestamp: at(t0 + 2 * H + 20),
      level: 'high',
      title: 'Mimikatz',
      ruleId: 'm',
      computer: 'DC01',
    }),
    makeHit({ timestamp: at(t0 + 9 * H), level: 'low', title: 'Noise', ruleId: 'n', computer: 'DC01' }),
    makeHit({ timestamp: null, level: 'informational', title: 'Undated', ruleId: 'u', computer: null }),
  ];
}

describe('renderSummary', () => {
  it('shows the time window and the candidate events it left out, in the display zone', () => {
    const fromMs = Date.UTC(2024, 4, 3);
    const toMs = Date.UTC(2024, 4, 4, 12, 30);
    const both = renderSummary(
      { ...base, window: { fromMs, toMs, outside: 1_234 }, hits: [] },
      { color: false, width: 120, timezone: 'Asia/Tokyo' },
    );
    expect(both).toContain(
      '\n  Window     from 2024-05-03 09:00:00.000 +09:00 to 2024-05-04 21:30:00.000 +09:00 · 1,234 candidate events outside it\n',
    );
    // Right after the scanned line.
    expect(both).toMatch(/Scanned .*\n {2}Window /);
    const one = renderSummary(
      { ...base, window: { toMs, outside: 1 }, hits: [] },
      { color: false, width: 100 },
    );
    expect(one).toContain('Window     to 2024-05-04 12:30:00.000 +00:00 · 1 candidate event outside it\n');
    const kept = renderSummary(
      { ...base, window: { fromMs, outside: 0 }, hits: [] },
      { color: false, width: 100 },
    );
    expect(kept).toContain('from 2024-05-03 00:00:00.000 +00:00 · no candidate event outside it');
    expect(renderSummary({ ...base, hits: [] }, { color: false, width: 100 })).not.toMatch(/Window/);
  });

  it('reports the scan, the rules and the hits', () => {
    const text = renderSummary({ ...base, hits: dayOfHits() }, { color: false, width: 100 });
    expect(text).toContain(
      'Scanned    12 files (1 unreadable) · 14,173 events (3 malformed, skipped) · 17.2 MiB',
    );
    expect(text).toContain('Elapsed    2.0 s · 7,087 events/s · 8.6 MiB/s\n');
    expect(text).toContain('Rules      2,410 loaded · 15 refused');
    // The threads the scan ran on, when told (a hunt picks them from the input's size by default).
    const one = renderSummary({ ...base, threads: 1, hits: [] }, { color: false, width: 100 });
    expect(one).toContain('Elapsed    2.0 s · 7,087 events/s · 8.6 MiB/s · 1 thread\n');
    const two = renderSummary({ ...base, threads: 2, hits: [] }, { color: false, width: 100 });
    expect(two).toContain('8.6 MiB/s · 2 threads\n');
    expect(text).toMatch(/12 {2}unsupported modifier \|expand\n\s+3 {2}regular expression is not linear/);
    expect(text).toContain('Hits       6 from 4 rules on 2 computers');
    expect(text).toMatch(/critical\s+1 {2}█·········\n/);
    expect(text).toMatch(/high\s+3 {2}··█·······\n/);
    expect(text).toMatch(/low\s+1 {2}·········█\n/);
    expect(text).toMatch(/medium\s+0\n/);
    expect(text).toMatch(/informational\s+1\n/);
    expect(text).toContain('per hour, 2019-09-12 10:00 → 2019-09-12 19:59 (UTC)');
    expect(text).toContain('First hit  2019-09-12 10:05:00.000 +00:00');
    expect(text).toContain('Last hit   2019-09-12 19:00:00.000 +00:00');
    expect(text).toContain('Undated    1 hit without a timestamp');
    const rules = text.slice(text.indexOf('Rules with hits'));
    const order = ['T1086', 'Mimikatz', 'Noise', 'Undated'].map((t) => rules.indexOf(t));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(rules).toMatch(/high {2}3 {2}Mimikatz/);
    expect(text).toMatch(/DC01\s+4 {2}worst: high\n\s+WIN10.contoso.local\s+1 {2}worst: critical/);
  });

  it('gives the same report from an accumulator as from the hits', () => {
    const acc = new SummaryAccumulator();
    for (const h of dayOfHits()) acc.add(h);
    const opts = { color: false, width: 100 };
    expect(renderSummary({ ...base, hits: acc }, opts)).toBe(
      renderSummary({ ...base, hits: dayOfHits() }, opts),
    );
    expect(acc.total).toBe(6);
    expect(acc.byLevel.high).toBe(3);
  });

  it('counts a rule id seen under two titles as two rules, each with its worst level', () => {
    const acc = new SummaryAccumulator();
    acc.add(makeHit({ ruleId: 'r1', title: 'A', level: 'low' }));
    acc.add(makeHit({ ruleId: 'r1', title: 'B', level: 'medium' }));
    acc.add(makeHit({ ruleId: 'r1', title: 'A', level: 'high' }));
    acc.add(makeHit({ ruleId: 'r1', title: 'B', level: 'low' }));
    acc.add(makeHit({ ruleId: 'r2', title: 'A', level: 'low' }));
    expect(acc.ruleCount).toBe(3);
    expect(acc.topRules(10)).toEqual([
      { id: 'r1', title: 'A', level: 'high', count: 2 },
      { id: 'r1', title: 'B', level: 'medium', count: 2 },
      { id: 'r2', title: 'A', level: 'low', count: 1 },
    ]);
  });

  it('reads the time given beside a rendered line instead of parsing the timestamp', () => {
    const acc = new SummaryAccumulator();
    acc.add({
      ...makeHit({ timestamp: '2019-09-12T10:11:12.123Z' }),
      ms: Date.parse('2020-01-01T00:00:00.000Z'),
    });
    expect(acc.first).toBe(Date.parse('2020-01-01T00:00:00.000Z'));
    acc.add({ ...makeHit({ timestamp: null }), ms: Number.NaN });
    expect(acc.undated).toBe(1);
  });

  it('charts per day over weeks, and several days per character over years', () => {
    const weeks = [0, 1, 1, 13, 27].map((d) => makeHit({ timestamp: at(t0 + d * 24 * H) }));
    const text = renderSummary({ ...base, hits: weeks }, { color: false, width: 100 });
    expect(text).toMatch(/critical\s+5 {2}▄█···········▄·············▄\n/);
    expect(text).toContain('per day, 2019-09-12 00:00 → 2019-10-09 23:59 (UTC)');

    const years = [0, 400, 800].map((d) => makeHit({ timestamp: at(t0 + d * 24 * H) }));
    const long = renderSummary({ ...base, hits: years }, { color: false, width: 100 });
    expect(long).toMatch(/per 11 days, 2019-09-12 00:00 → /);
  });

  it('shows first and last hit and day boundaries in the chosen zone', () => {
    const hits = [makeHit({ timestamp: at(t0) }), makeHit({ timestamp: at(t0 + 40 * 24 * H) })];
    const text = renderSummary({ ...base, hits }, { color: false, width: 100, timezone: 'Asia/Tokyo' });
    expect(text).toContain('First hit  2019-09-12 19:00:00.000 +09:00');
    expect(text).toContain('per day, 2019-09-12 00:00 → 2019-10-22 23:59 (Asia/Tokyo)');
  });

  it('escapes rule titles, computer names and reasons, and fits the width', () => {
    const hits = [
      makeHit({ title: `Evil\u001b[2J${'x'.repeat(200)}`, computer: 'PC\u202Egnp.exe' }),
      makeHit({ title: 'Other', computer: 'PC2' }),
    ];
    for (const color of [false, true]) {
      const text = renderSummary(
        { ...base, rulesRefused: { 'bad\u001b[31m reason': 1 }, hits },
        { color, width: 70 },
      );
      const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
      expect(plain).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
      expect(plain).toContain('Evil\\e[2J');
      expect(plain).toContain('PC\\u202Egnp.exe');
      expect(plain).toContain('bad\\e[31m reason');
      for (const line of plain.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(70);
    }
  });

  it('says so when nothing was found, and copes with a zero elapsed time', () => {
    const text = renderSummary(
      { ...base, elapsedMs: 0, rulesRefused: {}, hits: [] },
      { color: false, width: 80 },
    );
    expect(text).toContain('Hits       none');
    expect(text).toContain('- events/s');
    expect(text).not.toContain('refused');
  });

  it('keeps memory bounded: computers past the cap are counted together', () => {
    const acc = new SummaryAccumulator();
    for (let i = 0; i < 10_005; i++) acc.add(makeHit({ computer: `PC${i}` }));
    expect(acc.computerTotal).toBe(10_001);
    const other = acc.topComputers(20_000).find((c) => c.name === '(other computers)');
    expect(other?.count).toBe(5);
  });
});
