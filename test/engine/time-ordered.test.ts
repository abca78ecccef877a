import { describe, expect, it } from 'vitest';
import { type EventSnapshot, stageEvent, stageRecord, TimeOrderedMatchers } from '../../src/engine/index.js';
import { eqlRuleFromQuery } from '../../src/eql/index.js';

const PROTO = '__proto__';
const NO_CORRELATIONS = { correlations: [], baseRules: [], fieldsByRule: {}, suppressed: [] };

function event(ms: number, line: number, fields: Record<string, string>): EventSnapshot {
  const dict: EventSnapshot['fields'] = Object.create(null);
  Object.assign(dict, fields);
  return {
    timestamp: ms,
    computer: 'host-1',
    channel: 'Microsoft-Windows-Sysmon/Operational',
    eventId: '1',
    recordId: String(line),
    fields: dict,
    src: { file: 'a.xml', line },
  };
}

describe('stage records', () => {
  it('keep the event as its JSON text and give back a snapshot with a prototype-free dictionary', () => {
    const fields: EventSnapshot['fields'] = Object.create(null);
    fields.Image = 'C:\\Windows\\System32\\cmd.exe';
    fields[PROTO] = 'not a prototype';
    fields.CommandLine = ['a', 'b'];
    const ev = { ...event(1_000, 3, {}), fields };
    const rec = stageRecord(0, [{ stage: 0, keys: [['host-1', 7]] }], ev);
    expect(typeof rec.event).toBe('string');
    expect([rec.timestamp, rec.src]).toEqual([1_000, { file: 'a.xml', line: 3 }]);
    const back = stageEvent(rec.event);
    expect(Object.getPrototypeOf(back.fields)).toBeNull();
    expect(Object.hasOwn(back.fields, '__proto__')).toBe(true);
    expect(back.fields[PROTO]).toBe('not a prototype');
    expect({ ...back, fields: { ...back.fields } }).toEqual({ ...ev, fields: { ...fields } });
  });

  it('replay in time order whatever order they came in, with events that survive a spill intact', async () => {
    const rule = {
      ...eqlRuleFromQuery('sequence by host.name [process where true] [network where true]', 1),
      id: 'seq',
    };
    // One record per sorted run on disk: each event goes through the spill's JSON and back.
    process.env.SPOOR_SPILL_RECORDS = '1';
    const matchers = new TimeOrderedMatchers(NO_CORRELATIONS, [rule]);
    delete process.env.SPOOR_SPILL_RECORDS;
    const later = event(2_000, 9, {
      DestinationIp: '10.0.0.1',
      Note: 'é "quoted" \\ back\tand\nmore \u2028',
    });
    const first = event(1_000, 2, { Image: 'C:\\x.exe' });
    // The network stage arrives first (another thread's chunk): only time order makes a sequence.
    matchers.addStages(stageRecord(0, [{ stage: 1, keys: [['host-1']] }], later));
    matchers.addStages(stageRecord(0, [{ stage: 0, keys: [['host-1']] }], first));
    const { sequences, carry } = await matchers.finish();
    expect(sequences).toHaveLength(1);
    const [a, b] = sequences[0]!.events as EventSnapshot[];
    expect(a!.fields.Image).toBe('C:\\x.exe');
    expect(b!.fields.Note).toBe('é "quoted" \\ back\tand\nmore \u2028');
    expect(Object.getPrototypeOf(b!.fields)).toBeNull();
    expect(sequences[0]!.group).toEqual({ 'host.name': 'host-1' });
    // What a scheduled run carries keeps its shape: whole event snapshots.
    expect(carry.stages.map((s) => s.event.recordId)).toEqual(['2', '9']);
  });
});
