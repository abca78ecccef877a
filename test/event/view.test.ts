import { describe, expect, it } from 'vitest';
import { createEvent } from '../../src/event/index.js';
import { parseFixture, parseText } from './helpers.js';

describe('Event view', () => {
  it('drops empty values: empty, null and absent are one thing', () => {
    const e = createEvent({ A: 'x', B: '', C: [] });
    expect(Object.keys(e.fields)).toEqual(['A']);
    expect(e.get('B')).toBeUndefined();
  });

  it('allValues holds every value of the fields, whatever the shape (the builder collects them as it stores)', () => {
    const fromFields = (e: { fields: Record<string, unknown> }): string[] =>
      Object.values(e.fields)
        .flatMap((v) => (typeof v === 'string' ? [v] : (v as string[])))
        .sort();
    const repeated =
      "<Event><System><Channel>A</Channel><EventID>1</EventID><Channel>B</Channel></System><EventData><Data>x</Data><Data></Data><Data Name='Data'>n</Data><Data>y</Data><Data Name='L'>&lt;string&gt;p&lt;/string&gt;</Data></EventData></Event>\n";
    const events = [
      ...parseFixture('shapes.xml', 'xml').events,
      ...parseFixture('pretty-crlf.xml', 'xml').events,
      ...parseFixture('shapes.ndjson', 'ndjson').events,
      ...parseText(repeated, 'xml').events,
    ];
    expect(events.length).toBeGreaterThan(5);
    for (const e of events) expect([...e.allValues()].sort()).toEqual(fromFields(e as never));
    // A System value given twice: the last one is the view's, and the first is in no list.
    const last = parseText(repeated, 'xml').events[0]!;
    expect(last.get('Channel')).toBe('B');
    expect(last.allValues()).not.toContain('A');
  });

  it('resolves dotted paths to the flat names', () => {
    const { events } = parseFixture('shapes.xml', 'xml');
    const e = events[0]!;
    expect(e.get('Event.System.Provider_Name')).toBe('Microsoft-Windows-Eventlog');
    expect(e.get('Event.System.Provider.Name')).toBe('Microsoft-Windows-Eventlog');
    expect(e.get('Event.System.Provider.#attributes.Name')).toBe('Microsoft-Windows-Eventlog');
    expect(e.get('Event.System.TimeCreated.SystemTime')).toBe('2024-03-05T11:02:24.290123Z');
    expect(e.get('Event.UserData.LogFileCleared.SubjectUserName')).toBe('admin');
    expect(e.get('Event.UserData.LogFileCleared.Channel')).toBe('Security');
    expect(e.get('Event.RenderingInfo.Message')).toBe('The Security log file was cleared.');
    expect(e.get('winlog.channel')).toBe('System');
    expect(e.get('winlog.user_data.SubjectUserName')).toBe('admin');
    expect(e.get('Event.EventData.Missing')).toBeUndefined();
    const app = events[1]!;
    expect(app.get('Event.EventData.Entities')).toBe(app.get('Entities'));
    expect(app.get('winlog.event_data.Binary')).toBe('00FF');
  });

  it('reads ECS events through the same names', () => {
    const { events } = parseText(
      '{"@timestamp":"2024-03-05T09:20:31.250Z","winlog":{"channel":"Security","event_id":4625,"event_data":{"TargetUserName":"bob"}},"process":{"executable":"C:\\\\x.exe"},"message":"m"}\n',
      'ndjson',
    );
    const e = events[0]!;
    expect(e.channel).toBe('Security');
    expect(e.eventId).toBe('4625');
    expect(e.get('TargetUserName')).toBe('bob');
    expect(e.get('winlog.event_data.TargetUserName')).toBe('bob');
    expect(e.get('Event.EventData.TargetUserName')).toBe('bob');
    expect(e.get('winlog.event_id')).toBe('4625');
    expect(e.get('process.executable')).toBe('C:\\x.exe');
    expect(e.get('@timestamp')).toBe('2024-03-05T09:20:31.250000Z');
    expect(e.timestamp).toBe(Date.UTC(2024, 2, 5, 9, 20, 31, 250));
    expect(e.get('message')).toBe('m');
  });

  it('keeps __proto__ and friends as ordinary fields, never on a prototype', () => {
    const { events } = parseFixture('shapes.ndjson', 'ndjson');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const flat = events[6]!;
    expect(flat.get('__proto__.polluted')).toBe('yes');
    expect(flat.get('constructor.prototype.polluted')).toBe('yes');
    expect(Object.getPrototypeOf(flat.fields)).toBeNull();
    const evtx = events[7]!;
    expect(evtx.get('__proto__')).toEqual(['sys', 'data']);
    expect(evtx.get('toString')).toBe('x');
    const xml = parseFixture('shapes.xml', 'xml').events;
    expect(xml[0]!.get('__proto__')).toBe('polluted?');
    expect(xml[1]!.get('__proto__')).toBe('{"polluted":true}');
    expect(xml[1]!.get('constructor')).toBe('ctor');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
