import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../src/sigma/index.js';
import { probe, refusal } from './helpers.js';

const names = ['selection', 'selection_b', 'filter_a', 'filter_b', '_hidden', 'keywords'];

describe('condition grammar', () => {
  it('binds not tighter than and, and tighter than or', () => {
    expect(parseCondition('selection or selection_b and not filter_a', names)).toEqual({
      t: 'or',
      c: [
        { t: 'sel', i: 0 },
        {
          t: 'and',
          c: [
            { t: 'sel', i: 1 },
            { t: 'not', c: { t: 'sel', i: 2 } },
          ],
        },
      ],
    });
  });
  it('honours parentheses', () => {
    expect(parseCondition('(selection or selection_b) and filter_a', names)).toEqual({
      t: 'and',
      c: [
        {
          t: 'or',
          c: [
            { t: 'sel', i: 0 },
            { t: 'sel', i: 1 },
          ],
        },
        { t: 'sel', i: 2 },
      ],
    });
  });
  it('expands 1 of / any of / all of patterns', () => {
    expect(parseCondition('1 of filter_*', names)).toEqual({
      t: 'or',
      c: [
        { t: 'sel', i: 2 },
        { t: 'sel', i: 3 },
      ],
    });
    expect(parseCondition('any of filter_*', names)).toEqual({
      t: 'or',
      c: [
        { t: 'sel', i: 2 },
        { t: 'sel', i: 3 },
      ],
    });
    expect(parseCondition('all of selection*', names)).toEqual({
      t: 'and',
      c: [
        { t: 'sel', i: 0 },
        { t: 'sel', i: 1 },
      ],
    });
  });
  it('them skips identifiers starting with _', () => {
    const c = parseCondition('all of them', names);
    expect(c.t === 'and' && c.c.map((x) => (x.t === 'sel' ? names[x.i] : '?'))).toEqual([
      'selection',
      'selection_b',
      'filter_a',
      'filter_b',
      'keywords',
    ]);
  });
  it('x of binds tighter than not', () => {
    expect(parseCondition('not 1 of filter_*', names)).toEqual({
      t: 'not',
      c: {
        t: 'or',
        c: [
          { t: 'sel', i: 2 },
          { t: 'sel', i: 3 },
        ],
      },
    });
  });
  it('reports a missing identifier, bad syntax and aggregations', () => {
    expect(() => parseCondition('selection and nope', names)).toThrow(
      'condition refers to missing identifier nope',
    );
    expect(() => parseCondition('1 of nothing*', names)).toThrow('missing identifier');
    expect(() => parseCondition('(selection', names)).toThrow('missing ")"');
    expect(() => parseCondition('selection and', names)).toThrow('ends unexpectedly');
    expect(() => parseCondition('selection | count() > 5', names)).toThrow('aggregation');
  });
});

describe('conditions end to end', () => {
  it('a list of conditions is OR', async () => {
    const p = await probe(
      '    a:\n        A: 1\n    b:\n        B: 2\n    condition:\n        - a\n        - b',
    );
    expect(p.hits({ B: '2' })).toBe(true);
    expect(p.hits({ A: '1' })).toBe(true);
    expect(p.hits({ C: '1' })).toBe(false);
  });
  it('selection and not 1 of filter_*', async () => {
    const p = await probe(
      '    selection:\n        A: x\n    filter_one:\n        B: y\n    filter_two:\n        C: z\n    condition: selection and not 1 of filter_*',
    );
    expect(p.hits({ A: 'x' })).toBe(true);
    expect(p.hits({ A: 'x', B: 'y' })).toBe(false);
    expect(p.hits({ A: 'x', C: 'z' })).toBe(false);
  });
  it('refuses a condition naming a missing identifier', async () => {
    expect(await refusal('    sel:\n        A: x\n    condition: sel and filter')).toBe(
      'condition refers to missing identifier filter',
    );
  });

  it('refuses a condition nested deeper than 64 levels, by parentheses or by not, and reads 64', async () => {
    const parens = (n: number): string => `${'('.repeat(n)}selection${')'.repeat(n)}`;
    const nots = (n: number): string => `${'not '.repeat(n)}selection`;
    expect(parseCondition(parens(64), names)).toEqual({ t: 'sel', i: 0 });
    expect(parseCondition(nots(64), names)).toMatchObject({ t: 'not' });
    for (const text of [parens(65), nots(65), parens(100_000), nots(100_000)])
      expect(() => parseCondition(text, names)).toThrow('condition nested deeper than 64 levels');
    // Through the loader: the rule is refused with that reason (a hunt names it), nothing thrown.
    expect(
      await refusal(`    sel:\n        A: x\n    condition: ${parens(100_000).replace('selection', 'sel')}`),
    ).toBe('condition nested deeper than 64 levels');
  });
});
