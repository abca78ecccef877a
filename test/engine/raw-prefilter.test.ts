import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CompileOptions, compileSigma } from '../../src/engine/index.js';
import { AhoCorasick, endsWithBytes, latin1Bytes, MAX_LITERAL } from '../../src/engine/prefilter-ac.js';
import { walkJson, warmJsonWalk } from '../../src/engine/raw-json.js';
import { rawLiteral } from '../../src/engine/raw-literal.js';
import { RawRecord } from '../../src/engine/raw-record.js';
import { walkXml } from '../../src/engine/raw-xml.js';
import { parseChunk } from '../../src/event/index.js';
import { loadSigma, type SigmaRuleIR } from '../../src/sigma/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'spoor-raw-'));
let n = 0;

async function rules(...docs: string[]): Promise<SigmaRuleIR[]> {
  const file = path.join(dir, `r${n++}.yml`);
  writeFileSync(file, docs.join('\n---\n'));
  const r = await loadSigma([file], { cache: false });
  expect(r.problems).toEqual([]);
  return r.rules;
}

function rule(id: number, detection: string): string {
  return `title: r${id}\nid: 00000000-0000-0000-0000-00000000000${id}\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n${detection}\n`;
}

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

/** A Sysmon process creation record in wevtutil XML; `data` is raw XML for the EventData body. */
function xmlRecord(data: string, id = 1): string {
  return (
    `<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>` +
    `<Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385F-C22A-43E0-BF4C-06F5698FFBD9}'/>` +
    `<EventID>${id}</EventID><Version>5</Version><TimeCreated SystemTime='2020-01-02T03:04:05.123456700Z'/>` +
    `<EventRecordID>7</EventRecordID><Channel>${SYSMON}</Channel><Computer>pc1</Computer></System>` +
    `<EventData>${data}</EventData></Event>\n`
  );
}

/** The same in evtx_dump JSON; `data` is the raw JSON text of the EventData object's members. */
function jsonRecord(data: string, id = '1'): string {
  return (
    `{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},"System":{` +
    `"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon"}},"EventID":${id},"Version":5,` +
    `"TimeCreated":{"#attributes":{"SystemTime":"2020-01-02T03:04:05.123456Z"}},"EventRecordID":7,` +
    `"Channel":"${SYSMON}","Computer":"pc1"},"EventData":{${data}}}}\n`
  );
}

interface Outcome {
  hits: number[];
  unparsed: number;
}

/** Hunts the text through the raw screen, as a worker does (by default scanning raw XML too). */
function screened(
  rs: SigmaRuleIR[],
  text: string,
  format: 'xml' | 'ndjson',
  opts: CompileOptions = { rawScan: true, rawXml: true },
): Outcome {
  const engine = compileSigma(rs, opts);
  const hits: number[] = [];
  const st = parseChunk(
    { format, data: Buffer.from(text), offset: 0, line: 1 },
    'test',
    (ev) => engine.matchScreened(ev, (r) => hits.push(r)),
    (w) => {
      throw new Error(w.message);
    },
    { screen: (b, from, to, f) => engine.screen(b, from, to, f) },
  );
  return { hits, unparsed: st.unparsed };
}

/** What the raw walk of one record finds: whether it can be scanned, its key, its value texts. */
function walk(text: string, format: 'xml' | 'json'): { ok: boolean; key?: string; values: string[] } {
  const b = Buffer.from(text.replace(/\n$/, ''));
  const rec = new RawRecord();
  if (format === 'xml') walkXml(b, 0, b.length, rec);
  else walkJson(b, 0, b.length, rec);
  const values: string[] = [];
  for (let i = 0; i < rec.count; i++)
    values.push(b.toString('utf8', rec.ranges[2 * i], rec.ranges[2 * i + 1]));
  const out: { ok: boolean; key?: string; values: string[] } = { ok: rec.ok, values };
  if (rec.channel !== undefined) out.key = `${rec.channel}/${rec.eventId}`;
  return out;
}

