import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Event, EvtxJsonEvent } from '../../src/event/index.js';
import { FIXTURES, parseBytes, parseText } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const NDJSON = path.resolve(here, '../../../shared/corpus/logs/ndjson');
const hasShared = existsSync(NDJSON);
if (!hasShared) console.warn('skipping the corpus part of the lazy NDJSON view tests: ../shared not present');

/** Names every record is asked for besides its own: absent ones, prototype keys, dotted paths. */
const PROBES = [
  'Image',
  'CommandLine',
  'Data',
  'EventData_Name',
  'EventData_Channel',
  'UserData_Channel',
  'EventID_Qualifiers',
  'Provider',
  'TimeCreated',
  'Execution',
  'Message',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'Event.EventData.Image',
  'Event.System.Provider.Name',
  'Event.System.EventID',
  'winlog.event_data.Image',
  'winlog.channel',
  '@timestamp',
  'message',
  'event.code',
];

function sorted(a: readonly string[]): string[] {
  return [...a].sort();
}

/** The lazy view reads exactly as the eager one, for every stored name and every probe. */
function same(lazy: Event, eager: Event, where: string): void {
  expect(lazy).toBeInstanceOf(EvtxJsonEvent);
  expect(lazy.timestamp, where).toEqual(eager.timestamp);
  expect([lazy.computer, lazy.channel, lazy.eventId, lazy.recordId, lazy.provider], where).toEqual([
    eager.computer,
    eager.channel,
    eager.eventId,
    eager.recordId,
    eager.provider,
  ]);
  for (const name of [...Object.keys(eager.fields), ...PROBES])
    expect(lazy.get(name), `${where} ${name}`).toEqual(eager.get(name));
  const spaced = eager.fieldNames().filter((n) => n.indexOf(' ') >= 0);
  expect(sorted(lazy.spacedNames()), `${where} spaced names`).toEqual(sorted(spaced));
  expect(sorted(eager.spacedNames()), `${where} spaced names`).toEqual(sorted(spaced));
}

/** What reads the whole record (and builds its dictionary), compared after the lookups above. */
function sameWhole(lazy: Event, eager: Event, where: string): void {
  expect(sorted(lazy.allValues()), where).toEqual(sorted(eager.allValues()));
  expect(sorted(lazy.fieldNames()), where).toEqual(sorted(eager.fieldNames()));
  expect({ ...lazy.fields }, where).toEqual({ ...eager.fields });
  // Lookups after the dictionary exists read it, with the same answers.
  for (const name of [...Object.keys(eager.fields), ...PROBES])
    expect(lazy.get(name), `${where} ${name} (after)`).toEqual(eager.get(name));
}

function compareBytes(data: Buffer, file: string): { events: number; inPlace: number } {
  const lazy = parseBytes(data, 'ndjson', file);
  const eager = parseBytes(data, 'ndjson', file, { ndjsonView: 'eager' });
  expect(lazy.events.length).toBe(eager.events.length);
  expect(lazy.warnings).toEqual(eager.warnings);
  let n = 0;
  let inPlace = 0;
  for (const [i, e] of lazy.events.entries()) {
    if (!(e instanceof EvtxJsonEvent)) continue;
    const where = `${file}:${lazy.sources[i]!.line}`;
    same(e, eager.events[i]!, where);
    if (!e.materialisedYet) inPlace++;
    sameWhole(e, eager.events[i]!, where);
    n++;
  }
  return { events: n, inPlace };
}

