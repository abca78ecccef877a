import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasShared, parseJsonl, type RunResult, SHARED_LOGS, spoor, tempDir } from './helpers.js';

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

describe.skipIf(!hasShared)('the shared NDJSON corpus as one pretty JSON array', () => {
  const tmp = tempDir('pretty');
  afterAll(() => tmp.remove());

  it('gives the hits the NDJSON files do (same hit ids, levels, rules and times)', async () => {
    const files = readdirSync(NDJSON, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(json|jsonl|ndjson)$/.test(f))
      .sort();
    const objects = files.flatMap((f) =>
      readFileSync(path.join(NDJSON, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as unknown),
    );
    expect(objects.length).toBeGreaterThan(14_000);
    const array = path.join(tmp.dir, 'corpus.json');
    writeFileSync(array, JSON.stringify(objects, null, 2));
    const [nd, pretty] = await Promise.all(
      [NDJSON, array].map((p) =>
        spoor(['hunt', p, '--jsonl', '-q', '--threads', '1'], { timeoutMs: 120_000 }),
      ),
    );
    expect(pretty.code).toBe(0);
    expect(pretty.stderr).toBe('');
    const key = (r: RunResult): string[] =>
      parseJsonl(r.stdout)
        .map((h) => `${h.hit_id} ${h.level} ${h.rule.id} ${h.timestamp}`)
        .sort();
    expect(key(nd).length).toBeGreaterThan(0);
    expect(key(pretty)).toEqual(key(nd));
  }, 240_000);
});