describe('raw literal forms', () => {
  it('cuts where the raw spelling can differ and escapes what JSON always escapes', () => {
    expect(rawLiteral('\\mimikatz.exe', 'plain')).toBe('\\mimikatz.exe');
    expect(rawLiteral('\\mimikatz.exe', 'json')).toBe('\\\\mimikatz.exe');
    expect(rawLiteral('a "quoted" value', 'json')).toBe('a \\"quoted\\" value');
    expect(rawLiteral('-enc /c', 'json')).toBe('-enc /c');
    expect(rawLiteral('a&bcdef<g', 'xml')).toBe('bcdef');
    expect(rawLiteral("it's here", 'xml')).toBe('s here');
    expect(rawLiteral('0x3e7', 'json')).toBe('3e7');
    expect(rawLiteral('{8a9c-11d0}', 'xml')).toBe('8a9c-11d0');
    expect(rawLiteral('2020-01-02t03:04', 'json')).toBe('2020-01-02');
    // Only what could lie inside a FILETIME as the view writes it is cut there: `.zzz` cannot.
    expect(rawLiteral('.zzz', 'json')).toBe('.zzz');
    expect(rawLiteral('04.5z', 'json')).toBe('04.5');
    expect(rawLiteral('19 00:02', 'json')).toBe('19 00:02');
    expect(rawLiteral(':3389', 'json')).toBe(':3389');
    // Raw records are scanned as bytes folding ASCII only: cased letters outside ASCII are cut.
    expect(rawLiteral('а', 'json')).toBeUndefined();
    expect(rawLiteral('а', 'plain')).toBe('а');
    expect(rawLiteral('payload über', 'json')).toBe('payload ');
    expect(rawLiteral('😀 x', 'json')).toBe('😀 x');
    expect(rawLiteral('a', 'json')).toBeUndefined();
    expect(rawLiteral('&<', 'xml')).toBeUndefined();
  });

  it('refuses to scan records whose text the parser rewrites', () => {
    expect(walk(xmlRecord("<Data Name='Image'>x</Data>"), 'xml').ok).toBe(true);
    expect(walk(xmlRecord("<Data Name='Image'>&#109;</Data>"), 'xml').ok).toBe(false);
    expect(walk(xmlRecord("<Data Name='Image'><![CDATA[x]]></Data>"), 'xml').ok).toBe(false);
    expect(walk(xmlRecord("<Data Name='Image'>a<!-- b -->c</Data>"), 'xml').ok).toBe(false);
    expect(walk(xmlRecord("<Data Name='Image'>MIMI\u212aATZ</Data>"), 'xml').ok).toBe(false);
    expect(walk(xmlRecord("<Data Name='Image'>x</Dat>"), 'xml').ok).toBe(false);
    expect(walk(jsonRecord('"Image":"C:\\\\users\\\\x"'), 'json').ok).toBe(true);
    expect(walk(jsonRecord('"Image":"\\u006d"'), 'json').ok).toBe(false);
    expect(walk(jsonRecord('"Image":"\\\\\\u006d"'), 'json').ok).toBe(false);
    expect(walk(jsonRecord('"Image":"a\\/b"'), 'json').ok).toBe(false);
    expect(walk(jsonRecord('"N":1e1'), 'json').ok).toBe(false);
    expect(walk(jsonRecord('"N":[1,2.5]'), 'json').ok).toBe(false);
    expect(walk(jsonRecord('"N":1234567890123456'), 'json').ok).toBe(false);
    expect(walk(jsonRecord('"N":[{"a":"b"}]'), 'json').ok).toBe(false);
    expect(walk(jsonRecord('"Image":"MIMI\u212aATZ"'), 'json').ok).toBe(false);
    expect(walk(jsonRecord('"Image":"\u0130"'), 'json').ok).toBe(false);
    // Not one well-formed object: left to the parser, which says what is wrong.
    expect(walk(jsonRecord('"Image":"x" "y"'), 'json').ok).toBe(false);
    expect(walk(jsonRecord('"Image":nope'), 'json').ok).toBe(false);
    expect(walk(`${jsonRecord('"Image":"x"').trim()} {}`, 'json').ok).toBe(false);
    expect(walk('{"Event":{"System":{', 'json').ok).toBe(false);
  });

  it('gives values only: names, markup and the namespace stay out of the scan', () => {
    const json = walk(
      '{"Event":{"System":{"Channel":"Security","EventID":4624},"EventData":{"Image":"C:\\\\x","N":[1,"two",null]}}}',
      'json',
    );
    expect(json.values).toEqual(['Security', '4624', 'C:\\\\x', '1', 'two', 'null']);
    const xml = walk(
      "<Event xmlns='urn:e' a='b'><System><Provider Name='P'/><Channel>Security</Channel></System>" +
        "<EventData><Data Name='Image'>C:\\x</Data><Data>plain</Data></EventData>" +
        "<UserData><R xmlns='urn:u' Name='kept'/></UserData></Event>",
      'xml',
    );
    expect(xml.ok).toBe(true);
    expect(xml.values).toEqual(['P', 'Security', 'C:\\x', 'plain', 'kept']);
  });

  it('leaves out of an evtx_dump record what its view leaves out: Event attributes and text, xmlns attributes', () => {
    const json = walk(
      '{"Event":{"#attributes":{"xmlns":"http://e/","Other":"gone"},"#text":"gone too",' +
        '"System":{"Provider":{"#attributes":{"Name":"P","xmlns:x":"http://p/"}},"Channel":"Security","EventID":4624},' +
        '"EventData":{"#attributes":{"xmlns":"http://d/","Name":"kept"},"xmlns":"a field","Image":"C:\\\\x"},' +
        '"UserData":{"R":{"#attributes":{"xmlns":"http://u/","Id":"7"},"#text":"t"}}}}',
      'json',
    );
    expect(json.ok).toBe(true);
    expect(json.key).toBe('Security/4624');
    expect(json.values).toEqual(['P', 'Security', '4624', 'kept', 'a field', 'C:\\\\x', '7', 't']);
    // Outside an Event object (flat JSON, ECS) every value is the view's: nothing is left out.
    const flat = walk('{"#attributes":{"xmlns":"http://f/"},"x":{"#attributes":{"xmlns":"y"}}}', 'json');
    expect(flat.values).toEqual(['http://f/', 'y']);
  });
});

