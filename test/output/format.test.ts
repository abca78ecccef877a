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
