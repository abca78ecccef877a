import { describe, expect, it } from 'vitest';
import {
  type BaseMatch,
  CorrelationEngine,
  compareMatches,
  resolveCorrelations,
  toHitRecord,
} from '../../src/correlation/index.js';
import { corr, MIN, match, run, SEC, T0 } from './helpers.js';

const count = (cond: string, extra = '') =>
  corr(`
title: 'count ${cond}'
id: cnt
correlation:
  type: event_count
  rules: [fail]
  group-by: [User]
  timespan: 5m
  condition: { ${cond} }
${extra}`);

/** Five matches one second apart for one user: the trailing window holds 1, 2, 3, 4, 5 matches. */
const fiveInARow = () => [0, 1, 2, 3, 4].map((s) => match('fail', s * SEC, { User: 'alice' }));

describe('event_count', () => {
  it('emits one hit per burst and per group, never mixing groups', () => {
    const ms: BaseMatch[] = [];
    // alice: 6 failures within 2 minutes (burst 1), then 5 more 30 minutes later (burst 2)
    for (let i = 0; i < 6; i++) ms.push(match('fail', i * 20 * SEC, { User: 'alice' }));
    for (let i = 0; i < 5; i++) ms.push(match('fail', 30 * MIN + i * 10 * SEC, { User: 'alice' }));
    // bob: 4 failures in the same minutes as alice's first burst: below the threshold
    for (let i = 0; i < 4; i++) ms.push(match('fail', i * 20 * SEC + 5 * SEC, { User: 'bob' }));
    // carol: 6 failures 2 minutes apart: never 5 inside 5 minutes
    for (let i = 0; i < 6; i++) ms.push(match('fail', 2 * MIN * i, { User: 'carol' }));
    const { hits } = run([count('gte: 5')], ['fail'], ms);
    expect(hits.map((h) => [h.group.User, h.count, h.timestamp - T0, h.endTimestamp - T0])).toEqual([
      ['alice', 5, 0, 80 * SEC],
      ['alice', 5, 30 * MIN, 30 * MIN + 40 * SEC],
    ]);
    expect(hits[0]!.eventsTotal).toBe(5);
    expect(hits[0]!.events.map((e) => e.ruleId)).toEqual(['fail', 'fail', 'fail', 'fail', 'fail']);
  });

  it('keeps a long burst as one hit while its windows overlap', () => {
    // 60 failures 20 s apart (20 minutes): every trailing 5-minute window holds 16 → one hit
    const ms = Array.from({ length: 60 }, (_, i) => match('fail', i * 20 * SEC, { User: 'alice' }));
    const { hits } = run([count('gte: 5')], ['fail'], ms);
    expect(hits).toHaveLength(1);
  });

  it('starts a new burst once the condition has failed in between', () => {
    // 5 in a minute, then a lull (one match at +4 min: window holds 6 → still true),
    // then a match at +9.5 min (window holds 1 → false), then 5 more → second hit
    const ms = [0, 10, 20, 30, 40].map((s) => match('fail', s * SEC, { User: 'u' }));
    ms.push(match('fail', 4 * MIN, { User: 'u' }));
    ms.push(match('fail', 9.5 * MIN, { User: 'u' }));
    for (let i = 1; i <= 4; i++) ms.push(match('fail', 9.5 * MIN + i * SEC, { User: 'u' }));
    const { hits } = run([count('gte: 5')], ['fail'], ms);
    expect(hits.map((h) => h.endTimestamp - T0)).toEqual([40 * SEC, 9.5 * MIN + 4 * SEC]);
  });

  it('includes both ends of the timespan', () => {
    const at = [0, 1 * MIN, 5 * MIN];
    const exact = run(
      [count('gte: 3')],
      ['fail'],
      at.map((t) => match('fail', t, { User: 'u' })),
    );
    expect(exact.hits).toHaveLength(1);
    const over = run(
      [count('gte: 3')],
      ['fail'],
      [0, 1 * MIN, 5 * MIN + 1].map((t) => match('fail', t, { User: 'u' })),
    );
    expect(over.hits).toHaveLength(0);
  });

  it.each([
    ['gt: 3', [4]],
    ['gte: 3', [3]],
    ['eq: 2', [2]],
    ['lt: 3', [1]],
    ['lte: 2', [1]],
    ['neq: 3', [1, 4]],
    ['gte: 2, lte: 3', [2]],
    ['gt: 1, neq: 2, lt: 5', [3]],
  ])('tests the operator(s) %s on each trailing window', (cond, counts) => {
    const { hits } = run([count(cond)], ['fail'], fiveInARow());
    expect(hits.map((h) => h.count)).toEqual(counts);
  });

  it('groups by several fields at once, and treats a missing field as null', () => {
    const c = corr(`
title: by two
id: two
correlation: { type: event_count, rules: [fail], group-by: [User, Computer], timespan: 1m, condition: { gte: 2 } }
`);
    const ms = [
      match('fail', 0, { User: 'a', Computer: 'X' }),
      match('fail', 1 * SEC, { User: 'a', Computer: 'Y' }),
      match('fail', 2 * SEC, { User: 'b', Computer: 'X' }),
      match('fail', 3 * SEC, { User: 'a', Computer: 'Y' }),
      match('fail', 4 * SEC, { User: 'c' }),
      match('fail', 5 * SEC, { User: 'c' }),
    ];
    const { hits } = run([c], ['fail'], ms);
    expect(hits.map((h) => ({ ...h.group }))).toEqual([
      { User: 'a', Computer: 'Y' },
      { User: 'c', Computer: null },
    ]);
  });
});