describe('raw channel and event id', () => {
  it('reads them from the System block of XML and evtx_dump JSON', () => {
    expect(walk(xmlRecord(''), 'xml').key).toBe(`${SYSMON}/1`);
    expect(walk(jsonRecord('', '1'), 'json').key).toBe(`${SYSMON}/1`);
    const q = jsonRecord('', '{"#attributes":{"Qualifiers":16384},"#text":7045}');
    expect(walk(q, 'json').key).toBe(`${SYSMON}/7045`);
    expect(walk(jsonRecord('', '"7045"'), 'json').key).toBe(`${SYSMON}/7045`);
    const qx = xmlRecord('').replace('<EventID>1</EventID>', "<EventID Qualifiers='16384'>7045</EventID>");
    expect(walk(qx, 'xml').key).toBe(`${SYSMON}/7045`);
  });

  it('gives up on anything it cannot place with certainty', () => {
    const twice = xmlRecord('').replace('<Computer>', '<Channel>Security</Channel><Computer>');
    expect(walk(twice, 'xml').key).toBeUndefined();
    const nested = xmlRecord('').replace(
      `<Channel>${SYSMON}</Channel>`,
      `<X><Channel>${SYSMON}</Channel></X>`,
    );
    expect(walk(nested, 'xml').key).toBeUndefined();
    const prefixed = xmlRecord('').replace(/<(\/?)Channel>/g, '<$1e:Channel>');
    expect(walk(prefixed, 'xml').key).toBeUndefined();
    expect(
      walk(xmlRecord('').replace('<EventID>1</EventID>', '<EventID> 1</EventID>'), 'xml').key,
    ).toBeUndefined();
    // A Channel leaf in the data (the 104 event has one) is not the System channel.
    expect(walk(jsonRecord('"Channel":"Security"'), 'json').key).toBe(`${SYSMON}/1`);
    expect(walk(jsonRecord('', '"01x"'), 'json').key).toBeUndefined();
    expect(walk(jsonRecord('').replace('"Channel":"', '"Channel":"a\\\\'), 'json').key).toBeUndefined();
    expect(
      walk(jsonRecord('').replace('"Computer"', '"Channel":"Security","Computer"'), 'json').key,
    ).toBeUndefined();
    expect(walk(jsonRecord('').replace('"System":{', '"System":{"EventID":2,'), 'json').key).toBeUndefined();
    expect(walk(`{"Channel":"${SYSMON}","EventID":1}`, 'json').key).toBeUndefined();
    expect(walk(`{"X":1,${jsonRecord('').slice(1)}`, 'json').key).toBeUndefined();
  });
});

