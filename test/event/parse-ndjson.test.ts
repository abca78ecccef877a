import { describe, expect, it } from 'vitest';
import { parseFixture, parseText } from './helpers.js';

describe('NDJSON records', () => {
  it('reads evtx_dump objects as their XML twin would be read', () => {
    const { events, warnings, sources } = parseFixture('shapes.ndjson', 'ndjson');
    expect(warnings).toEqual([]);
    expect(events).toHaveLength(8);
    const scm = events[0]!;
    expect(scm.eventId).toBe('7036');
    expect(scm.get('EventID_Qualifiers')).toBe('16384');
    expect(scm.get('Provider_Guid')).toBe('{555908d1-a6d7-4695-8e1e-26931d2012f4}');
    expect(scm.get('Provider_EventSourceName')).toBe('Service Control Manager');
    expect(scm.get('Execution_ProcessID')).toBe('688');
    expect(scm.get('TimeCreated_SystemTime')).toBe('2024-03-05T08:02:00.100000Z');
    expect(scm.get('Correlation')).toBeUndefined();
    expect(scm.get('Binary')).toBeUndefined();
    expect(scm.get('Big')).toBe('18446744073709551615');
    expect(scm.get('Flag')).toBe('true');
    expect(events[1]!.get('Data')).toEqual(['app.exe', '', '10.0.1.2']);
    expect(events[2]!.get('Data')).toBeUndefined();
    expect(events[3]!.get('Application')).toEqual(['A', 'B', 'C']);
    expect(events[3]!.get('Counter_v2')).toBe('keep');
    expect(sources.map((s) => s.line)).toEqual([1, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reads flat objects with their keys and dotted nested names', () => {
    const e = parseFixture('shapes.ndjson', 'ndjson').events[4]!;
    expect(e.channel).toBe('Security');
    expect(e.eventId).toBe('4624');
    expect(e.get('Nested.Inner.Leaf')).toBe('v');
    expect(e.get('List')).toEqual(['1', 'two', '{"k":"v"}']);
    expect(e.get('Empty')).toBeUndefined();
    expect(e.get('Null')).toBeUndefined();
    expect(e.timestamp).toBe(Date.UTC(2024, 2, 5, 8, 1, 12, 441));
  });

  it('reads ECS objects written with dotted keys', () => {
    const e = parseFixture('shapes.ndjson', 'ndjson').events[5]!;
    expect(e.channel).toBe('Security');
    expect(e.eventId).toBe('4625');
    expect(e.get('TargetUserName')).toBe('bob');
    expect(e.get('source.ip')).toBe('10.0.0.9');
  });

  it('falls back to event.code for the event id of ECS records', () => {
    const e = parseText('{"@timestamp":"2024-01-01T00:00:00Z","event":{"code":"4688"}}', 'ndjson').events[0]!;
    expect(e.eventId).toBe('4688');
    expect(e.get('event.code')).toBe('4688');
  });

  it('warns with the line number of every malformed line and reads the rest', () => {
    const r = parseFixture('malformed.ndjson', 'ndjson');
    expect(r.events.map((e) => e.eventId)).toEqual(['1', '2', '3']);
    expect(r.warnings.map((w) => w.line)).toEqual([2, 3, 6, 8]);
    expect(r.warnings.every((w) => w.file === 'malformed.ndjson')).toBe(true);
    expect(r.skipped).toBe(4);
    expect(r.records).toBe(3);
  });

  it('reads a last line without a newline', () => {
    expect(parseFixture('no-final-newline.ndjson', 'ndjson').events[0]!.eventId).toBe('4');
  });
});
