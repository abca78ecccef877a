import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HitLike, MARKER_EVENTS, MARKER_RULES, parseJsonl, spoor, tempDir } from './helpers.js';

// The marker rules (test/fixtures/cli/rules) all match every marker event; they differ only in
// level, status, tags and id, so each filter must keep exactly the rules it names.
const ID = {
  infoStable: '0c1a0001-0000-4000-8000-000000000001',
  lowTest: '0c1a0002-0000-4000-8000-000000000002',
  mediumExperimental: '0c1a0003-0000-4000-8000-000000000003',
  highStable: '0c1a0004-0000-4000-8000-000000000004',
  criticalTest: '0c1a0005-0000-4000-8000-000000000005',
  highDeprecated: '0c1a0006-0000-4000-8000-000000000006',
  mediumUnsupported: '0c1a0007-0000-4000-8000-000000000007',
};
const DEFAULT_RULES = [ID.infoStable, ID.lowTest, ID.mediumExperimental, ID.highStable, ID.criticalTest];
const TIMES = [
  '2024-05-01T06:30:00.000Z',
  '2024-05-01T09:15:00.250Z',
  '2024-05-01T12:45:30.500Z',
  '2024-05-02T23:30:00.000Z',
];

async function hunt(...args: string[]): Promise<HitLike[]> {
  const r = await spoor(['hunt', MARKER_EVENTS, '--rules', MARKER_RULES, '--jsonl', '-q', ...args]);
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return parseJsonl(r.stdout);
}

const ruleIds = (hits: HitLike[]): string[] => [...new Set(hits.map((h) => h.rule.id))].sort();
const times = (hits: HitLike[]): string[] => [...new Set(hits.map((h) => h.timestamp ?? ''))].sort();

describe.concurrent('rule filters', () => {
  it('by default every status but deprecated and unsupported runs, on every event', async () => {
    const hits = await hunt();
    expect(ruleIds(hits)).toEqual(DEFAULT_RULES);
    expect(times(hits)).toEqual(TIMES);
    expect(hits.length).toBe(DEFAULT_RULES.length * TIMES.length);
  });

  it('--min-level keeps rules at or above the level, short names accepted', async () => {
    expect(ruleIds(await hunt('--min-level', 'high'))).toEqual([ID.highStable, ID.criticalTest]);
    expect(ruleIds(await hunt('--min-level', 'crit'))).toEqual([ID.criticalTest]);
    expect(ruleIds(await hunt('--min-level', 'info'))).toEqual(DEFAULT_RULES);
  });

  it('--level keeps exactly the levels named, as a comma list or repeated', async () => {
    expect(ruleIds(await hunt('--level', 'low,critical'))).toEqual([ID.lowTest, ID.criticalTest]);
    expect(ruleIds(await hunt('--level', 'low', '--level', 'crit'))).toEqual([ID.lowTest, ID.criticalTest]);
    expect(ruleIds(await hunt('--level', 'med'))).toEqual([ID.mediumExperimental]);
  });

  it('--status replaces the default status set', async () => {
    expect(ruleIds(await hunt('--status', 'deprecated'))).toEqual([ID.highDeprecated]);
    expect(ruleIds(await hunt('--status', 'stable,unsupported'))).toEqual([
      ID.infoStable,
      ID.highStable,
      ID.mediumUnsupported,
    ]);
    expect(ruleIds(await hunt('--status', 'TEST'))).toEqual([ID.lowTest, ID.criticalTest]);
  });

  it('--tags selects a technique and its sub-techniques, case-insensitively', async () => {
    expect(ruleIds(await hunt('--tags', 'attack.t1059'))).toEqual([ID.lowTest, ID.mediumExperimental]);
    expect(ruleIds(await hunt('--tags', 'ATTACK.T1059.001'))).toEqual([ID.lowTest]);
    expect(ruleIds(await hunt('--tags', 'attack.discovery,attack.persistence'))).toEqual([
      ID.infoStable,
      ID.highStable,
    ]);
    expect(ruleIds(await hunt('--tags', 'attack.t1059', '--status', 'deprecated'))).toEqual([
      ID.highDeprecated,
    ]);
  });

  it('--exclude-tags drops the rules carrying a tag', async () => {
    expect(ruleIds(await hunt('--exclude-tags', 'attack.execution'))).toEqual([
      ID.infoStable,
      ID.highStable,
      ID.criticalTest,
    ]);
    expect(ruleIds(await hunt('--tags', 'attack.t1059', '--exclude-tags', 'attack.t1059.001'))).toEqual([
      ID.mediumExperimental,
    ]);
  });

  it('--rule-id and --exclude-rule-id select by id, case-insensitively', async () => {
    expect(ruleIds(await hunt('--rule-id', `${ID.infoStable},${ID.criticalTest.toUpperCase()}`))).toEqual([
      ID.infoStable,
      ID.criticalTest,
    ]);
    expect(ruleIds(await hunt('--exclude-rule-id', ID.lowTest, '--exclude-rule-id', ID.highStable))).toEqual([
      ID.infoStable,
      ID.mediumExperimental,
      ID.criticalTest,
    ]);
    expect(await hunt('--rule-id', 'ffffffff-0000-4000-8000-000000000000')).toEqual([]);
  });
});