describe('warming the JSON walk', () => {
  it('leaves what the walk finds, and the records it is given, as they were', () => {
    const records = [
      jsonRecord('"Image":"C:\\\\x.exe","CommandLine":"a \\"b\\" c"'),
      jsonRecord('', '{"#attributes":{"Qualifiers":16384},"#text":7045}'),
      jsonRecord('"Data":[{"#text":"x"},"y"]'),
      '{"EventID":4688,"Channel":"Security"}',
      '{"Event":{"System":{"Channel":"a"',
    ];
    const rec = new RawRecord();
    const before = records.map((r) => walk(r, 'json'));
    const b = Buffer.from(records[0]!);
    walkJson(b, 0, b.length, rec);
    const ranges = [...rec.ranges.subarray(0, 2 * rec.count)];
    warmJsonWalk();
    warmJsonWalk();
    expect(records.map((r) => walk(r, 'json'))).toEqual(before);
    expect(before[0]!.values).toContain('C:\\\\x.exe');
    expect([...rec.ranges.subarray(0, 2 * rec.count)]).toEqual(ranges);
  });
});

describe('Aho–Corasick with folding', () => {
  it('matches literals whatever the case of the text, in and outside ASCII', () => {
    const ac = new AhoCorasick(['mimikatz', 'атака', 'zz'], true);
    const found = (t: string): number[] => {
      const out: number[] = [];
      ac.scan(t, (id) => out.push(id));
      return out;
    };
    expect(found('C:\\MimiKatz.exe')).toEqual([0]);
    expect(found('MIMI\u212aATZ')).toEqual([0]);
    expect(found('АТАКА')).toEqual([1]);
    expect(found('zzz')).toEqual([2, 2]);
    expect(found('nothing here')).toEqual([]);
  });

  it('scans values apart, case folded, and never misses what a lower-cased comparison finds', () => {
    // Characters whose lower case is not one unit alone: capital I with a dot (two units), capital
    // sigma (two lower cases by context), a cased character outside the BMP (a pair), Kelvin sign.
    const values = [
      'C:\\WİNDOWS\\System32',
      'ΟΔΟΣ ΑΣ',
      '\u{10400}BC-TOOL',
      'MIMI\u212aATZ',
      '😀 PAYLOAD',
      'x\u0130\u0307y',
    ];
    const literals = [
      'wi',
      'windows',
      'i\u0307n',
      'οδος',
      'οδοσ',
      'ας',
      'ασ',
      '\u{10428}bc-tool',
      'bc-tool',
      'mimikatz',
      '😀 payload',
      'payload',
      'xi\u0307',
      'i\u0307y',
      'xy',
    ];
    for (const lit of literals) {
      const piece = rawLiteral(lit, 'plain');
      const expected = values.some((v) => v.toLowerCase().includes(lit));
      if (piece === undefined) continue; // evaluated on every event: nothing to lose
      const ac = new AhoCorasick([piece], true);
      let found = false;
      ac.scanValues(values, () => {
        found = true;
      });
      if (expected) expect(found, lit).toBe(true);
    }
    // The scan starts afresh at each value: nothing matches across two of them.
    const ac = new AhoCorasick(['ab'], true);
    let across = 0;
    ac.scanValues(['xa', 'bx'], () => across++);
    expect(across).toBe(0);
    expect(rawLiteral('\u{10428}bc-tool', 'plain')).toBe('bc-tool');
    expect(rawLiteral('😀 payload', 'plain')).toBe('😀 payload');
    expect(rawLiteral('οδος', 'plain')).toBe('οδο');
  });

  it('matches a long literal on its last characters (a necessary condition still)', () => {
    const long = 'abcdefghijklmnopqrstuvwxyz';
    const ac = new AhoCorasick([long]);
    let hits = 0;
    ac.scan(long.slice(-MAX_LITERAL), () => hits++);
    expect(hits).toBe(1);
  });
});

