import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { type Event, parseChunk } from '../../src/event/index.js';
import { readChunks } from '../../src/input/index.js';
import { JsonFlattener, objectSpansLines } from '../../src/input/json-layout.js';
import { readFile } from './read-file.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SAMPLES = path.resolve(here, '../../fixtures/samples');
const FIX = path.resolve(here, '../fixtures/input');
const tmp = mkdtempSync(path.join(tmpdir(), 'spoor-layout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function put(name: string, data: Uint8Array | string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, data);
  return p;
}

async function read(file: string, chunkBytes?: number) {
  const r = await readFile(file, chunkBytes);
  return { ...r, byOffset: r.chunks.map((c) => c.byOffset === true) };
}

const fields = (r: { events: readonly { fields: object }[] }) => r.events.map((e) => ({ ...e.fields }));

/** The objects of an NDJSON file. */
function objects(file: string): unknown[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

const NDJSON = path.join(SAMPLES, 'sysmon-evtx_dump.ndjson');
const SHAPES = path.join(FIX, 'shapes.ndjson');

function rewritten(text: string, cuts: number[] = []): string {
  const b = Buffer.from(text);
  const f = new JsonFlattener();
  let from = 0;
  for (const cut of [...cuts, b.length]) {
    f.rewrite(b, from, cut);
    from = cut;
  }
  return b.toString();
}

describe('JsonFlattener', () => {
  const pretty = `[\n  {\n    "a": "x,\\"}]{[\\\\",\n    "b": [1, {"c": "\\n"}],\r\n    "d": {}\n  },\n  {"e": 2}\n]\n`;

  it('puts each object of a pretty array on a line of its own, byte for byte, strings untouched', () => {
    const out = rewritten(pretty);
    expect(out).toHaveLength(pretty.length);
    const lines = out.split('\n').filter((l) => l.trim() !== '');
    expect(lines.map((l) => JSON.parse(l))).toEqual(JSON.parse(pretty));
    // The string with braces, brackets, commas, escaped quotes and backslashes is as it was.
    expect(out).toContain('"x,\\"}]{[\\\\"');
  });

  it('keeps its place between pieces: any cut gives what the whole does', () => {
    const whole = rewritten(pretty);
    for (let i = 0; i <= pretty.length; i++) {
      expect(rewritten(pretty, [i]), `cut at ${i}`).toBe(whole);
      expect(rewritten(pretty, [i, Math.min(pretty.length, i + 3)])).toBe(whole);
    }
  });

  it('splits a compact array and leaves compact lines as they are', () => {
    expect(rewritten('[{"a":1},{"b":[2,3]}]')).toBe(' {"a":1}\n{"b":[2,3]}\n');
    const nd = '{"a":[1,2]}\n{"b":"]"}\n';
    expect(rewritten(nd)).toBe(nd);
  });

  it('starts afresh after a raw line break inside a string, so one broken record is all that is lost', () => {
    const out = rewritten('{\n "a": "broken\n}\n{\n "b": 1\n}\n');
    const lines = out.split('\n');
    expect(lines.at(-2)).toBe('{  "b": 1 }');
  });
});

describe('objectSpansLines', () => {
  it('tells a pretty object from a compact one, and says when it cannot tell', () => {
    const b = (s: string) => Buffer.from(s);
    expect(objectSpansLines(b('{\n"a":1}'), 0)).toBe(true);
    expect(objectSpansLines(b('{"a":"{\\"}"}\n{\n'), 0)).toBe(false);
    expect(objectSpansLines(b('{"a":{"b":'), 0)).toBeUndefined();
  });
});

describe('reading JSON that is not one object a line', () => {
  const objs = objects(NDJSON);
  const layouts: Record<string, string> = {
    'pretty objects': objs.map((o) => JSON.stringify(o, null, 2)).join('\n'),
    'pretty array (ConvertTo-Json, jq .)': JSON.stringify(objs, null, 4),
    'compact array': JSON.stringify(objs),
    "evtx_dump's -o json": objs.map((o, i) => `Record ${i + 1}\n${JSON.stringify(o, null, 2)}`).join('\n'),
    'pretty objects, CRLF': objs.map((o) => JSON.stringify(o, null, 2).replace(/\n/g, '\r\n')).join('\r\n'),
  };

  it('gives the events the NDJSON does, each named by the offset of its {', async () => {
    const want = fields(await read(NDJSON));
    expect(want).toHaveLength(3);
    for (const [name, text] of Object.entries(layouts)) {
      const file = put(`${name.replace(/\W+/g, '-')}.json`, `${text}\n`);
      const bytes = readFileSync(file);
      for (const size of [undefined, 1, 50]) {
        const r = await read(file, size);
        expect(fields(r), `${name} @${size}`).toEqual(want);
        expect(r.warnings, name).toEqual([]);
        expect(r.byOffset.every((b) => b)).toBe(true);
        for (const s of r.sources) {
          expect(s.line).toBeUndefined();
          expect(bytes[s.offset!], `${name}: offset ${s.offset}`).toBe(0x7b);
        }
      }
    }
  });

  it('reads the same through gzip and UTF-16 (PowerShell 5.1 Out-File)', async () => {
    const text = `${layouts['pretty array (ConvertTo-Json, jq .)']}\n`;
    const want = fields(await read(NDJSON));
    const gz = await read(put('array.json.gz', gzipSync(Buffer.from(text))));
    const u16 = await read(
      put('array-utf16.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])),
    );
    expect(fields(gz)).toEqual(want);
    expect(fields(u16)).toEqual(want);
  });

  it('names a broken record by its offset and reads on', async () => {
    const good = objects(SHAPES);
    const parts = good.map((o) => JSON.stringify(o, null, 2));
    const broken = '{\n  "Channel": "Security",\n  "EventID": \n}';
    const text = `${parts[0]}\n${broken}\n${parts.slice(1).join('\n')}\n`;
    const file = put('broken.json', text);
    const r = await read(file);
    expect(r.events).toHaveLength(good.length);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.offset).toBe(text.indexOf(broken));
    expect(r.warnings[0]!.line).toBeUndefined();
    expect(r.warnings[0]!.message).toMatch(/malformed JSON/);
  });

  it('leaves NDJSON as it was: named by line, not rewritten', async () => {
    const r = await read(NDJSON);
    expect(r.byOffset.every((b) => !b)).toBe(true);
    const lines = readFileSync(NDJSON, 'utf8')
      .split('\n')
      .flatMap((l, i) => (l.trim() === '' ? [] : [i + 1]));
    expect(r.sources.map((s) => s.line)).toEqual(lines);
  });
});

describe('resuming JSON that is not one object a line', () => {
  it('reads on from a checkpoint in a growing pretty file, rewritten as from the start', async () => {
    const objs = objects(path.join(FIX, 'shapes.ndjson'));
    expect(objs.length).toBeGreaterThan(3);
    const half = objs.length >> 1;
    const pretty = (os: unknown[]) => os.map((o) => `${JSON.stringify(o, null, 2)}\n`).join('');
    const file = put('growing.json', pretty(objs.slice(0, half)));
    const f = { path: file, display: 'growing.json', size: 0 };
    let end: { offset: number; line: number } | undefined;
    let first = 0;
    for await (const c of readChunks(f)) {
      end = c.end;
      parseChunk(
        c,
        f.display,
        () => first++,
        () => undefined,
      );
    }
    expect(first).toBe(half);
    writeFileSync(file, pretty(objs.slice(0, half)) + pretty(objs.slice(half)));
    const rest: Event[] = [];
    const offsets: number[] = [];
    const bytes = readFileSync(file);
    for await (const c of readChunks(f, { start: end! })) {
      expect(c.byOffset).toBe(true);
      parseChunk(
        c,
        f.display,
        (e, s) => {
          rest.push(e);
          offsets.push(s.offset!);
        },
        (w) => {
          throw new Error(w.message);
        },
      );
    }
    const whole = await read(file);
    expect(rest.map((e) => ({ ...e.fields }))).toEqual(fields(whole).slice(half));
    for (const o of offsets) expect(bytes[o]).toBe(0x7b);
  });
});
