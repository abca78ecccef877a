import { describe, expect, it } from 'vitest';
import { internStrings } from '../../src/common/intern.js';

describe('sharing equal strings in deserialised rules', () => {
  it('keeps every value as it was, in objects and arrays alike', () => {
    const value = { a: 'x', b: ['x', 'y', { c: 'y', d: 1, e: null }], f: { g: ['x'] } };
    const before = structuredClone(value);
    expect(internStrings(value)).toBe(value);
    expect(value).toEqual(before);
  });

  it('does not walk the properties it is told to skip', () => {
    const untouchable = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('walked');
        },
      },
    );
    const value = { keep: { s: 'x' }, detection: untouchable, list: [{ detection: untouchable }] };
    expect(() => internStrings(value)).toThrow('walked');
    expect(() => internStrings(value, new Set(['detection']))).not.toThrow();
  });
});