describe.concurrent('time filters', () => {
  it('--from / --to take RFC 3339 with an offset, bounds included', async () => {
    // 11:00+02:00 is 09:00Z; 14:45:30.500+02:00 is exactly the third event.
    expect(times(await hunt('--from', '2024-05-01T11:00:00+02:00'))).toEqual(TIMES.slice(1));
    expect(times(await hunt('--to', '2024-05-01T14:45:30.500+02:00'))).toEqual(TIMES.slice(0, 3));
    expect(
      times(await hunt('--from', '2024-05-01T09:15:00.250Z', '--to', '2024-05-01T08:45:30.500-04:00')),
    ).toEqual(TIMES.slice(1, 3));
    expect(times(await hunt('--from', '2024-05-02'))).toEqual(TIMES.slice(3));
    expect(await hunt('--from', '2024-05-03T00:00:00Z')).toEqual([]);
  });

  it('the summary shows the window and how many candidate events it left out', async () => {
    const summary = async (...args: string[]): Promise<string> => {
      const r = await spoor(['hunt', MARKER_EVENTS, '--rules', MARKER_RULES, '--jsonl', ...args]);
      expect(r.code).toBe(0);
      return r.stderr;
    };
    const [later, none, upTo, all] = await Promise.all([
      summary('--from', '2024-05-02'),
      summary('--from', '2024-05-03T00:00:00Z'),
      summary('--to', '2024-05-01T14:45:30.500+02:00', '--timezone', 'Europe/Paris'),
      summary(),
    ]);
    expect(later).toMatch(
      /\n {2}Window {5}from 2024-05-02 00:00:00\.000 \+00:00 · 3 candidate events outside it\n/,
    );
    // An empty timeline says the window emptied it.
    expect(none).toContain('from 2024-05-03 00:00:00.000 +00:00 · 4 candidate events outside it');
    expect(none).toMatch(/Hits {7}none/);
    expect(upTo).toContain('Window     to 2024-05-01 14:45:30.500 +02:00 · 1 candidate event outside it\n');
    expect(all).not.toMatch(/Window/);
  });

  describe.concurrent('relative bounds', () => {
    const tmp = tempDir('relative');
    const file = path.join(tmp.dir, 'recent.ndjson');
    const now = Date.now();
    const recent = new Date(now - 2 * 3_600_000).toISOString();
    const old = new Date(now - 3 * 86_400_000).toISOString();
    beforeAll(() => {
      const ev = (t: string, rec: number): string =>
        JSON.stringify({
          Channel: 'Microsoft-Windows-Sysmon/Operational',
          EventID: 1,
          Computer: 'H-NOW.lab.example',
          EventRecordID: rec,
          TimeCreated_SystemTime: t,
          Image: 'C:\\Tools\\marker-tool.exe',
        });
      writeFileSync(file, `${ev(old, 1)}\n${ev(recent, 2)}\n`);
    });
    afterAll(() => tmp.remove());

    const run = async (...args: string[]): Promise<string[]> => {
      const r = await spoor([
        'hunt',
        file,
        '--rules',
        MARKER_RULES,
        '--rule-id',
        ID.highStable,
        '--jsonl',
        ...args,
      ]);
      expect(r.code).toBe(0);
      return parseJsonl(r.stdout).map((h) => h.timestamp ?? '');
    };
    it('--from 24h keeps the last day, --to 24h what is older', async () => {
      expect(await run('--from', '24h')).toEqual([recent]);
      expect(await run('--to', '24h')).toEqual([old]);
      expect(await run('--from', '7d')).toEqual([old, recent]);
      expect(await run('--from', '90m')).toEqual([]);
    });
  });
});

describe.concurrent('display time zone', () => {
  const table = async (...args: string[]): Promise<string> => {
    const r = await spoor([
      'hunt',
      MARKER_EVENTS,
      '--rules',
      MARKER_RULES,
      '--rule-id',
      ID.highStable,
      '-q',
      ...args,
    ]);
    expect(r.code).toBe(0);
    return r.stdout;
  };
  it('the table shows UTC by default and with --utc', async () => {
    const [plain, utc] = await Promise.all([table(), table('--utc')]);
    expect(plain).toMatch(/^Timestamp \(UTC\)/);
    expect(plain).toContain('2024-05-02 23:30:00.000');
    expect(utc).toBe(plain);
  });
  it('--timezone shifts the table and names the zone; data formats stay UTC', async () => {
    const paris = await table('--timezone', 'Europe/Paris');
    expect(paris).toMatch(/^Timestamp \(Europe\/Paris\)/);
    expect(paris).toContain('2024-05-03 01:30:00.000');
    expect(paris).toContain('2024-05-01 08:30:00.000');
    expect(paris).not.toContain('2024-05-02 23:30:00.000');
    const ny = await table('--timezone', 'America/New_York');
    expect(ny).toContain('2024-05-02 19:30:00.000');
    const data = await hunt('--timezone', 'Asia/Tokyo', '--rule-id', ID.highStable);
    expect(data.map((h) => h.timestamp)).toEqual(TIMES);
  });
});
