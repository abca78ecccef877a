import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hitIds, ROOT, runCli } from './run-cli.js';

// A run killed at any moment loses no hit: the union of what the runs wrote equals one clean run.
let dir: string;
let input: string;
let singleIds: Set<string>;
let singleMs: number;

/** Deterministic pseudo-random numbers (a fixed seed keeps a failure reproducible). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spoor-kill-'));
  const src = join(ROOT, 'fixtures/sigma');
  const events: string[] = [];
  for (const f of (await readdir(src)).sort()) {
    const text = await readFile(join(src, f), 'utf8');
    // One record per line in these fixtures, except multi-line script blocks: split on record ends.
    for (const m of text.split(/(?<=<\/Event>)\r?\n/)) if (m.trim()) events.push(m.trim());
  }
  const copies: string[] = [];
  for (let i = 0; i < 400; i++) {
    for (const e of events) {
      copies.push(
        e.replace(
          /<EventRecordID>(\d+)<\/EventRecordID>/,
          (_, n: string) => `<EventRecordID>${i}${n}</EventRecordID>`,
        ),
      );
    }
  }
  input = join(dir, 'big.xml');
  await writeFile(input, `${copies.join('\n')}\n`);
  const t0 = performance.now();
  const single = await runCli(['hunt', input, '--jsonl', '--sort', 'none', '-q']);
  singleMs = performance.now() - t0;
  expect(single.code).toBe(0);
  singleIds = new Set(hitIds(single.stdout));
  expect(singleIds.size).toBeGreaterThan(1000);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('killed runs', () => {
  it('SIGKILL at random moments, then a clean run: every hit was written by some run', async () => {
    const state = join(dir, 'state.json');
    const next = rng(20261123);
    const union = new Set<string>();
    let killed = 0;
    for (let attempt = 0; attempt < 6; attempt++) {
      const out = join(dir, `out-${attempt}.jsonl`);
      const at = Math.round(100 + next() * singleMs * 1.1);
      const r = await runCli(['hunt', input, '--state', state, '-o', out, '--sort', 'none', '-q'], {
        killAfterMs: at,
      });
      if (r.signal === 'SIGKILL') killed++;
      else expect(r.code).toBe(0);
      if (existsSync(out)) for (const id of hitIds(await readFile(out, 'utf8'))) union.add(id);
    }
    const last = join(dir, 'out-final.jsonl');
    const r = await runCli(['hunt', input, '--state', state, '-o', last, '--sort', 'none', '-q']);
    expect(r.code).toBe(0);
    for (const id of hitIds(await readFile(last, 'utf8'))) union.add(id);
    expect(killed).toBeGreaterThan(0);
    const missing = [...singleIds].filter((id) => !union.has(id));
    expect(missing).toEqual([]);
    expect(union.size).toBe(singleIds.size);
  }, 180_000);

  it('two runs on one state file at once: exactly one proceeds', async () => {
    const state = join(dir, 'concurrent.json');
    const [a, b] = await Promise.all([
      runCli(['hunt', input, '--state', state, '--jsonl', '-q']),
      runCli(['hunt', input, '--state', state, '--jsonl', '-q']),
    ]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 2]);
    const loser = a.code === 2 ? a : b;
    expect(loser.stderr).toMatch(/locked by a running spoor/);
  }, 120_000);
});
