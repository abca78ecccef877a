import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hitIds, ROOT, runCli } from './run-cli.js';

const SIGMA = join(ROOT, 'fixtures/sigma');
const FAILURES = join(ROOT, 'fixtures/correlation/dc01_security_logon_failures.xml');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spoor-sched-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim() !== '');
}

async function hunt(
  args: string[],
): Promise<{ code: number | null; ids: string[]; stderr: string; stdout: string }> {
  const r = await runCli(['hunt', ...args, '--jsonl', '--threads', '2']);
  return { code: r.code, ids: hitIds(r.stdout), stderr: r.stderr, stdout: r.stdout };
}

function sorted(ids: string[]): string[] {
  return [...ids].sort();
}

describe('--state: resume where the last run stopped', () => {
  it('reports only the hits of records appended since the last run', async () => {
    const all = [
      ...(await lines(join(SIGMA, 't1086_remote_powershell_session.xml'))),
      ...(await lines(join(SIGMA, 'proc_creation_mimikatz_command_line.xml'))),
    ];
    const log = join(dir, 'exports.xml');
    const state = join(dir, 'state.json');
    await writeFile(join(dir, 'whole.xml'), `${all.join('\n')}\n`);
    const single = await hunt([join(dir, 'whole.xml')]);
    expect(single.ids.length).toBeGreaterThan(3);

    const half = Math.floor(all.length / 2);
    await writeFile(log, `${all.slice(0, half).join('\n')}\n`);
    const first = await hunt([log, '--state', state]);
    await appendFile(log, `${all.slice(half).join('\n')}\n`);
    const second = await hunt([log, '--state', state]);
    const third = await hunt([log, '--state', state]);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(third.ids).toEqual([]);
    expect(first.ids.length).toBeGreaterThan(0);
    expect(second.ids.length).toBeGreaterThan(0);
    expect(sorted([...first.ids, ...second.ids])).toEqual(sorted(single.ids));
  });

  it('scans a rotated file from the start and a shrunk one again, saying so', async () => {
    const log = join(dir, 'exports.xml');
    const state = join(dir, 'state.json');
    await writeFile(log, await readFile(join(SIGMA, 't1086_remote_powershell_session.xml')));
    const first = await hunt([log, '--state', state]);
    await writeFile(log, await readFile(join(SIGMA, 'proc_creation_mimikatz_command_line.xml')));
    const rotated = await hunt([log, '--state', state]);
    expect(rotated.stderr).toMatch(/replaced, rotated or truncated since the last run/);
    const direct = await hunt([join(SIGMA, 'proc_creation_mimikatz_command_line.xml')]);
    expect(sorted(rotated.ids)).toEqual(sorted(direct.ids));
    expect(first.ids.some((id) => rotated.ids.includes(id))).toBe(false);

    // Keep the head (so it is the same file) but lose the tail: a shrink, not a rotation.
    const big = `${(await lines(log)).join('\n')}\n`.repeat(40);
    await writeFile(log, big);
    await hunt([log, '--state', state]);
    await writeFile(log, big.slice(0, big.length - 5000));
    const shrunk = await hunt([log, '--state', state]);
    expect(shrunk.stderr).toMatch(/shrank since the last run/);
    expect(shrunk.code).toBe(0);
  });

  it('finds a correlation whose events span two runs, once', async () => {
    const all = await lines(FAILURES);
    const log = join(dir, 'security.xml');
    const state = join(dir, 'state.json');
    await writeFile(join(dir, 'whole.xml'), `${all.join('\n')}\n`);
    const kind = (out: string) =>
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { rule: { kind: string }; hit_id: string })
        .filter((h) => h.rule.kind === 'sigma-correlation')
        .map((h) => h.hit_id);
    const single = kind((await hunt([join(dir, 'whole.xml')])).stdout);
    expect(single.length).toBeGreaterThan(0);
    // Cut inside the first burst, so its window is still open when the first run ends.
    await writeFile(log, `${all.slice(0, 3).join('\n')}\n`);
    const first = kind((await hunt([log, '--state', state])).stdout);
    await appendFile(log, `${all.slice(3).join('\n')}\n`);
    const second = kind((await hunt([log, '--state', state])).stdout);
    expect(sorted([...first, ...second])).toEqual(sorted(single));
    const again = kind((await hunt([log, '--state', state])).stdout);
    expect(again).toEqual([]);
  });

  it('lets only one run use a state file at a time', async () => {
    const state = join(dir, 'state.json');
    await writeFile(`${state}.lock`, `${process.pid}\n`);
    const blocked = await hunt([SIGMA, '--state', state]);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/locked by a running spoor \(pid \d+\)/);
  });

  it('reads a file from the start, saying so, when its entry is not one spoor wrote', async () => {
    const log = join(dir, 'exports.xml');
    const state = join(dir, 'state.json');
    await writeFile(log, await readFile(join(SIGMA, 't1086_remote_powershell_session.xml')));
    const first = await hunt([log, '--state', state]);
    expect(first.ids.length).toBeGreaterThan(0);
    const saved = JSON.parse(await readFile(state, 'utf8')) as {
      files: Record<string, Record<string, unknown>>;
    };
    const [key] = Object.keys(saved.files);
    for (const damage of [
      { offset: 'x' },
      { offset: -7 },
      { line: 0 },
      { fingerprint: 'zz' },
      { size: 1.5 },
    ]) {
      await writeFile(
        state,
        JSON.stringify({ ...saved, files: { [key!]: { ...saved.files[key!], ...damage } } }),
      );
      const again = await hunt([log, '--state', state]);
      expect(again.code, JSON.stringify(damage)).toBe(0);
      expect(again.stderr).toContain(
        `${log}: its entry in the state file is not one spoor wrote: scanning it from the start`,
      );
      expect(sorted(again.ids)).toEqual(sorted(first.ids));
    }
    // The run after it resumes as usual from the entry it wrote.
    expect((await hunt([log, '--state', state])).ids).toEqual([]);
  });

  it('refuses a corrupt state file with its name and exit 2', async () => {
    const state = join(dir, 'state.json');
    await writeFile(state, 'garbage');
    const r = await hunt([SIGMA, '--state', state]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('state.json: not a spoor state file');
  });
});