describe('value_count', () => {
  const spray = corr(`
title: spray
id: spray
correlation:
  type: value_count
  rules: [fail]
  group-by: [IpAddress]
  timespan: 5m
  condition: { field: TargetUserName, gte: 4 }
`);
  it('counts distinct values per group inside the window', () => {
    const ms: BaseMatch[] = [];
    for (const [i, u] of ['u1', 'u2', 'u2', 'u3', 'u4', 'u5'].entries())
      ms.push(match('fail', i * 10 * SEC, { IpAddress: '10.0.0.9', TargetUserName: u }));
    // same number of attempts from another address, all on one account: not spraying
    for (let i = 0; i < 6; i++)
      ms.push(match('fail', i * 10 * SEC, { IpAddress: '10.0.0.7', TargetUserName: 'admin' }));
    // distinct accounts, but 3 minutes apart: never 4 inside 5 minutes
    for (const [i, u] of ['a', 'b', 'c', 'd', 'e'].entries())
      ms.push(match('fail', i * 3 * MIN, { IpAddress: '10.0.0.8', TargetUserName: u }));
    // no TargetUserName: ignored
    ms.push(match('fail', 5 * SEC, { IpAddress: '10.0.0.9' }));
    const { hits, engine } = run([spray], ['fail'], ms);
    expect(hits.map((h) => [h.group.IpAddress, h.value, h.eventsTotal])).toEqual([['10.0.0.9', 4, 5]]);
    expect(engine.stats().noValue).toBe(1);
  });
});