describe('lazy evtx_dump view', () => {
  it('reads plain records in place, without building the dictionary', () => {
    const line = JSON.stringify({
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: {
          Provider: {
            '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' },
          },
          EventID: 1,
          Level: 4,
          Keywords: '0x8000000000000000',
          TimeCreated: { '#attributes': { SystemTime: '2019-04-27T15:57:53.3688634Z' } },
          EventRecordID: 6577,
          Correlation: null,
          Execution: { '#attributes': { ProcessID: 1912, ThreadID: 996 } },
          Channel: 'Microsoft-Windows-Sysmon/Operational',
          Computer: 'IEWIN7',
          Security: { '#attributes': { UserID: 'S-1-5-18' } },
        },
        EventData: {
          RuleName: '',
          ProcessGuid: '365ABB72-7C01-5CC4-0000-00102B3E0C00',
          Image: 'C:\\Users\\IEUser\\Downloads\\Flash_update.exe',
          LogonId: '0x000f4be',
          TerminalSessionId: 1,
          Layout: '\n   ',
        },
      },
    });
    const [ev] = parseText(`${line}\n`, 'ndjson').events;
    expect(ev).toBeInstanceOf(EvtxJsonEvent);
    const lazy = ev as EvtxJsonEvent;
    expect(lazy.eventId).toBe('1');
    expect(lazy.get('Image')).toBe('C:\\Users\\IEUser\\Downloads\\Flash_update.exe');
    expect(lazy.get('ProcessGuid')).toBe('{365abb72-7c01-5cc4-0000-00102b3e0c00}');
    expect(lazy.get('LogonId')).toBe('0xf4be');
    expect(lazy.get('TerminalSessionId')).toBe('1');
    expect(lazy.get('RuleName')).toBeUndefined();
    expect(lazy.get('Layout')).toBeUndefined();
    expect(lazy.get('Execution_ProcessID')).toBe('1912');
    expect(lazy.get('TimeCreated_SystemTime')).toBe('2019-04-27T15:57:53.368863Z');
    expect(lazy.get('__proto__')).toBeUndefined();
    expect(lazy.get('constructor')).toBeUndefined();
    expect(lazy.timestamp).toBe(Date.UTC(2019, 3, 27, 15, 57, 53, 368));
    expect(lazy.materialisedYet).toBe(false);
    expect(lazy.allValues()).toContain('0xf4be');
    expect(lazy.allValues()).toContain('2019-04-27T15:57:53.368863Z');
    expect(lazy.allValues()).not.toContain('');
    expect(lazy.materialisedYet).toBe(false);
    expect(lazy.spacedNames()).toEqual([]);
    expect(lazy.materialisedYet).toBe(false);
    expect(lazy.fieldNames()).toContain('LogonId');
    expect(lazy.materialisedYet).toBe(true);
    expect(lazy.fields.Image).toBe('C:\\Users\\IEUser\\Downloads\\Flash_update.exe');
  });

  it('finds names with a space (Defender\'s "Source Name") as the eager reader does', () => {
    const record = (data: Record<string, unknown>) =>
      JSON.stringify({
        Event: {
          System: {
            EventID: 1116,
            Channel: 'Microsoft-Windows-Windows Defender/Operational',
            Computer: 'pc',
          },
          EventData: data,
        },
      });
    const text = [
      record({ 'Source Name': 'Real-Time Protection', 'Threat Name': 'HackTool:Win32/Mimikatz' }),
      record({ '#attributes': { 'odd name': 'x' }, Plain: 'y' }),
      record({ Plain: 'y', Other: 'z' }),
    ]
      .map((l) => `${l}\n`)
      .join('');
    const lazy = parseText(text, 'ndjson').events;
    const eager = parseText(text, 'ndjson', { ndjsonView: 'eager' }).events;
    const want = eager.map((e) =>
      e
        .fieldNames()
        .filter((n) => n.indexOf(' ') >= 0)
        .sort(),
    );
    expect(want[0]).toEqual(['Source Name', 'Threat Name']);
    expect(want[2]).toEqual([]);
    lazy.forEach((e, i) => {
      expect([...e.spacedNames()].sort(), `record ${i}`).toEqual(want[i]);
    });
    expect((lazy[2] as EvtxJsonEvent).materialisedYet).toBe(false);
  });

  it('agrees with the eager reader on every awkward shape', () => {
    const sys = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      Provider: { '#attributes': { Name: 'P', Guid: '{ABCDEF01-2345-6789-ABCD-EF0123456789}' } },
      EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 3001 },
      TimeCreated: { '#attributes': { SystemTime: '2021-06-09T04:58:49.287418Z' } },
      Channel: 'Application',
      Computer: 'HOST',
      ...extra,
    });
    const records: unknown[] = [
      { Event: { System: sys(), EventData: { '#attributes': { Name: 'EVENT_X' }, param1: 'a' } } },
      {
        Event: { System: sys(), EventData: { '#attributes': { Name: 'EVENT_X' }, EventData_Name: 'clash' } },
      },
      {
        Event: {
          System: sys(),
          EventData: { Data: { '#text': ['sa', '', ' Reason: x', null, 7] }, Binary: 'AB' },
        },
      },
      { Event: { System: sys(), EventData: { Data: { '#text': ['', null] } } } },
      { Event: { System: sys(), EventData: { Data: { '#text': 'one' } } } },
      {
        Event: {
          System: sys(),
          EventData: { Data: { '#text': '<string>a</string>\n<string>b</string>\n' } },
        },
      },
      { Event: { System: sys(), EventData: { Value: '<string>a</string>\n<string>b</string>\n' } } },
      { Event: { System: sys(), EventData: { TargetImage: '<unknown process>' } } },
      { Event: { System: sys(), EventData: { Channel: 'from data', Computer: 'x' } } },
      { Event: { System: sys(), EventData: { 'ns:Leaf': 'v', Other: 'w' } } },
      { Event: { System: sys(), EventData: { Nested: { Inner: 'v' }, List: ['a', 'b'] } } },
      { Event: { System: sys(), EventData: { Big: 2 ** 60 + 1, Flag: true, Off: false, Zero: 0 } } },
      {
        Event: {
          System: sys(),
          EventData: { __proto__: 'proto', constructor: 'c', 'Source Name': 'spaced' },
        },
      },
      { Event: { System: sys({ Execution: { '#attributes': { ProcessID: 4, Odd: 'x' } } }), EventData: {} } },
      { Event: { System: sys({ Provider_Name: 'flat' }), EventData: { A: 'b' } } },
      { Event: { System: sys({ Provider: 'scalar' }), EventData: { A: 'b' } } },
      { Event: { System: sys({ Security: null, Correlation: { '#attributes': { ActivityID: 'abc' } } }) } },
      { Event: { System: sys({ Keywords: { '#text': '0x0000000000000000' } }), EventData: null } },
      {
        Event: { System: sys({ TimeCreated: { '#attributes': { SystemTime: '' } } }), EventData: { A: '1' } },
      },
      {
        Event: {
          System: sys(),
          UserData: { EventXML: { '#attributes': { xmlns: 'x' }, Channel: 'c', Leaf: 'l' } },
        },
      },
      { Event: { System: sys(), RenderingInfo: { Message: 'hello', Level: 'Information' } } },
      { Event: { System: sys(), EventData: { '#text': 'stray', A: 'b' } } },
      { Event: { System: sys(), EventData: [1, 2] } },
      { Event: { System: 'odd', EventData: { A: 'b' } } },
      { Event: { System: sys(), Provider: { '#attributes': { Name: 'top' } }, EventData: { A: 'b' } } },
      { Event: { System: sys(), ProcessingErrorData: { ErrorCode: 15005, DataItemName: 'x' } } },
      {
        Event: { System: sys({ Channel: { '#text': ['a', 'b'] }, Computer: ['x'] }), EventData: { A: 'b' } },
      },
      { Event: { System: sys({ TimeCreated: { '#attributes': { SystemTime: '2021-02-31 23:59:60.5' } } }) } },
      {
        Event: {
          System: sys({ TimeCreated: { '#attributes': { SystemTime: '1999-12-31T23:00:00.1+05:30' } } }),
        },
      },
      { Event: { '#attributes': { xmlns: 'x' }, EventData: { A: 'b' } } },
    ];
    const text = `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
    const { events, inPlace } = compareBytes(Buffer.from(text, 'utf8'), 'awkward');
    expect(events).toBe(records.length);
    // The plain ones are read in place; the rest through the eager reader.
    expect(inPlace).toBeGreaterThanOrEqual(10);
    expect(inPlace).toBeLessThan(records.length);
  });

  it('agrees with the eager reader over the NDJSON fixtures', () => {
    let n = 0;
    for (const f of readdirSync(FIXTURES).filter((x) => x.endsWith('.ndjson')))
      n += compareBytes(readFileSync(path.join(FIXTURES, f)), f).events;
    const samples = path.resolve(here, '../../fixtures/samples/sysmon-evtx_dump.ndjson');
    n += compareBytes(readFileSync(samples), 'sysmon-evtx_dump.ndjson').events;
    expect(n).toBeGreaterThan(0);
  });

  it.skipIf(!hasShared)('agrees with the eager reader over every NDJSON file of the shared corpus', () => {
    let events = 0;
    let inPlace = 0;
    const files = readdirSync(NDJSON, { recursive: true, encoding: 'utf8' }).filter((x) =>
      x.endsWith('.ndjson'),
    );
    expect(files.length).toBe(582);
    for (const f of files) {
      const r = compareBytes(readFileSync(path.join(NDJSON, f)), f);
      events += r.events;
      inPlace += r.inPlace;
    }
    expect(events).toBe(14173);
    // Most records are plain and never build their dictionary before `fields` is read.
    expect(inPlace).toBeGreaterThan(events * 0.8);
  });
});
