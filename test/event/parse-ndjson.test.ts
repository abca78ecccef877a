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

  it('reads a record nested 200,000 deep without overflowing, keeps its shallow values, and says so', () => {
    const d = 200_000;
    const objects = `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`;
    const arrays = `${'['.repeat(d)}${']'.repeat(d)}`;
    const lines = [
      `{"Channel":"Security","EventID":4688,"CommandLine":"c1","x":${objects}}`,
      `{"Channel":"Security","EventID":4688,"CommandLine":"c2","x":${arrays}}`,
      `{"Channel":"Security","EventID":4688,"CommandLine":"c3","x":[${arrays}]}`,
      `{"winlog":{"channel":"Security","event_id":4688,"event_data":{"CommandLine":"c4","x":${objects}}}}`,
      `{"Event":{"System":{"Channel":"Security","EventID":4688},"EventData":{"CommandLine":"c5","x":${objects}}}}`,
      `{"Event":{"System":{"Channel":"Security","EventID":4688},"EventData":{"CommandLine":"c6","Data":${arrays}}}}`,
      '{"Channel":"Security","EventID":1102,"CommandLine":"after"}',
    ];
    const { events, warnings } = parseText(`${lines.join('\n')}\n`, 'ndjson');
    expect(events.map((e) => e.get('CommandLine'))).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'after']);
    // Read as the parser hands them out (the evtx_dump records are read on demand, after the parse,
    // and so warn only when something reads them while they are handled: see the CLI test).
    expect(warnings).toEqual(
      [1, 2, 3, 4].map((line) => ({
        file: 'f',
        line,
        message: 'values nested deeper than 64 levels were not read',
      })),
    );
    expect(events[0]!.get('x.a.a')).toBeUndefined();
    expect(Object.keys(events[0]!.fields).some((k) => k.startsWith('x.a'))).toBe(false);
    expect(Object.keys(events[4]!.fields).sort()).toEqual(['Channel', 'CommandLine', 'EventID']);
  });

  it('reads values 64 levels deep whole, and no further', () => {
    const at = (n: number): string =>
      `{"Channel":"Security","EventID":1,"v":${'{"a":'.repeat(n)}"leaf"${'}'.repeat(n)}}`;
    const name = (n: number): string => `v${'.a'.repeat(n)}`;
    const { events, warnings } = parseText(`${at(63)}\n${at(64)}\n`, 'ndjson');
    expect(warnings).toEqual([]);
    expect(events[0]!.get(name(63))).toBe('leaf');
    expect(events[1]!.get(name(64))).toBe('leaf');
    const over = parseText(`${at(65)}\n`, 'ndjson');
    expect(over.events[0]!.get(name(65))).toBeUndefined();
    expect(over.warnings).toHaveLength(1);
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
