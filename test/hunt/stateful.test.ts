import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../scheduled/run-cli.js';

interface Hit {
  hit_id: string;
  level: string;
  rule: { id: string; title: string; kind: string; path: string };
  group?: Record<string, string | null>;
  events?: unknown[];
  count?: number;
}

function parse(jsonl: string): Hit[] {
  return jsonl
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Hit);
}

const CORR = join(ROOT, 'fixtures/correlation');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spoor-hunt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('correlations through spoor hunt', () => {
  it('fire the bundled correlation rules, the same with one thread or two and with events split across files', async () => {
    const one = await runCli(['hunt', CORR, '--jsonl', '--threads', '1']);
    const two = await runCli(['hunt', CORR, '--jsonl', '--threads', '2']);
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const hits = parse(one.stdout).filter((h) => h.rule.kind === 'sigma-correlation');
    const titles = hits.map((h) => h.rule.title).sort();
    expect(titles).toEqual([
      'Brute Force Against One Account',
      'Brute Force Against One Account',
      'Explicit Credentials Used Towards A Host Followed By A Logon There',
      'Network Logon Followed By A Service Installation',
      'Password Spraying From One Address',
    ]);
    const spray = hits.find((h) => h.rule.title.startsWith('Password Spraying'))!;
    expect(spray.group).toEqual({ IpAddress: '203.0.113.50' });
    expect((spray as Hit & { value?: number }).value).toBeGreaterThanOrEqual(5);
    // Base rules with `generate: false` do not print hits of their own.
    expect(parse(one.stdout).some((h) => h.rule.title === 'Failed Logon')).toBe(false);

    // The same events, dealt round-robin into three files in reverse order: same correlation hits.
    const events: string[] = [];
    for (const f of (await readdir(CORR)).filter((n) => n.endsWith('.xml')).sort()) {
      for (const e of (await readFile(join(CORR, f), 'utf8')).split('\n')) if (e.trim()) events.push(e);
    }
    events.reverse();
    const parts: string[][] = [[], [], []];
    events.forEach((e, i) => {
      parts[i % 3]!.push(e);
    });
    for (let i = 0; i < 3; i++) await writeFile(join(dir, `part${i}.xml`), `${parts[i]!.join('\n')}\n`);
    const split = await runCli([
      'hunt',
      dir,
      '--jsonl',
      '--threads',
      '2',
      '--rules',
      join(ROOT, 'rules/sigma/correlation'),
    ]);
    const splitIds = parse(split.stdout)
      .filter((h) => h.rule.kind === 'sigma-correlation')
      .map((h) => h.hit_id)
      .sort();
    expect(splitIds).toEqual(hits.map((h) => h.hit_id).sort());
  });
});

describe('EQL through spoor hunt', () => {
  it('the founding EQL rule fires once on the Sysmon XML scenario and once on its ECS twin', async () => {
    const r = await runCli(['hunt', join(ROOT, 'fixtures/eql'), '--jsonl']);
    expect(r.code).toBe(0);
    const eql = parse(r.stdout).filter((h) => h.rule.kind === 'eql');
    expect(eql.map((h) => h.rule.id)).toEqual([
      '2772264c-6fb9-4d9d-9014-b416eed21254',
      '2772264c-6fb9-4d9d-9014-b416eed21254',
    ]);
    for (const h of eql) {
      expect(h.level).toBe('medium');
      expect(h.events).toHaveLength(2);
      expect(Object.keys(h.group ?? {})).toEqual(['host.id']);
    }
  });

  it('stays silent 31 s later, on another host, and for conhost.exe', async () => {
    for (const f of [
      'winrm-sysmon-31s.xml',
      'winrm-sysmon-other-host.xml',
      'winrm-sysmon-conhost.xml',
      'winrm-ecs-other-host.ndjson',
    ]) {
      const r = await runCli(['hunt', join(ROOT, 'test/fixtures/eql', f), '--jsonl']);
      expect(r.code).toBe(0);
      expect(parse(r.stdout).filter((h) => h.rule.kind === 'eql')).toEqual([]);
    }
  });

  it('runs ad-hoc --eql queries, alone, and names a syntax error by line and column', async () => {
    const r = await runCli([
      'hunt',
      join(ROOT, 'fixtures/sigma'),
      '--jsonl',
      '--eql',
      'process where process.name : "whoami.exe"',
    ]);
    expect(r.code).toBe(0);
    const hits = parse(r.stdout);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.rule.kind === 'eql' && h.rule.path === '--eql[1]')).toBe(true);
    const bad = await runCli(['hunt', join(ROOT, 'fixtures/sigma'), '--eql', 'process where (']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--eql\[1\]:1:\d+:/);
  });
});

describe('bounded memory for cross-event records', () => {
  it('spilling the gathered records to disk changes nothing in the hits', async () => {
    const inputs = [CORR, join(ROOT, 'fixtures/eql')];
    const normal = await runCli(['hunt', ...inputs, '--jsonl']);
    const spilled = await runCli(['hunt', ...inputs, '--jsonl'], { env: { SPOOR_SPILL_RECORDS: '3' } });
    expect(normal.code).toBe(0);
    expect(spilled.code).toBe(0);
    expect(spilled.stdout).toBe(normal.stdout);
    const kinds = new Set(parse(normal.stdout).map((h) => h.rule.kind));
    expect(kinds).toEqual(new Set(['sigma', 'sigma-correlation', 'eql']));
  });

  it('hits held for --sort time come back from disk the same, in every format', async () => {
    const runs: [string[], string][] = [
      [[CORR, join(ROOT, 'fixtures/eql'), join(ROOT, 'fixtures/sigma')], 'bundled rules'],
      // Every event a hit, keys such as __proto__ and constructor among its fields.
      [[join(ROOT, 'test/fixtures/input/shapes.ndjson'), '--eql', 'any where true'], 'hostile keys'],
    ];
    for (const [args, what] of runs) {
      for (const format of ['jsonl', 'json', 'csv', 'table']) {
        const argv = ['hunt', ...args, '--format', format, '-q'];
        const held = await runCli(argv);
        const spilled = await runCli(argv, { env: { SPOOR_SPILL_RECORDS: '2' } });
        expect(held.code, `${what} ${format}`).toBe(0);
        expect(spilled.stdout, `${what} ${format}`).toBe(held.stdout);
        expect(held.stdout.length, `${what} ${format}`).toBeGreaterThan(200);
      }
    }
    const shapes = join(ROOT, 'test/fixtures/input/shapes.ndjson');
    const hostile = await runCli(['hunt', shapes, '--eql', 'any where true', '--jsonl'], {
      env: { SPOOR_SPILL_RECORDS: '2' },
    });
    // A field named __proto__ read back from a run is still a field.
    const events = parse(hostile.stdout).map((h) => h.event as Record<string, unknown>);
    expect(events.some((e) => Object.hasOwn(e, '__proto__'))).toBe(true);
  });
});
