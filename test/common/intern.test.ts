import { describe, expect, it } from 'vitest';
import { internStrings } from '../../src/common/intern.js';

describe('sharing equal strings in deserialised rules', () => {
  it('keeps every value as it was, in objects and arrays alike', () => {
    const value = { a: 'x', b: ['x', 'y', { c: 'y', d: 1, e: null }], f: { g: ['x'] } };
    const before = structuredClone(value);
    expect(internStrings(value)).toBe(value);
    expect(value).toEqual(before);
  });
});
