import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, parseBytes, parseFixture, parseText, plain } from './helpers.js';

const XML_FIXTURES = ['shapes.xml', 'pretty-crlf.xml', 'truncated.xml', 'mid-malformed.xml', 'dtd.xml'];
const SAMPLES = path.resolve(FIXTURES, '../../../fixtures/samples');

describe('XML records', () => {
  it('reads evtx_dump Record lines, RenderingInfo, nested UserData and System attributes', () => {
    const { events, warnings } = parseFixture('shapes.xml', 'xml');
    expect(warnings).toEqual([]);
    expect(events).toHaveLength(2);
    const e = events[0]!;
    expect(e.eventId).toBe('104');
    expect(e.channel).toBe('System');
    expect(e.provider).toBe('Microsoft-Windows-Eventlog');
    expect(e.get('Provider_Guid')).toBe('{fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}');
    expect(e.get('Security_UserID')).toBe('S-1-5-21-1-2-3-500');
    expect(e.get('Execution_ProcessID')).toBe('1216');
    expect(e.get('TimeCreated_SystemTime')).toBe('2024-03-05T11:02:24.290123Z');
    expect(e.timestamp).toBe(Date.UTC(2024, 2, 5, 11, 2, 24, 290));
    expect(e.get('UserData_Channel')).toBe('Security');
    expect(e.get('BackupPath')).toBeUndefined();
    expect(e.get('Item')).toEqual(['one', 'two']);
    expect(e.get('Message')).toBe('The Security log file was cleared.');
    expect(e.get('RenderingInfo_Culture')).toBe('en-US');
    expect(e.get('RenderingInfo_Keyword')).toEqual(['Audit Success', 'Classic']);
    expect(e.get('Provider')).toBeUndefined();
    expect(e.get('Correlation')).toBeUndefined();
  });

  it('keeps unnamed Data as a list, drops empty named Data, decodes entities and CDATA', () => {
    const e = parseFixture('shapes.xml', 'xml').events[1]!;
    expect(e.get('Data')).toEqual(['app.exe', '', '10.0.1.2']);
    expect(e.get('Empty')).toBeUndefined();
    expect(e.get('Entities')).toBe('a & b <c> "d" \'e\' é€ &unknown; &#xD800;');
    expect(e.get('Cdata')).toBe('<script>&amp;</script>');
    expect(e.get('Binary')).toBe('00FF');
    expect(e.get('EventID_Qualifiers')).toBe('0');
    expect(e.get('Provider_EventSourceName')).toBe('Application Error');
    expect(e.timestamp).toBe(Date.UTC(2024, 2, 5, 11, 5, 0));
  });

  it('reads pretty-printed CRLF records and keeps CR LF inside values', () => {
    const { events, warnings, sources } = parseFixture('pretty-crlf.xml', 'xml');
    expect(warnings).toEqual([]);
    expect(events.map((e) => e.eventId)).toEqual(['800', '403']);
    expect(events[0]!.get('Data')).toEqual(['line one\r\nline two']);
    expect(events[1]!.get('Host')).toBe('ConsoleHost');
    expect(sources[0]).toEqual({ file: 'pretty-crlf.xml', offset: 0 });
    expect(sources[1]!.offset).toBe(
      readFileSync(path.join(FIXTURES, 'pretty-crlf.xml'), 'latin1').lastIndexOf('<Event xmlns'),
    );
  });

  it('warns about a truncated last record with its line and byte offset', () => {
    const r = parseFixture('truncated.xml', 'xml');
    expect(r.events.map((e) => e.get('A'))).toEqual(['x']);
    expect(r.skipped).toBe(1);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ file: 'truncated.xml', line: 2, offset: 233 });
    expect(r.warnings[0]!.message).toMatch(/truncated/);
  });

  it('skips malformed records in the middle and reads on', () => {
    const r = parseFixture('mid-malformed.xml', 'xml');
    expect(r.events.map((e) => e.eventId)).toEqual(['1', '4']);
    expect(r.skipped).toBe(2);
    expect(r.warnings.map((w) => w.line)).toEqual([2, 3]);
    expect(r.warnings[0]!.message).toMatch(/Oops/);
  });

  it('never processes a DTD or expands its entities', () => {
    const r = parseFixture('dtd.xml', 'xml');
    expect(r.events).toHaveLength(1);
    expect(r.events[0]!.get('A')).toBe('&boom;&ext;');
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.message).toMatch(/DTD/);
    const inline = parseText(
      '<Event><!DOCTYPE x [<!ENTITY a "b">]><System><EventID>1</EventID></System></Event>',
      'xml',
    );
    expect(inline.events).toHaveLength(0);
    expect(inline.warnings[0]!.message).toMatch(/DTD/);
  });

  it('gives byte offsets of the UTF-8 stream when text before a record is not ASCII', () => {
    const rec =
      "<Event><System><EventID>1</EventID></System><EventData><Data Name='N'>é€😀</Data></EventData></Event>\n";
    const text = rec + rec;
    const r = parseText(text, 'xml');
    expect(r.events[1]!.get('N')).toBe('é€😀');
    expect(r.sources.map((s) => s.offset)).toEqual([0, Buffer.byteLength(rec)]);
  });

  it('gives the same view from the scanner and from the reference parser (fixtures)', () => {
    const inputs = XML_FIXTURES.map((f) => readFileSync(path.join(FIXTURES, f)));
    for (const f of ['sysmon-events.xml', 'security-wevtutil.xml'])
      inputs.push(readFileSync(path.join(SAMPLES, f)));
    for (const data of inputs) {
      const a = parseBytes(data, 'xml');
      const b = parseBytes(data, 'xml', 'f', { xmlReader: 'reference' });
      expect(a.events.length).toBeGreaterThan(0);
      expect(a.events.map(plain)).toEqual(b.events.map(plain));
      expect(a.sources).toEqual(b.sources);
      expect(a.warnings.length).toBe(b.warnings.length);
    }
  });
});
