import { describe, expect, it } from 'vitest';
import { type Event, parseChunk, type Screen, type Warning } from '../../src/event/index.js';

/**
 * Whatever one record does to the screen, the reader or the rules it is handed to, it costs that
 * record only: a warning naming it, a skipped count, and the records after it read as before.
 */

const NDJSON = [
  '{"Channel":"Security","EventID":4688,"CommandLine":"one"}',
  '{"Channel":"Security","EventID":4688,"CommandLine":"boom"}',
  '{"Event":{"System":{"Channel":"Security","EventID":4688},"EventData":{"CommandLine":"boom"}}}',
  '{"Channel":"Security","EventID":4688,"CommandLine":"three"}',
  '',
].join('\n');

const rec = (n: number, cmd: string): string =>
  `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4688</EventID><EventRecordID>${n}</EventRecordID><Channel>Security</Channel></System><EventData><Data Name="CommandLine">${cmd}</Data></EventData></Event>`;
const XML = `<Events>\n${rec(1, 'one')}\n${rec(2, 'boom')}\n${rec(3, 'three')}\n</Events>\n`;

function run(text: string, format: 'xml' | 'ndjson', screen?: Screen) {
  const seen: (string | undefined)[] = [];
  const warnings: Warning[] = [];
  const onEvent = (e: Event): void => {
    const cmd = e.get('CommandLine');
    if (cmd === 'boom') throw new RangeError('Maximum call stack size exceeded');
    seen.push(typeof cmd === 'string' ? cmd : undefined);
  };
  const data = Buffer.from(text, 'utf8');
  const stats = parseChunk({ format, data, offset: 0, line: 1 }, 'f', onEvent, (w) => warnings.push(w), {
    ...(screen ? { screen } : {}),
  });
  return { seen, warnings, stats };
}

describe('one record that throws', () => {
  it('in the rules (NDJSON, flat and evtx_dump): a warning at its line, skipped, the rest read', () => {
    const { seen, warnings, stats } = run(NDJSON, 'ndjson');
    expect(seen).toEqual(['one', 'three']);
    const message = 'record could not be handled (Maximum call stack size exceeded); skipped';
    expect(warnings).toEqual([
      { file: 'f', line: 2, message },
      { file: 'f', line: 3, message },
    ]);
    expect(stats).toMatchObject({ records: 2, skipped: 2 });
  });

  it('in the rules (XML): a warning at its line and offset, skipped, the rest read', () => {
    const { seen, warnings, stats } = run(XML, 'xml');
    expect(seen).toEqual(['one', 'three']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ line: 3, offset: XML.indexOf(rec(2, 'boom')) });
    expect(warnings[0]!.message).toMatch(/^record could not be handled \(Maximum call stack/);
    expect(stats).toMatchObject({ records: 2, skipped: 1 });
  });

  it('in the screen: the same, in both formats', () => {
    const screen: Screen = (b, from, to) => {
      if (b !== undefined && Buffer.from(b.subarray(from, to)).includes('three')) throw new Error('trap');
      return true;
    };
    const nd = run(NDJSON, 'ndjson', screen);
    expect(nd.seen).toEqual(['one']);
    expect(nd.warnings.at(-1)).toEqual({
      file: 'f',
      line: 4,
      message: 'record could not be handled (trap); skipped',
    });
    const xml = run(XML, 'xml', screen);
    expect(xml.seen).toEqual(['one']);
    expect(xml.warnings.map((w) => w.line)).toEqual([3, 4]);
    expect(xml.stats).toMatchObject({ records: 1, skipped: 2 });
  });
});
