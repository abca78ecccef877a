import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseCorrelation, parseTimespan } from '../../src/correlation/index.js';

function parse(text: string) {
  return parseCorrelation(parseYaml(text) as Record<string, unknown>, 'r.yml', 3);
}

function reasons(text: string): string[] {
  return parse(text).problems.map((p) => `${p.severity}: ${p.reason}`);
}

describe('parseTimespan', () => {
  it('reads every unit, case-sensitively', () => {
    expect(parseTimespan('30s')).toBe(30_000);
    expect(parseTimespan('5m')).toBe(300_000);
    expect(parseTimespan('2h')).toBe(7_200_000);
    expect(parseTimespan('1d')).toBe(86_400_000);
    expect(parseTimespan('1w')).toBe(604_800_000);
    expect(parseTimespan('1M')).toBe(2_629_746_000);
    expect(parseTimespan('1y')).toBe(31_556_952_000);
    expect(parseTimespan('0m')).toBeUndefined();
    expect(parseTimespan('5')).toBeUndefined();
    expect(parseTimespan('5min')).toBeUndefined();
    expect(parseTimespan('1.5h')).toBeUndefined();
    expect(parseTimespan('1H')).toBeUndefined();
  });
});

describe('parseCorrelation', () => {
  it('reads a full value_count correlation', () => {
    const { rule, problems } = parse(`
title: Password spraying
id: 11111111-2222-3333-4444-555555555555
name: spray
status: test
level: high
tags: [attack.credential-access, attack.t1110.003]
correlation:
  type: value_count
  rules: [failed_logon]
  group-by: [IpAddress, Computer]
  timespan: 5m
  condition:
    field: TargetUserName
    gte: 5
    lt: 1000
`);
    expect(problems).toEqual([]);
    expect(rule).toMatchObject({
      id: '11111111-2222-3333-4444-555555555555',
      name: 'spray',
      title: 'Password spraying',
      level: 'high',
      status: 'test',
      tags: ['attack.credential-access', 'attack.t1110.003'],
      path: 'r.yml',
      line: 3,
      type: 'value_count',
      rules: ['failed_logon'],
      groupBy: ['IpAddress', 'Computer'],
      timespanMs: 300_000,
      timespan: '5m',
      condition: [
        { op: 'gte', value: 5 },
        { op: 'lt', value: 1000 },
      ],
      field: 'TargetUserName',
      generate: false,
    });
  });

  it('gives temporal types a default condition: every distinct rule', () => {
    const { rule } = parse(`
title: t
correlation: { type: temporal, rules: [a, b, a], group-by: Computer, timespan: 1h }
`);
    expect(rule?.condition).toEqual([{ op: 'gte', value: 2 }]);
    expect(rule?.groupBy).toEqual(['Computer']);
    expect(rule?.level).toBe('medium');
    expect(rule?.id).toBe('r.yml#t');
  });

  it('reads aliases and generate', () => {
    const { rule } = parse(`
title: t
name: n
correlation:
  type: temporal
  rules: [a, b]
  group-by: [ip]
  timespan: 10s
  generate: true
  aliases:
    ip: { a: SourceIp, b: DestinationIp }
`);
    expect(rule?.id).toBe('n');
    expect(rule?.generate).toBe(true);
    expect(rule?.aliases.ip).toEqual({ a: 'SourceIp', b: 'DestinationIp' });
  });

  it('reports missing and malformed parts', () => {
    expect(
      reasons('correlation: { type: event_count, rules: [a], timespan: 5m, condition: { gte: 3 } }'),
    ).toContain('error: correlation rule has no title');
    expect(
      reasons('title: t\ncorrelation: { type: event_count, rules: [a], condition: { gte: 3 } }'),
    ).toContain('error: `correlation.timespan` is missing');
    expect(
      reasons(
        'title: t\ncorrelation: { type: event_count, rules: [a], timespan: 5 min, condition: { gte: 3 } }',
      ),
    ).toContain('error: timespan `5 min` is not a positive number followed by one of s m h d w M y');
    expect(
      reasons('title: t\ncorrelation: { type: event_count, rules: [], timespan: 5m, condition: { gte: 3 } }'),
    ).toContain('error: `correlation.rules` is missing or empty');
    expect(reasons('title: t\ncorrelation: { type: event_count, rules: [a], timespan: 5m }')).toContain(
      'error: `correlation.condition` is required for event_count',
    );
    expect(
      reasons('title: t\ncorrelation: { type: value_sum, rules: [a], timespan: 5m, condition: { gt: 3 } }'),
    ).toContain('error: value_sum needs `condition.field`, the field to aggregate');
    expect(
      reasons(
        'title: t\ncorrelation: { type: value_percentile, rules: [a], timespan: 5m, condition: { field: x, gt: 3 } }',
      ),
    ).toContain(
      'error: value_percentile needs `condition.percentile` (0–100): which percentile of the field values the thresholds apply to',
    );
    expect(
      reasons(
        'title: t\ncorrelation: { type: event_count, rules: [a], timespan: 5m, condition: { above: 3 } }',
      ),
    ).toContain(
      'error: unknown condition key `above` (expected gt, gte, lt, lte, eq, neq, field, percentile)',
    );
    expect(
      reasons(
        'title: t\ncorrelation: { type: event_count, rules: [a], timespan: 5m, condition: { gt: ten } }',
      ),
    ).toContain('error: condition `gt` needs a number');
    expect(
      reasons('title: t\ncorrelation: { type: sequence, rules: [a], timespan: 5m, condition: { gt: 1 } }'),
    ).toContainEqual(expect.stringMatching(/^error: unknown correlation type `sequence`/));
    expect(
      reasons(
        'title: t\ncorrelation: { type: temporal, rules: [a, b], timespan: 5m, condition: "a and not b" }',
      ),
    ).toContainEqual(expect.stringMatching(/^error: boolean correlation conditions/));
    expect(reasons('title: t\ncorrelation: { type: temporal, rules: [a, b], timespan: 5m }')).toContain(
      'warning: no `group-by`: every match of the referenced rules falls in one group',
    );
    expect(
      reasons('title: t\ncorrelation: { type: temporal, rules: [a], timespan: 5m, generate: yes please }'),
    ).toContain('error: `correlation.generate` must be true or false');
  });

  it('warns about conditions that can never hold and keys it ignores', () => {
    const r = reasons(
      'title: t\ncorrelation: { type: event_count, rules: [a], group-by: [x], timespan: 5m, condition: { gt: 10, lt: 5 }, colour: red }',
    );
    expect(r).toContain('warning: the condition can never be true');
    expect(r).toContain('warning: unknown key `correlation.colour` ignored');
    expect(
      parse(
        'title: t\ncorrelation: { type: event_count, rules: [a], group-by: [x], timespan: 5m, condition: { gte: 5, eq: 3 } }',
      ).problems[0]?.reason,
    ).toBe('the condition can never be true');
  });

  it('keeps __proto__ keys as plain data', () => {
    const { rule } = parseCorrelation(
      JSON.parse(
        '{"title":"t","correlation":{"type":"temporal","rules":["a","b"],"group-by":["__proto__"],"timespan":"1m","aliases":{"__proto__":{"a":"x","b":"y"}}}}',
      ) as Record<string, unknown>,
      'p.yml',
    );
    expect(Object.hasOwn(rule!.aliases, '__proto__')).toBe(true);
    expect(rule!.aliases['__proto__'.toString()]).toEqual({ a: 'x', b: 'y' });
    expect(rule!.groupBy).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).a).toBeUndefined();
  });
});