describe('screening raw records before parsing', () => {
  const mimi = rule(1, "    sel:\n        Image|endswith: '\\mimikatz.exe'\n    condition: sel");

  it('turns away a record holding only the end of a long literal, and keeps one holding it whole', async () => {
    // Longer than the automaton keeps (MAX_LITERAL): its last characters, `\system32\`, are in
    // most process records; the whole literal is checked on each report of them.
    const trusted = rule(
      1,
      "    sel:\n        Image|contains: 'C:\\Windows \\System32\\'\n    condition: sel",
    );
    const rs = await rules(trusted);
    const ending = jsonRecord('"Image":"C:\\\\Windows\\\\System32\\\\cmd.exe"');
    expect(screened(rs, ending, 'ndjson')).toEqual({ hits: [], unparsed: 1 });
    const whole = jsonRecord('"Image":"c:\\\\WINDOWS \\\\system32\\\\cmd.exe"');
    expect(screened(rs, whole, 'ndjson')).toEqual({ hits: [0], unparsed: 0 });
    // A value that is the literal and nothing else.
    const first = jsonRecord('"Image":"C:\\\\Windows \\\\System32\\\\"');
    expect(screened(rs, first, 'ndjson')).toEqual({ hits: [0], unparsed: 0 });
    // A parsed event's values (XML, not scanned raw by default) keep the weaker check: still a hit.
    const xml = xmlRecord("<Data Name='Image'>C:\\Windows \\System32\\cmd.exe</Data>");
    expect(screened(rs, xml, 'xml', {}).hits).toEqual([0]);
  });

  it('reports every rule it evaluates, and whether it matched, when asked (bench/screen.mjs)', async () => {
    const other = rule(
      2,
      "    sel:\n        CommandLine|contains: 'mimikatz'\n        User: 'x'\n    condition: sel",
    );
    const rs = await rules(mimi, other);
    const seen: [number, boolean][] = [];
    const text = jsonRecord('"Image":"C:\\\\t\\\\mimikatz.exe","CommandLine":"mimikatz","User":"y"');
    const opts = { rawScan: true, onEvaluated: (r: number, m: boolean) => seen.push([r, m]) };
    expect(screened(rs, text, 'ndjson', opts).hits).toEqual([0]);
    expect(seen).toEqual([
      [0, true],
      [1, false],
    ]);
  });

  it('checks a long literal in bytes as the byte scan reads them', () => {
    const b = Buffer.from('xx C:\\WINDOWS \\System32\\ yy');
    const lit = 'c:\\windows \\system32\\';
    const end = b.indexOf('32\\') + 2;
    expect(endsWithBytes(b, end, lit)).toBe(true);
    expect(endsWithBytes(b, end - 1, lit)).toBe(false);
    expect(endsWithBytes(b, lit.length - 2, lit)).toBe(false);
    // Bytes past ASCII are compared as they are; a tab or line break reads as a space.
    const accented = Buffer.from('\u00e9t\u00e9 long word');
    const accentedLit = latin1Bytes('\u00e9t\u00e9 long word');
    expect(endsWithBytes(accented, accented.length - 1, accentedLit)).toBe(true);
    const upper = Buffer.from('\u00c9T\u00c9 LONG WORD');
    expect(endsWithBytes(upper, upper.length - 1, accentedLit)).toBe(false);
    const broken = Buffer.from('a\nlong literal here');
    expect(endsWithBytes(broken, broken.length - 1, 'a long literal here')).toBe(true);
  });

  it('passes over records no rule can match, in both formats', async () => {
    const rs = await rules(mimi);
    const xml = screened(rs, xmlRecord("<Data Name='Image'>C:\\Windows\\notepad.exe</Data>"), 'xml');
    expect(xml).toEqual({ hits: [], unparsed: 1 });
    const json = screened(rs, jsonRecord('"Image":"C:\\\\Windows\\\\notepad.exe"'), 'ndjson');
    expect(json).toEqual({ hits: [], unparsed: 1 });
    // Another channel: no rule at all.
    const other = xmlRecord("<Data Name='Image'>C:\\x\\mimikatz.exe</Data>").replace(SYSMON, 'Application');
    expect(screened(rs, other, 'xml')).toEqual({ hits: [], unparsed: 1 });
  });

  it('never loses a match hidden by case, entities, CDATA, comments or escapes', async () => {
    const rs = await rules(mimi);
    const xmlValues = [
      'C:\\Tools\\mimikatz.exe',
      'C:\\TOOLS\\MIMIKATZ.EXE',
      'C:\\Tools\\&#109;imikatz.exe',
      'C:\\Tools\\&#x6D;imikatz.exe',
      'C:\\Tools\\mimi<![CDATA[katz]]>.exe',
      'C:\\Tools\\mimi<!-- split -->katz.exe',
      'C:\\Tools\\MIMI\u212aATZ.EXE',
    ];
    for (const v of xmlValues) {
      expect(screened(rs, xmlRecord(`<Data Name='Image'>${v}</Data>`), 'xml').hits, v).toEqual([0]);
    }
    const jsonValues = [
      'C:\\\\Tools\\\\mimikatz.exe',
      'C:\\\\TOOLS\\\\MIMIKATZ.EXE',
      'C:\\\\Tools\\\\\\u006dimikatz.exe',
      'C:\\u005cTools\\u005cmimikatz.exe',
      'C:\\\\Tools\\\\MIMI\u212aATZ.EXE',
    ];
    for (const v of jsonValues) {
      expect(screened(rs, jsonRecord(`"Image":"${v}"`), 'ndjson').hits, v).toEqual([0]);
    }
  });

  it('follows the view through value normalisation: hex padding, GUID braces, JSON numbers', async () => {
    const rs = await rules(
      rule(1, "    sel:\n        LogonId: '0x3e7'\n    condition: sel"),
      rule(2, "    sel:\n        LogonGuid|contains: '{5770385f-'\n    condition: sel"),
      rule(3, "    sel:\n        TerminalSessionId: '10'\n    condition: sel"),
    );
    const xml = xmlRecord("<Data Name='LogonId'>0x00000000000003E7</Data>");
    expect(screened(rs, xml, 'xml').hits).toEqual([0]);
    const guid = xmlRecord("<Data Name='LogonGuid'>5770385F-C22A-43E0-BF4C-06F5698FFBD9</Data>");
    expect(screened(rs, guid, 'xml').hits).toEqual([1]);
    expect(screened(rs, jsonRecord('"TerminalSessionId":1e1'), 'ndjson').hits).toEqual([2]);
    expect(screened(rs, jsonRecord('"TerminalSessionId":10'), 'ndjson').hits).toEqual([2]);
    expect(screened(rs, jsonRecord('"TerminalSessionId":11'), 'ndjson')).toEqual({ hits: [], unparsed: 1 });
  });

  it('turns away a record whose only match is in the namespace the view leaves out', async () => {
    const rs = await rules(rule(1, "    sel:\n        CommandLine|contains: '://'\n    condition: sel"));
    expect(screened(rs, jsonRecord('"CommandLine":"notepad"'), 'ndjson')).toEqual({ hits: [], unparsed: 1 });
    expect(screened(rs, jsonRecord('"CommandLine":"curl http://x"'), 'ndjson')).toEqual({
      hits: [0],
      unparsed: 0,
    });
  });

  it('holds an anchored literal to its place in the value: endswith, startswith, a whole value', async () => {
    const rs = await rules(
      rule(1, "    sel:\n        ShareName|endswith: 'c$'\n    condition: sel"),
      rule(2, "    sel:\n        Image|startswith: 'c:\\tools\\'\n    condition: sel"),
      rule(3, "    sel:\n        IntegrityLevel: 'System'\n    condition: sel"),
    );
    const run = (data: string) => screened(rs, jsonRecord(data), 'ndjson');
    expect(run('"ShareName":"\\\\\\\\*\\\\C$"')).toEqual({ hits: [0], unparsed: 0 });
    expect(run('"ShareName":"\\\\\\\\*\\\\C$x","Other":"c$ share"')).toEqual({ hits: [], unparsed: 1 });
    expect(run('"Image":"C:\\\\Tools\\\\x.exe"')).toEqual({ hits: [1], unparsed: 0 });
    expect(run('"Image":"D:\\\\c:\\\\tools\\\\x.exe"')).toEqual({ hits: [], unparsed: 1 });
    expect(run('"IntegrityLevel":"SYSTEM"')).toEqual({ hits: [2], unparsed: 0 });
    expect(run('"IntegrityLevel":"SystemHigh","User":"NT AUTHORITY\\\\SYSTEM"')).toEqual({
      hits: [],
      unparsed: 1,
    });
    // A value the view splits into a list (`<string>…</string>` items): the item ends in c$.
    expect(run('"ShareName":"<string>a</string><string>\\\\\\\\*\\\\C$</string>"').hits).toEqual([0]);
    const xml = xmlRecord(
      "<Data Name='IntegrityLevel'>SystemHigh</Data><Data Name='Image'>c:\\tools\\y</Data>",
    );
    /** The record screened and matched as a worker does, with the rules each evaluation reached. */
    const evaluate = (opts: CompileOptions): { hits: number[]; evaluated: number[] } => {
      const evaluated: number[] = [];
      const engine = compileSigma(rs, { ...opts, onEvaluated: (r) => evaluated.push(r) });
      const hits: number[] = [];
      parseChunk(
        { format: 'xml', data: Buffer.from(xml), offset: 0, line: 1 },
        'test',
        (ev) => engine.matchScreened(ev, (r) => hits.push(r)),
        () => undefined,
        { screen: (b, from, to, f) => engine.screen(b, from, to, f) },
      );
      return { hits, evaluated };
    };
    // Parsed values (XML) are checked the same way, value by value: the rule is not even evaluated.
    const parsed = evaluate({});
    expect(parsed.hits).toEqual([1]);
    expect(parsed.evaluated).toEqual([1]);
    // Scanned raw (rawXml), an XML record's ranges do not hold anchors (rule-index.ts, anchorBits):
    // the whole-value rule is evaluated too, and the hits are the same.
    const raw = evaluate({ rawXml: true });
    expect(raw.hits).toEqual([1]);
    expect(raw.evaluated).toEqual([1, 2]);
  });

  it('reads the key from the parsed event when the raw one cannot be trusted', async () => {
    const rs = await rules(mimi);
    // A UserData-style Channel leaf and a prefixed System channel: the raw key is refused.
    const odd = xmlRecord("<Data Name='Image'>C:\\x\\mimikatz.exe</Data>").replace(
      `<Channel>${SYSMON}</Channel>`,
      `<e:Channel xmlns:e='urn:x'>${SYSMON}</e:Channel>`,
    );
    expect(screened(rs, odd, 'xml')).toEqual({ hits: [0], unparsed: 0 });
  });

  it('without the raw literal scan, turns away only records whose channel and event id no rule reads', async () => {
    const rs = await rules(mimi);
    const run = (text: string) => screened(rs, text, 'xml', { rawScan: false });
    const notepad = xmlRecord("<Data Name='Image'>C:\\Windows\\notepad.exe</Data>");
    expect(run(notepad)).toEqual({ hits: [], unparsed: 0 });
    expect(run(notepad.replace(SYSMON, 'Application'))).toEqual({ hits: [], unparsed: 1 });
    expect(run(xmlRecord("<Data Name='Image'>C:\\x\\MIMIKATZ.exe</Data>"))).toEqual({
      hits: [0],
      unparsed: 0,
    });
  });

  it('reads only the key of XML records by default, and none when a rule reads every channel', async () => {
    const run = (rs: SigmaRuleIR[], text: string) => screened(rs, text, 'xml', {});
    const rs = await rules(mimi);
    const notepad = xmlRecord("<Data Name='Image'>C:\\Windows\\notepad.exe</Data>");
    expect(run(rs, notepad)).toEqual({ hits: [], unparsed: 0 });
    expect(run(rs, notepad.replace(SYSMON, 'Application'))).toEqual({ hits: [], unparsed: 1 });
    // A second System block later in the record leaves the key uncertain: the record is parsed.
    const twice = notepad.replace(SYSMON, 'Application').replace('</EventData>', '</EventData><System/>');
    expect(run(rs, twice).unparsed).toBe(0);
    const everywhere = await rules(
      mimi,
      "title: kw\nid: 00000000-0000-0000-0000-000000000009\nlogsource:\n    product: windows\ndetection:\n    keywords:\n        - 'mimikatz'\n    condition: keywords\n",
    );
    expect(run(everywhere, notepad.replace(SYSMON, 'Application')).unparsed).toBe(0);
  });

  it('keeps malformed lines visible: a line that is not an object is parsed and warned about', async () => {
    const rs = await rules(mimi);
    const engine = compileSigma(rs, { rawScan: true });
    const warnings: string[] = [];
    const st = parseChunk(
      { format: 'ndjson', data: Buffer.from('{"Event":{"System":{\n'), offset: 0, line: 1 },
      'test',
      () => undefined,
      (w) => warnings.push(w.message),
      { screen: (b, from, to, f) => engine.screen(b, from, to, f) },
    );
    expect(st.skipped).toBe(1);
    expect(warnings.length).toBe(1);
  });
});