describe('numeric value types', () => {
  const numeric = (type: string, cond: string) =>
    corr(`
title: ${type}
id: ${type}
correlation:
  type: ${type}
  rules: [xfer]
  group-by: [Host]
  timespan: 1h
  condition: { field: Bytes, ${cond} }
`);
  const stream = () => [
    match('xfer', 0, { Host: 'h', Bytes: '100' }),
    match('xfer', 1 * MIN, { Host: 'h', Bytes: '0x64' }), // 100, hexadecimal
    match('xfer', 2 * MIN, { Host: 'h', Bytes: 'n/a' }), // not a number: ignored
    match('xfer', 3 * MIN, { Host: 'h', Bytes: '700' }),
    match('xfer', 4 * MIN, { Host: 'h', Bytes: '1000' }),
    match('xfer', 4 * MIN, { Host: 'other', Bytes: '5000' }),
  ];
  it('value_sum adds the field', () => {
    const { hits, engine } = run([numeric('value_sum', 'gt: 800')], ['xfer'], stream());
    expect(hits.map((h) => [h.group.Host, h.value])).toEqual([
      ['h', 900],
      ['other', 5000],
    ]);
    expect(engine.stats().noValue).toBe(1);
  });
  it('value_avg averages it', () => {
    const { hits } = run([numeric('value_avg', 'gte: 300, lt: 1000')], ['xfer'], stream());
    expect(hits.map((h) => [h.group.Host, h.value])).toEqual([['h', 300]]);
  });
  it('value_percentile takes the nearest-rank percentile', () => {
    const p50 = run([numeric('value_percentile', 'percentile: 50, gte: 400')], ['xfer'], stream());
    // values 100,100,700 → median 100; then 100,100,700,1000 → rank 2 → 100: never ≥ 400
    expect(p50.hits.filter((h) => h.group.Host === 'h')).toEqual([]);
    const p75 = run([numeric('value_percentile', 'percentile: 75, gte: 700')], ['xfer'], stream());
    expect(p75.hits.map((h) => [h.group.Host, h.value])).toEqual([
      ['h', 700],
      ['other', 5000],
    ]);
  });
});

describe('temporal and temporal_ordered', () => {
  const temporal = corr(`
title: recon
id: recon
correlation: { type: temporal, rules: [a, b, c], group-by: [Computer], timespan: 5m }
`);
  it('temporal needs every rule in the window, in any order, on the same group', () => {
    const ms = [
      match('c', 0, { Computer: 'X' }),
      match('a', 1 * MIN, { Computer: 'X' }),
      match('a', 1 * MIN, { Computer: 'Y' }),
      match('b', 2 * MIN, { Computer: 'Y' }), // Y never sees c
      match('b', 3 * MIN, { Computer: 'X' }), // X complete: c, a, b
      match('c', 20 * MIN, { Computer: 'Z' }),
      match('a', 22 * MIN, { Computer: 'Z' }),
      match('b', 25 * MIN + 1, { Computer: 'Z' }), // c has left the window
    ];
    const { hits } = run([temporal], ['a', 'b', 'c'], ms);
    expect(hits.map((h) => [h.group.Computer, h.count, h.events.map((e) => e.ruleId)])).toEqual([
      ['X', 3, ['c', 'a', 'b']],
    ]);
  });

  const ordered = corr(`
title: logon then service
id: lts
correlation: { type: temporal_ordered, rules: [logon, service], group-by: [Computer], timespan: 10m }
`);
  it('temporal_ordered needs the listed order', () => {
    const ms = [
      match('logon', 0, { Computer: 'A' }),
      match('service', 2 * MIN, { Computer: 'A' }), // hit
      match('service', 0, { Computer: 'B' }),
      match('logon', 1 * MIN, { Computer: 'B' }), // reversed: no hit
      match('logon', 0, { Computer: 'C' }),
      match('service', 11 * MIN, { Computer: 'C' }), // too late: no hit
    ];
    const { hits } = run([ordered], ['logon', 'service'], ms);
    expect(hits.map((h) => [h.group.Computer, h.events.map((e) => e.timestamp - T0)])).toEqual([
      ['A', [0, 2 * MIN]],
    ]);
  });

  it('reports the latest-starting chain and one hit per burst', () => {
    const ms = [
      match('logon', 0, { Computer: 'A' }),
      match('logon', 1 * MIN, { Computer: 'A' }),
      match('service', 2 * MIN, { Computer: 'A' }),
      match('service', 3 * MIN, { Computer: 'A' }), // same burst
    ];
    const { hits } = run([ordered], ['logon', 'service'], ms);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.events.map((e) => e.timestamp - T0)).toEqual([1 * MIN, 2 * MIN]);
    expect(hits[0]!.timestamp - T0).toBe(1 * MIN);
  });
});

