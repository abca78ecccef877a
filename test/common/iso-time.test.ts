import { describe, expect, it } from 'vitest';
import { isoUtc } from '../../src/common/index.js';

describe('isoUtc', () => {
  it('writes what toISOString writes, over years 1000-9999 and at their edges', () => {
    const edges = [
      0, -1, 1, 951782400000 /* 2000-02-29 */, 4107542400000 /* 2100-03-01 */, -30610224000000,
      -30610224000001, 253402300799999, 253402300800000, -62135596800000, 8.64e15, -8.64e15,
    ];
    let x = 0x2545f491;
    const random = (): number => {
      // xorshift32: the same values every run
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) / 2 ** 32;
    };
    const values = [...edges];
    for (let i = 0; i < 20000; i++) values.push(Math.round(-3.2e13 + random() * 2.9e14));
    for (const ms of values) expect(isoUtc(ms)).toBe(new Date(ms).toISOString());
  });

  it('gives what toISOString gives for fractions of a millisecond, and null for no time', () => {
    expect(isoUtc(1556380645868.863)).toBe(new Date(1556380645868.863).toISOString());
    expect(isoUtc(Number.NaN)).toBeNull();
    expect(isoUtc(Number.POSITIVE_INFINITY)).toBeNull();
    expect(isoUtc(9e15)).toBeNull();
  });
});

describe('isoMicros', () => {
  it('writes the microseconds after the ISO milliseconds, as before with toISOString', async () => {
    const { isoMicros } = await import('../../src/event/normalize.js');
    for (const [ms, micros] of [
      [Date.parse('2019-04-27T15:57:25.868Z'), 864],
      [0, 0],
      [Date.parse('1601-01-01T00:00:00.000Z'), 7],
      [Date.parse('2030-12-31T23:59:59.999Z'), 99],
    ] as const)
      expect(isoMicros(ms, micros)).toBe(
        `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`,
      );
  });
});
