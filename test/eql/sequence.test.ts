import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compileEql,
  EqlSyntaxError,
  eqlRuleFromQuery,
  loadEqlRules,
  SequenceMachine,
  type SequenceResult,
} from '../../src/eql/index.js';

interface Ev {
  id: number;
  t: number;
  f: Record<string, string>;
}

function run(query: string, events: Ev[]): SequenceResult<Ev>[] {
  const rule = eqlRuleFromQuery(query, 1);
  const c = compileEql(rule);
  const m = new SequenceMachine<Ev>(rule);
  const out: SequenceResult<Ev>[] = [];
  for (const e of events) {
    const hits = c.stageHits({ get: (n) => (Object.hasOwn(e.f, n) ? e.f[n] : undefined) });
    if (hits !== null) out.push(...m.push({ timestamp: e.t, event: e, hits }));
  }
  out.push(...m.flush());
  return out;
}

const ids = (rs: SequenceResult<Ev>[]) => rs.map((r) => r.events.map((e) => (e === null ? -1 : e.id)));
const ev = (id: number, t: number, cat: string, extra: Record<string, string> = {}): Ev => ({
  id,
  t,
  f: { 'event.category': cat, 'host.id': 'h1', ...extra },
});

describe('SequenceMachine', () => {
  it('keeps the newest start per key and measures maxspan from the first event', () => {
    const q = 'sequence by host.id with maxspan=10s [a where true] [b where true]';
    expect(ids(run(q, [ev(1, 0, 'a'), ev(2, 5000, 'a'), ev(3, 12000, 'b')]))).toEqual([[2, 3]]);
    expect(ids(run(q, [ev(1, 0, 'a'), ev(3, 10001, 'b')]))).toEqual([]);
    expect(ids(run(q, [ev(1, 0, 'a'), ev(3, 10000, 'b')]))).toEqual([[1, 3]]);
    expect(ids(run(q, [ev(1, 0, 'a'), ev(3, 1000, 'b', { 'host.id': 'h2' })]))).toEqual([]);
  });

  it('drops events whose required key is absent, keeps null for ?optional keys', () => {
    const events: Ev[] = [
      { id: 1, t: 0, f: { 'event.category': 'a' } },
      { id: 2, t: 1, f: { 'event.category': 'b' } },
    ];
    expect(run('sequence by host.id [a where true] [b where true]', events)).toEqual([]);
    expect(ids(run('sequence by ?host.id [a where true] [b where true]', events))).toEqual([[1, 2]]);
  });

  it('applies until to the key, and holds trailing missing stages until their window passes', () => {
    const u = 'sequence by host.id [a where true] [b where true] until [c where true]';
    expect(run(u, [ev(1, 0, 'a'), ev(2, 1, 'c'), ev(3, 2, 'b')])).toEqual([]);
    const m = 'sequence by host.id with maxspan=5s [a where true] ![c where true]';
    const rule = eqlRuleFromQuery(m, 1);
    const c = compileEql(rule);
    const machine = new SequenceMachine<Ev>(rule);
    const push = (e: Ev) => {
      const hits = c.stageHits({ get: (n) => e.f[n] });
      return hits === null ? [] : machine.push({ timestamp: e.t, event: e, hits });
    };
    expect(push(ev(1, 0, 'a'))).toEqual([]);
    expect(push(ev(2, 4000, 'x'))).toEqual([]);
    expect(push(ev(3, 4500, 'c'))).toEqual([]);
    expect(push(ev(4, 6000, 'a'))).toEqual([]);
    // Event 1 was followed by a `c` within 5 s: dropped. Event 4 is released at flush.
    expect(ids(machine.flush())).toEqual([[4, -1]]);
  });

  it('emits a sample once per key', () => {
    const q = 'sample by host.id [a where true] [b where true]';
    expect(ids(run(q, [ev(1, 5, 'b'), ev(2, 1, 'a'), ev(3, 9, 'a'), ev(4, 10, 'b')]))).toEqual([[2, 1]]);
  });
});

describe('loadEqlRules', () => {
  it('refuses non-EQL rules and reports query errors at the file line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spoor-eql-'));
    writeFileSync(
      path.join(dir, 'kql.toml'),
      '[rule]\nrule_id = "k"\nname = "K"\nlanguage = "kuery"\nseverity = "low"\nquery = "a:b"\n',
    );
    writeFileSync(
      path.join(dir, 'bad.toml'),
      `[rule]\nrule_id = "b"\nname = "B"\nlanguage = "eql"\nseverity = "high"\nquery = '''\nprocess where\n  name = "x"\n'''\n`,
    );
    writeFileSync(
      path.join(dir, 'ok.toml'),
      `[rule]\nrule_id = "o"\nname = "O"\nlanguage = "eql"\nseverity = "critical"\nrisk_score = 99\ntags = ["t"]\nquery = '''\nany where true\n'''\n`,
    );
    const { rules, problems } = await loadEqlRules([dir]);
    expect(rules.map((r) => [r.id, r.level, r.riskScore, r.tags])).toEqual([['o', 'critical', 99, ['t']]]);
    expect(problems).toHaveLength(2);
    const bad = problems.find((p) => p.id === 'b');
    expect(bad?.line).toBe(8);
    expect(bad?.reason).toContain("use '=='");
    expect(problems.find((p) => p.id === 'k')?.reason).toContain("rule language is 'kuery', not eql");
  });

  it('turns --eql queries into rules and rejects bad ones', () => {
    const r = eqlRuleFromQuery('process where process.name : "cmd.exe"', 2);
    expect([r.id, r.path, r.level]).toEqual(['eql-query-2', '--eql[2]', 'medium']);
    expect(() => eqlRuleFromQuery('process where', 1)).toThrow(EqlSyntaxError);
  });
});

describe('compileEql', () => {
  it('lists the categories a rule can match, for the rule index', () => {
    expect(
      compileEql(eqlRuleFromQuery('sequence [process where true] [file where true]', 1)).categories,
    ).toEqual(['process', 'file']);
    expect(compileEql(eqlRuleFromQuery('any where true', 1)).categories).toBeNull();
  });
});
