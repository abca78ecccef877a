import { describe, expect, it } from 'vitest';
import { normSystemTime, normValue, parseTime } from '../../src/event/index.js';

describe('normValue', () => {
  it('drops the zero padding of hexadecimal values', () => {
    expect(normValue('0x000000000001336d')).toBe('0x1336d');
    expect(normValue('0x00000000')).toBe('0x0');
    expect(normValue('0x3e7')).toBe('0x3e7');
    expect(normValue('0x8000000000000000')).toBe('0x8000000000000000');
    expect(normValue('0x00zz')).toBe('0x00zz');
  });
  it('writes every GUID as {lowercase}', () => {
    expect(normValue('54849625-5478-4994-A5BA-3E3B0328C30D')).toBe('{54849625-5478-4994-a5ba-3e3b0328c30d}');
    expect(normValue('{54849625-5478-4994-A5BA-3E3B0328C30D}')).toBe(
      '{54849625-5478-4994-a5ba-3e3b0328c30d}',
    );
    expect(normValue('{54849625-5478-4994-a5ba-3e3b0328c30d}')).toBe(
      '{54849625-5478-4994-a5ba-3e3b0328c30d}',
    );
    expect(normValue('54849625-5478-4994-A5BA-3E3B0328C30X')).toBe('54849625-5478-4994-A5BA-3E3B0328C30X');
  });
  it('gives the same answer for a GUID seen again, between other values and other GUIDs', () => {
    const inputs = [
      '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
      '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
      'S-1-5-18-not-a-guid-but-thirty-six-c',
      '54849625-5478-4994-A5BA-3E3B0328C30D',
      '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}',
      '{5770385F-C22A-43E0-BF4C-06F5698FFBDZ}',
      '54849625-5478-4994-A5BA-3E3B0328C30D',
    ];
    expect(inputs.map((v) => normValue(v))).toEqual([
      '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
      '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
      'S-1-5-18-not-a-guid-but-thirty-six-c',
      '{54849625-5478-4994-a5ba-3e3b0328c30d}',
      '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
      '{5770385F-C22A-43E0-BF4C-06F5698FFBDZ}',
      '{54849625-5478-4994-a5ba-3e3b0328c30d}',
    ]);
  });
  it('lower-cases Python booleans only', () => {
    expect(normValue('True')).toBe('true');
    expect(normValue('False')).toBe('false');
    expect(normValue('TRUE')).toBe('TRUE');
  });
  it('gives FILETIME renderings one form and leaves other times alone', () => {
    expect(normValue('2019-03-19T00:02:04.319944600Z')).toBe('2019-03-19T00:02:04.319944Z');
    expect(normValue('2019-03-19T00:02:04.3199446Z')).toBe('2019-03-19T00:02:04.319944Z');
    expect(normValue('2019-03-19 00:02:04.319944')).toBe('2019-03-19T00:02:04.319944Z');
    expect(normValue('2020-07-03 08:44:00')).toBe('2020-07-03T08:44:00.000000Z');
    expect(normValue('2019-06-14 22:22:17.957')).toBe('2019-06-14 22:22:17.957');
  });
  it('keeps ordinary text', () => {
    for (const v of ['', 'C:\\Windows\\x.exe', '0', '0x', '4624', 'S-1-5-18']) expect(normValue(v)).toBe(v);
  });
});

describe('parseTime / normSystemTime', () => {
  it('parses the renderers time forms to ms and µs', () => {
    expect(parseTime('2019-03-19T00:02:04.319944600Z')).toEqual({
      ms: Date.UTC(2019, 2, 19, 0, 2, 4, 319),
      micros: 944,
    });
    expect(parseTime('2019-03-19 00:02:04')).toEqual({ ms: Date.UTC(2019, 2, 19, 0, 2, 4), micros: 0 });
    expect(parseTime('2019-03-19T02:02:04.5+02:00')?.ms).toBe(Date.UTC(2019, 2, 19, 0, 2, 4, 500));
  });
  it('refuses what is not a time', () => {
    for (const s of [
      'yesterday',
      '2019-13-01T00:00:00Z',
      '2019-03-19T00:02:04.Z',
      '2019-03-19T00:02:04Zjunk',
    ])
      expect(parseTime(s)).toBeUndefined();
    expect(normSystemTime('soon')).toEqual({ text: 'soon', ms: Number.NaN });
  });
});
