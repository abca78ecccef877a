import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasShared, parseJsonl, type RunResult, SHARED_LOGS, spoor } from './helpers.js';

if (!hasShared) console.warn('skipping shared corpus CLI tests: ../shared not present');

const NDJSON = path.join(SHARED_LOGS, 'ndjson');
const WEVTUTIL = path.join(SHARED_LOGS, 'xml-wevtutil');

describe.skipIf(!hasShared)('spoor hunt on ../shared/corpus/logs', () => {
  const runs: Record<string, RunResult> = {};
  beforeAll(async () => {
    // Two at a time: one per core.
    for (const [name, dir] of [
      ['ndjson', NDJSON],
      ['wevtutil', WEVTUTIL],
    ] as const) {
      const [one, four] = await Promise.all([
        spoor(['hunt', dir, '--jsonl', '--threads', '1', '--sort', 'time'], { timeoutMs: 120_000 }),
        spoor(['hunt', dir, '--jsonl', '--threads', '4', '--sort', 'time'], { timeoutMs: 120_000 }),
      ]);
      runs[`${name}-1`] = one;
      runs[`${name}-4`] = four;
    }
  }, 240_000);

  it('every run succeeds without warnings and finds hits', () => {
    for (const [name, r] of Object.entries(runs)) {
      expect(r.code, name).toBe(0);
      expect(r.stderr, name).not.toMatch(/^spoor: /m);
      expect(parseJsonl(r.stdout).length, name).toBeGreaterThan(0);
    }
  });

  it('--threads 1 and --threads 4 give byte-identical JSONL on all of ndjson/', () => {
    expect(runs['ndjson-4']!.stdout).toBe(runs['ndjson-1']!.stdout);
  });

  it('--threads 1 and --threads 4 give byte-identical JSONL on all of xml-wevtutil/', () => {
    expect(runs['wevtutil-4']!.stdout).toBe(runs['wevtutil-1']!.stdout);
  });

  it('the XML and NDJSON twins give the same set of hit ids, at the same levels', () => {
    const key = (r: RunResult): string[] =>
      parseJsonl(r.stdout)
        .map((h) => `${h.hit_id} ${h.level} ${h.rule.id} ${h.timestamp}`)
        .sort();
    expect(key(runs['wevtutil-1']!)).toEqual(key(runs['ndjson-1']!));
  });

  it('each hit points back at the file and position of its event', () => {
    for (const h of parseJsonl(runs['ndjson-1']!.stdout)) {
      if (h.source === null) continue;
      expect(h.source.file.startsWith(NDJSON)).toBe(true);
      expect(h.source.line).toBeGreaterThan(0);
    }
    for (const h of parseJsonl(runs['wevtutil-1']!.stdout)) {
      if (h.source === null) continue;
      expect(h.source.file.startsWith(WEVTUTIL)).toBe(true);
      expect(h.source.offset).toBeGreaterThanOrEqual(0);
    }
  });
});