describe('aliases', () => {
  it('joins two field names into one group', () => {
    const c = corr(`
title: error after connection
id: alias
correlation:
  type: temporal
  rules: [conn, err]
  group-by: [peer]
  timespan: 10s
  aliases:
    peer: { conn: DestinationIp, err: SourceIp }
`);
    const ms = [
      match('conn', 0, { DestinationIp: '10.1.1.1', SourceIp: '10.9.9.9' }),
      match('err', 2 * SEC, { SourceIp: '10.1.1.1', DestinationIp: '10.9.9.9' }), // joins on 10.1.1.1
      match('conn', 20 * SEC, { DestinationIp: '10.2.2.2' }),
      match('err', 21 * SEC, { SourceIp: '10.3.3.3', DestinationIp: '10.2.2.2' }), // no join
    ];
    const { hits } = run([c], ['conn', 'err'], ms);
    expect(hits.map((h) => ({ ...h.group }))).toEqual([{ peer: '10.1.1.1' }]);
    const { plan } = resolveCorrelations([c], [{ id: 'conn' }, { id: 'err' }]);
    expect(plan.fieldsByRule).toEqual({ conn: ['DestinationIp'], err: ['SourceIp'] });
  });
});

describe('chains', () => {
  const many = corr(`
title: many failures
id: many
name: many_failed
correlation: { type: event_count, rules: [failed], group-by: [User], timespan: 10m, condition: { gte: 3 } }
`);
  const then = corr(`
title: failures then success
id: chain
level: critical
correlation: { type: temporal_ordered, rules: [many_failed, success], group-by: [User], timespan: 30m }
`);
  it('feeds the hits of one correlation to another, in order', () => {
    const ms = [
      // bob logs on first, fails afterwards: order wrong
      match('success', 0, { User: 'bob' }),
      ...[1, 2, 3].map((i) => match('failed', i * MIN, { User: 'bob' })),
      // alice fails three times, then gets in
      ...[1, 2, 3].map((i) => match('failed', i * MIN, { User: 'alice' })),
      match('success', 8 * MIN, { User: 'alice' }),
      // carol fails twice only
      ...[1, 2].map((i) => match('failed', i * MIN, { User: 'carol' })),
      match('success', 8 * MIN, { User: 'carol' }),
    ];
    const { hits } = run([many, then], ['failed', 'success'], ms);
    // `many` is read by `chain` with generate: false, so only the outer hit is output
    expect(hits.map((h) => [h.ruleId, h.group.User, h.level])).toEqual([['chain', 'alice', 'critical']]);
    const inner = hits[0]!.events[0]!;
    expect(inner.ruleId).toBe('many');
    expect(inner.source).toBeNull();
    expect(inner.timestamp - T0).toBe(3 * MIN);
  });
  it('suppresses referenced rules unless a correlation generates them', () => {
    const { plan } = resolveCorrelations([many, then], [{ id: 'failed' }, { id: 'success' }]);
    expect(plan.suppressed).toEqual(['failed', 'many', 'success']);
    const gen = corr(`
title: g
id: g
correlation: { type: event_count, rules: [success], group-by: [User], timespan: 1m, condition: { gte: 9 }, generate: true }
`);
    expect(
      resolveCorrelations([many, then, gen], [{ id: 'failed' }, { id: 'success' }]).plan.suppressed,
    ).toEqual(['failed', 'many']);
    expect(plan.correlations.map((c) => c.id)).toEqual(['many', 'chain']);
  });
});