describe('output files for scheduled runs', () => {
  it('expands date patterns and appends atomically, with one CSV header', async () => {
    const pattern = join(dir, 'hits-%Y%m%d.csv');
    const r1 = await runCli([
      'hunt',
      join(SIGMA, 't1086_remote_powershell_session.xml'),
      '-o',
      pattern,
      '--append',
      '--utc',
    ]);
    expect(r1.code).toBe(0);
    const r2 = await runCli([
      'hunt',
      join(SIGMA, 'proc_creation_mimikatz_command_line.xml'),
      '-o',
      pattern,
      '--append',
      '--utc',
    ]);
    expect(r2.code).toBe(0);
    const files = (await readdir(dir)).filter((f) => f.startsWith('hits-'));
    const d = new Date();
    const expected = `hits-${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}.csv`;
    expect(files).toEqual([expected]);
    const text = await readFile(join(dir, expected), 'utf8');
    expect(text.match(/^timestamp,/gm)).toHaveLength(1);
    expect(text).toContain('T1086 Remote PowerShell Session');
    expect(text).toContain('Mimikatz');
    expect((await readdir(dir)).some((f) => f.endsWith('.spoor-tmp'))).toBe(false);
  });

  it('refuses --append without a file or with a format that cannot be appended to', async () => {
    expect((await runCli(['hunt', SIGMA, '--append'])).code).toBe(2);
    expect((await runCli(['hunt', SIGMA, '--append', '-o', join(dir, 'x.json')])).code).toBe(2);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('--dedup drops a hit seen twice in one run (overlapping exports) and counts it', async () => {
    const file = join(SIGMA, 't1086_remote_powershell_session.xml');
    await writeFile(join(dir, 'copy.xml'), await readFile(file));
    const plain = await hunt([file, join(dir, 'copy.xml')]);
    const dedup = await runCli(['hunt', file, join(dir, 'copy.xml'), '--jsonl', '--dedup']);
    const ids = hitIds(dedup.stdout);
    expect(new Set(plain.ids).size).toBe(ids.length);
    expect(plain.ids.length).toBe(ids.length * 2);
    expect(dedup.stderr).toMatch(new RegExp(`Dedup\\s+${ids.length} repeated hits? dropped`));
  });
});
