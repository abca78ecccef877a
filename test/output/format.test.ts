import { describe, expect, it } from 'vitest';
import { abbreviateChannel, formatFromPath, isValidTimeZone } from '../../src/output/index.js';

describe('formatFromPath', () => {
  it('infers the format from the extension, in any case', () => {
    expect(formatFromPath('out/hits.jsonl')).toBe('jsonl');
    expect(formatFromPath('hits.NDJSON')).toBe('jsonl');
    expect(formatFromPath('hits.json')).toBe('json');
    expect(formatFromPath('C:\\cases\\hits.Csv')).toBe('csv');
    expect(formatFromPath('report.txt')).toBe('table');
  });
  it('returns undefined when the extension says nothing', () => {
    expect(formatFromPath('hits')).toBeUndefined();
    expect(formatFromPath('hits.xlsx')).toBeUndefined();
    expect(formatFromPath('dir.json/hits')).toBeUndefined();
    expect(formatFromPath('hits.__proto__')).toBeUndefined();
  });
});

describe('abbreviateChannel', () => {
  it('knows the common channels and shortens the others by rule', () => {
    expect(abbreviateChannel('Security')).toBe('Sec');
    expect(abbreviateChannel('system')).toBe('Sys');
    expect(abbreviateChannel('Microsoft-Windows-Sysmon/Operational')).toBe('Sysmon');
    expect(abbreviateChannel('Microsoft-Windows-PowerShell/Operational')).toBe('PwSh');
    expect(abbreviateChannel('Microsoft-Windows-Foo-Bar/Operational')).toBe('Foo-Bar');
    expect(abbreviateChannel('Microsoft-Windows-Foo/Admin')).toBe('Foo/Admin');
    expect(abbreviateChannel('Custom')).toBe('Custom');
  });
});

describe('isValidTimeZone', () => {
  it('accepts IANA names and rejects others', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('formatCount', () => {
  it('groups digits as en-US Intl.NumberFormat does, rounding halves away from zero', async () => {
    const { formatCount } = await import('../../src/output/numbers.js');
    const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
    const xs = [0, 1, 12, 123, 999, 1000, 14173, 999_999, 1_000_000, 2 ** 53, -1, -1234, 0.5, 2.5, 999.5];
    // A fixed spread of magnitudes (a multiplicative hash, not Math.random: every run checks the same).
    for (let i = 1; i <= 200; i++) xs.push(((i * 2_654_435_761) % 1_000_003) * 10 ** (i % 10));
    xs.push(1e21, 1.5e22, -2.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    for (const x of xs) expect(formatCount(x), String(x)).toBe(intl.format(x));
    expect(formatCount(14173)).toBe('14,173');
  });
});