describe('engine bookkeeping', () => {
  it('drops matches out of time order or without time, and counts them', () => {
    const { plan } = resolveCorrelations([count('gte: 2')], [{ id: 'fail' }]);
    const e = new CorrelationEngine(plan);
    e.push(match('fail', 10 * SEC, { User: 'u' }));
    expect(e.push(match('fail', 5 * SEC, { User: 'u' }))).toEqual([]);
    expect(e.push({ ...match('fail', 0, { User: 'u' }), timestamp: Number.NaN })).toEqual([]);
    expect(e.stats()).toMatchObject({ matches: 1, outOfOrder: 1, untimed: 1 });
    expect(e.push(match('fail', 11 * SEC, { User: 'u' }))).toHaveLength(1);
  });

  it('holds only the open windows: memory does not grow with the input', () => {
    const { plan } = resolveCorrelations([count('gte: 1000')], [{ id: 'fail' }]);
    const e = new CorrelationEngine(plan);
    let peakGroups = 0;
    let peakHeld = 0;
    // 20,000 matches over ~33 hours, a new user every 10 matches, one match every 6 s
    for (let i = 0; i < 20_000; i++) {
      e.push(match('fail', i * 6 * SEC, { User: `user${Math.floor(i / 10)}` }));
      if (i % 500 === 0) {
        const s = e.stats();
        peakGroups = Math.max(peakGroups, s.openGroups);
        peakHeld = Math.max(peakHeld, s.heldMatches);
      }
    }
    // a 5-minute window spans 50 matches (5 users); the sweep runs every 256 pushes
    expect(peakGroups).toBeLessThan(40);
    expect(peakHeld).toBeLessThan(400);
    expect(e.finish().matches).toBe(20_000);
    expect(e.stats().openGroups).toBe(0);
  });

  it('gives the same hits, ids included, whatever the split into files and threads', () => {
    const c = count('gte: 3');
    const all: BaseMatch[] = [];
    for (let i = 0; i < 40; i++) {
      const m = match('fail', Math.floor(i / 2) * 30 * SEC, { User: `u${i % 3}` });
      all.push({ ...m, hitId: `ev${i}`, source: { file: i % 2 ? 'b.xml' : 'a.xml', offset: i * 100 } });
    }
    const feed = (ms: BaseMatch[]) => {
      const { plan } = resolveCorrelations([c], [{ id: 'fail' }]);
      const e = new CorrelationEngine(plan);
      return [...ms].sort(compareMatches).flatMap((m) => e.push(m));
    };
    const once = feed(all);
    // three "workers" each return their share, in any order; the main thread merges and sorts
    const shares = [
      all.filter((_, i) => i % 3 === 0),
      all.filter((_, i) => i % 3 === 1),
      all.filter((_, i) => i % 3 === 2),
    ];
    const merged = feed([...shares[2]!, ...shares[0]!.reverse(), ...shares[1]!]);
    expect(once.length).toBeGreaterThan(0);
    expect(merged).toEqual(once);
  });
});

describe('toHitRecord', () => {
  it('writes the JSONL contract', () => {
    const ms = [0, 1, 2].map((s) => match('fail', s * SEC, { User: 'alice' }));
    const { hits } = run([count('gte: 3', 'level: high\ntags: [attack.t1110]')], ['fail'], ms);
    const rec = toHitRecord(hits[0]!);
    expect(JSON.parse(JSON.stringify(rec))).toEqual({
      schema: 1,
      timestamp: new Date(T0).toISOString(),
      level: 'high',
      rule: {
        id: 'cnt',
        title: 'count gte: 3',
        kind: 'sigma-correlation',
        path: 'inline.yml',
        tags: ['attack.t1110'],
      },
      computer: null,
      channel: null,
      event_id: null,
      record_id: null,
      source: null,
      details: {
        correlation: 'event_count',
        window_end: new Date(T0 + 2 * SEC).toISOString(),
        events_total: '3',
      },
      event: null,
      hit_id: hits[0]!.hitId,
      group: { User: 'alice' },
      events: hits[0]!.events.map((e) => ({
        hit_id: e.hitId,
        rule_id: 'fail',
        timestamp: new Date(e.timestamp).toISOString(),
        source: e.source,
      })),
      count: 3,
    });
    expect(rec.hit_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('caps the member list but keeps the total', () => {
    const { plan } = resolveCorrelations([count('gte: 50')], [{ id: 'fail' }]);
    const e = new CorrelationEngine(plan, { maxEvents: 10 });
    const hits = Array.from({ length: 50 }, (_, i) => match('fail', i * SEC, { User: 'u' })).flatMap((m) =>
      e.push(m),
    );
    expect(hits).toHaveLength(1);
    expect(hits[0]!.events).toHaveLength(10);
    expect(hits[0]!.eventsTotal).toBe(50);
  });
});
