import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, hitIds, ROOT, runCli } from './run-cli.js';

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

  it('two runs on one state file at once: the second is refused while the first holds it', async () => {
    const state = join(dir, 'concurrent.json');
    // The first run reads a pipe this test holds open, so it holds the lock until the pipe ends;
    // two runs merely started together may not overlap at all on a busy machine.
    const first = spawn(process.execPath, [BIN, 'hunt', '-', '--state', state, '--jsonl', '-q'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const firstExit = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 1200 && !existsSync(`${state}.lock`); i++) await sleep(50);
    expect(existsSync(`${state}.lock`)).toBe(true);
    const second = await runCli(['hunt', input, '--state', state, '--jsonl', '-q']);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/locked by a running spoor/);
    first.stdin.end(await readFile(input));
    expect(await firstExit).toBe(0);
    expect(existsSync(`${state}.lock`)).toBe(false);
  }, 120_000);
});