describe('screens: where the screen can turn a record away', () => {
  const anyChannel = `title: any\nid: 00000000-0000-0000-0000-0000000000a1\nlogsource:\n    product: windows\ndetection:\n    sel:\n        Image|endswith: '\\evil.exe'\n    condition: sel\n`;

  it('over XML only without a rule that reads every channel (or with the raw XML scan); NDJSON always', async () => {
    const bound = await rules(rule(1, "    sel:\n        Image|endswith: '\\cmd.exe'\n    condition: sel"));
    const both = await rules(
      rule(2, "    sel:\n        Image|endswith: '\\cmd.exe'\n    condition: sel"),
      anyChannel,
    );
    expect(compileSigma(bound).screens('xml')).toBe(true);
    expect(compileSigma(both).screens('xml')).toBe(false);
    expect(compileSigma(both, { rawScan: true, rawXml: true }).screens('xml')).toBe(true);
    for (const rs of [bound, both]) expect(compileSigma(rs).screens('ndjson')).toBe(true);
    // Matching without the screen finds what matching with it does.
    const text =
      xmlRecord("<Data Name='Image'>C:\\x\\evil.exe</Data>") +
      xmlRecord("<Data Name='Image'>C:\\x\\cmd.exe</Data>");
    const engine = compileSigma(both);
    const plain: number[] = [];
    parseChunk(
      { format: 'xml', data: Buffer.from(text), offset: 0, line: 1 },
      'test',
      (ev) => engine.match(ev, (r) => plain.push(r)),
      () => undefined,
    );
    expect(plain.sort()).toEqual(screened(both, text, 'xml', {}).hits.sort());
    expect(plain).toHaveLength(2);
  });
});
