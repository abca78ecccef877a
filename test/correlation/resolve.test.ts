import { describe, expect, it } from 'vitest';
import {
  parseLegacyAggregation,
  resolveCorrelations,
  translateLegacyAggregation,
} from '../../src/correlation/index.js';
import { corr } from './helpers.js';

const ec = (id: string, rules: string, extra = '') =>
  corr(`
title: ${id}
id: ${id}
name: ${id}_name
correlation:
  type: event_count
  rules: ${rules}
  group-by: [User]
  timespan: 5m
  condition: { gte: 2 }
${extra}`);

function errors(r: ReturnType<typeof resolveCorrelations>): string[] {
  return r.problems.filter((p) => p.severity === 'error').map((p) => `${p.id}: ${p.reason}`);
}

describe('resolveCorrelations', () => {
  it('resolves by id and by name, and plans inner correlations first', () => {
    const outer = ec('outer', '[inner_name, base2]');
    const inner = ec('inner', '[b1]');
    const r = resolveCorrelations([outer, inner], [{ id: 'b1' }, { id: 'b2', name: 'base2' }]);
    expect(errors(r)).toEqual([]);
    expect(r.plan.correlations.map((c) => [c.id, c.inputs])).toEqual([
      ['inner', ['b1']],
      ['outer', ['inner', 'b2']],
    ]);
    expect(r.plan.baseRules.sort()).toEqual(['b1', 'b2']);
    expect(r.plan.fieldsByRule).toEqual({ b1: ['User'], b2: ['User'] });
  });

  it('reports unresolved and ambiguous references', () => {
    const r = resolveCorrelations(
      [ec('x', '[nowhere]'), ec('y', '[twin]')],
      [
        { id: 'b1', name: 'twin' },
        { id: 'b2', name: 'twin' },
      ],
    );
    expect(errors(r)).toEqual([
      'x: unresolved rule reference `nowhere` (no rule has this id or name)',
      'y: rule reference `twin` is ambiguous: 2 rules have this name',
    ]);
    expect(r.plan.correlations).toEqual([]);
  });

  it('reports cycles and refuses what reads them', () => {
    const r = resolveCorrelations(
      [ec('a', '[b]'), ec('b', '[a]'), ec('c', '[a]'), ec('self', '[self]'), ec('ok', '[base]')],
      [{ id: 'base' }],
    );
    expect(errors(r)).toEqual([
      'self: the correlation references itself (`self`)',
      'a: correlation cycle: a_name → b_name → a_name',
      'b: correlation cycle: a_name → b_name → a_name',
      'c: it reads correlation `a`, which does not load',
    ]);
    expect(r.plan.correlations.map((c) => c.id)).toEqual(['ok']);
  });

  it('reports duplicate ids, aliases naming rules not referenced, and fields a chain cannot give', () => {
    const alias = corr(`
title: al
id: al
correlation:
  type: temporal
  rules: [b1, b2]
  group-by: [ip]
  timespan: 1m
  aliases:
    ip: { b1: SourceIp, b3: DestinationIp }
`);
    const r = resolveCorrelations([alias, ec('b1', '[b2]')], [{ id: 'b1' }, { id: 'b2' }]);
    expect(errors(r)).toEqual([
      'b1: id `b1` is already used by another rule',
      'al: alias `ip` names rule `b3`, which the correlation does not reference',
    ]);
    const chained = corr(`
title: ch
id: ch
correlation: { type: temporal, rules: [inner, b2], group-by: [Computer], timespan: 1h }
`);
    const r2 = resolveCorrelations([ec('inner', '[b1]'), chained], [{ id: 'b1' }, { id: 'b2' }]);
    expect(r2.problems.map((p) => p.reason)).toContain(
      'hits of correlation `inner` carry only its group-by fields (User); `Computer` will be null',
    );
  });
});

describe('legacy aggregations', () => {
  it('parses count, count(field), sum and avg with every operator', () => {
    expect(parseLegacyAggregation('selection and not filter | count() by TargetUserName > 10')).toEqual({
      search: 'selection and not filter',
      type: 'event_count',
      groupBy: ['TargetUserName'],
      op: 'gt',
      value: 10,
    });
    expect(parseLegacyAggregation('sel | count(TargetUserName) by IpAddress >= 5')).toMatchObject({
      type: 'value_count',
      field: 'TargetUserName',
      op: 'gte',
    });
    expect(parseLegacyAggregation('sel | sum(Bytes) < 3')).toMatchObject({
      type: 'value_sum',
      groupBy: [],
      op: 'lt',
    });
    expect(parseLegacyAggregation('sel | avg(Bytes) by Host <= 3')).toMatchObject({
      type: 'value_avg',
      op: 'lte',
    });
    expect(parseLegacyAggregation('sel | count() == 3')).toMatchObject({ op: 'eq' });
    expect(parseLegacyAggregation('sel | count() != 3')).toMatchObject({ op: 'neq' });
    expect(parseLegacyAggregation('selection and not filter')).toBeUndefined();
  });

  it('refuses what has no exact equivalent, saying why', () => {
    expect(parseLegacyAggregation('sel | max(Bytes) by Host > 3')).toEqual({
      refusal:
        '`max()` has no Sigma correlation equivalent (event_count, value_count, value_sum and value_avg do)',
    });
    expect(parseLegacyAggregation('a | near b')).toEqual({
      refusal: 'the v1 `near` operator is obsolete; write a temporal correlation instead',
    });
    expect(parseLegacyAggregation('sel | count() by Host')).toHaveProperty('refusal');
    const meta = {
      id: 'r1',
      title: 'Brute',
      level: 'high' as const,
      status: 'test',
      tags: [],
      path: 'old.yml',
    };
    expect(translateLegacyAggregation(meta, 'sel | count() by User > 5', undefined)).toHaveProperty(
      'refusal',
    );
  });

  it('translates into a base search plus an equivalent correlation', () => {
    const meta = {
      id: 'r1',
      title: 'Brute',
      level: 'high' as const,
      status: 'test',
      tags: ['t'],
      path: 'old.yml',
      line: 1,
    };
    const t = translateLegacyAggregation(meta, 'selection | count() by TargetUserName > 5', '10m');
    expect(t).toEqual({
      baseId: 'r1/search',
      search: 'selection',
      rule: {
        id: 'r1',
        title: 'Brute',
        level: 'high',
        status: 'test',
        tags: ['t'],
        path: 'old.yml',
        line: 1,
        type: 'event_count',
        rules: ['r1/search'],
        groupBy: ['TargetUserName'],
        timespanMs: 600_000,
        timespan: '10m',
        condition: [{ op: 'gt', value: 5 }],
        aliases: {},
        generate: false,
      },
    });
    if (t && 'rule' in t) {
      const r = resolveCorrelations([t.rule], [{ id: t.baseId }]);
      expect(r.plan.suppressed).toEqual(['r1/search']);
    }
  });
});
