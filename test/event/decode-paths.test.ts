import { describe, expect, it } from 'vitest';
import { parseBytes } from './helpers.js';

/** A wevtutil-style record with one EventData value. */
function xmlRecord(id: number, value: string): string {
  return (
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>${id}</EventID>` +
    `<Channel>Security</Channel><TimeCreated SystemTime='2024-03-05T08:02:0${id % 10}.1Z'/></System>` +
    `<EventData><Data Name='Value'>${value}</Data></EventData></Event>`
  );
}

describe('chunk decoding', () => {
  it('reads a mixed ASCII / non-ASCII XML chunk record by record with exact byte offsets and lines', () => {
    const parts = [
      xmlRecord(1, 'plain'),
      '\n',
      xmlRecord(2, 'Größe ☃ 𝄞'),
      '\n<garbage>ü</garbage>\n',
      xmlRecord(3, 'after garbage'),
      '\n',
      '<Event><System><EventID>4</EventID></System><EventData><Data Name="X">é</Data>',
      xmlRecord(5, 'ascii again'),
      '\n',
    ];
    const text = parts.join('');
    const buf = Buffer.from(text, 'utf8');
    const r = parseBytes(buf, 'xml');
    expect(r.events.map((e) => e.eventId)).toEqual(['1', '2', '3', '5']);
    expect(r.events[1]!.get('Value')).toBe('Größe ☃ 𝄞');
    expect(r.events[3]!.get('Value')).toBe('ascii again');
    // Every source offset is the byte offset of its `<Event` in the UTF-8 input.
    const starts: number[] = [];
    for (let i = buf.indexOf('<Event'); i >= 0; i = buf.indexOf('<Event', i + 1))
      if (buf[i + 6] === 0x20 || buf[i + 6] === 0x3e) starts.push(i);
    expect(r.sources.map((s) => s.offset)).toEqual([starts[0], starts[1], starts[2], starts[4]]);
    // Warnings name the byte offset and the line of what they skip.
    const lineOf = (byte: number): number => buf.subarray(0, byte).toString('utf8').split('\n').length;
    const garbage = buf.indexOf('<garbage>');
    expect(r.warnings.map((w) => [w.offset, w.line])).toEqual([
      [garbage - 1, lineOf(garbage - 1)],
      [starts[3], lineOf(starts[3]!)],
    ]);
    expect(r.skipped).toBe(2);
  });

  it('reads an ASCII XML chunk of several segments with exact offsets, lines and warnings', () => {
    // ~1.5 MB of records (decoded a segment at a time), a broken one well past the first segment.
    const parts: string[] = ['<Events>\n'];
    for (let i = 0; i < 6000; i++) {
      parts.push(i === 4000 ? '<Event><System><EventID>x</EventID></System>' : xmlRecord(i, `v${i}`), '\n');
    }
    parts.push('</Events>\n');
    const buf = Buffer.from(parts.join(''), 'latin1');
    expect(buf.length).toBeGreaterThan(1 << 20);
    const r = parseBytes(buf, 'xml');
    expect(r.events.length).toBe(5999);
    expect(r.events[4000]!.get('Value')).toBe('v4001');
    const starts: number[] = [];
    for (let i = buf.indexOf('<Event'); i >= 0; i = buf.indexOf('<Event', i + 1))
      if (buf[i + 6] === 0x20 || buf[i + 6] === 0x3e) starts.push(i);
    expect(r.sources.map((s) => s.offset)).toEqual(starts.filter((_, i) => i !== 4000));
    expect(r.warnings.map((w) => [w.offset, w.line])).toEqual([[starts[4000], 4002]]);
    expect(r.skipped).toBe(1);
  });

  it('reads ASCII segments whole and a segment with non-ASCII text record by record, screen included', () => {
    // ~400 KB: six segments or so; two records with text beyond ASCII in the third one.
    const parts: string[] = ['<Events>\n'];
    for (let i = 0; i < 1600; i++) {
      const value = i === 700 ? 'Microsoft® Windows®' : i === 705 ? '주식회사 ☃' : `v${i}`;
      parts.push(xmlRecord(i, value), '\n');
    }
    parts.push('</Events>\n');
    const buf = Buffer.from(parts.join(''), 'utf8');
    const screened: [number, number][] = [];
    const screen = (b: Uint8Array | undefined, from: number, to: number): boolean => {
      // Positions are the part's: `b` is that part of the chunk's bytes.
      if (b !== undefined)
        screened.push([b.byteOffset - buf.byteOffset + from, b.byteOffset - buf.byteOffset + to]);
      return true;
    };
    const r = parseBytes(buf, 'xml', 'f', { screen });
    expect(r.events).toHaveLength(1600);
    expect(r.warnings).toEqual([]);
    expect(r.events[700]!.get('Value')).toBe('Microsoft® Windows®');
    expect(r.events[705]!.get('Value')).toBe('주식회사 ☃');
    expect(r.events[1599]!.get('Value')).toBe('v1599');
    const starts: number[] = [];
    for (let i = buf.indexOf('<Event '); i >= 0; i = buf.indexOf('<Event ', i + 1)) starts.push(i);
    expect(r.sources.map((s) => s.offset)).toEqual(starts);
    // The screen is given each record's own bytes, from `<Event` to the end of `</Event>`, wherever
    // in its part (segment or single record) the record sits.
    expect(screened).toHaveLength(1600);
    screened.forEach(([from, to], i) => {
      expect(from).toBe(starts[i]);
      expect(buf.toString('utf8', from, to)).toBe(xmlRecord(i, r.events[i]!.get('Value') as string));
    });
  });

  it('gives the same XML views whether a chunk is ASCII, mixed, or one record at a time', () => {
    const ascii = [1, 2, 3].map((i) => xmlRecord(i, `v${i}`)).join('\n');
    const mixed = `${ascii}\n${xmlRecord(9, 'ñ')}`;
    const whole = parseBytes(Buffer.from(mixed), 'xml');
    const pieces = [1, 2, 3].map((i) => parseBytes(Buffer.from(xmlRecord(i, `v${i}`)), 'xml'));
    const asciiOnly = parseBytes(Buffer.from(ascii), 'xml');
    expect(whole.events.slice(0, 3).map((e) => ({ ...e.fields }))).toEqual(
      asciiOnly.events.map((e) => ({ ...e.fields })),
    );
    expect(asciiOnly.events.map((e) => ({ ...e.fields }))).toEqual(
      pieces.map((p) => ({ ...p.events[0]!.fields })),
    );
    expect(whole.events[3]!.get('Value')).toBe('ñ');
  });

  it('reads a CDATA section holding a literal </Event> whole in a non-ASCII chunk', () => {
    const tricky =
      "<Event><System><EventID>7</EventID></System><EventData><Data Name='Cmd'><![CDATA[echo </Event> ü]]></Data>" +
      '</EventData></Event>';
    const r = parseBytes(Buffer.from(`${xmlRecord(1, 'é')}\n${tricky}\n${xmlRecord(2, 'x')}\n`), 'xml');
    expect(r.warnings).toEqual([]);
    expect(r.events.map((e) => e.eventId)).toEqual(['1', '7', '2']);
    expect(r.events[1]!.get('Cmd')).toBe('echo </Event> ü');
  });

  it('decodes NDJSON line by line exactly as the whole chunk would decode', () => {
    const lines = [
      '{"EventID":"1","Channel":"Security","V":"plain"}',
      '{"EventID":"2","Channel":"Security","V":"Größe ☃ 𝄞"}',
      '{"EventID":"3","Channel":"Security","V":"bad \u0001"}',
      '{"EventID":"4","Channel":"Security","V":"ascii"}',
    ];
    const buf = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    // An invalid UTF-8 byte inside a line reads as U+FFFD, as it would in one decoding of the chunk.
    const broken = Buffer.concat([
      Buffer.from('{"EventID":"5","V":"x'),
      Buffer.from([0xe2, 0x82]),
      Buffer.from('"}\n'),
    ]);
    const r = parseBytes(Buffer.concat([buf, broken]), 'ndjson');
    expect(r.events.map((e) => e.eventId)).toEqual(['1', '2', '4', '5']);
    expect(r.events[1]!.get('V')).toBe('Größe ☃ 𝄞');
    expect(r.events[3]!.get('V')).toBe(`x\ufffd`);
    expect(r.sources.map((s) => s.line)).toEqual([1, 2, 4, 5]);
    expect(r.warnings.map((w) => w.line)).toEqual([3]);
  });
});
