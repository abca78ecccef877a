import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverInputs } from '../../src/input/index.js';
import { type ReadResult, readFile } from './read-file.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIX = path.resolve(here, '../fixtures/input');
const SAMPLES = path.resolve(here, '../../fixtures/samples');
const tmp = mkdtempSync(path.join(tmpdir(), 'spoor-input-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Result = ReadResult;
const read = readFile;

function put(name: string, data: Uint8Array | string): string {
  const p = path.join(tmp, name);
  writeFileSync(p, data);
  return p;
}

const fields = (r: Result) => r.events.map((e) => ({ ...e.fields }));

describe('readChunks', () => {
  it('sniffs XML and NDJSON from the content, not the name', async () => {
    const xml = put('looks-like.json', readFileSync(path.join(SAMPLES, 'security-wevtutil.xml')));
    const nd = put('looks-like.xml', readFileSync(path.join(SAMPLES, 'sysmon-evtx_dump.ndjson')));
    const a = await read(xml);
    const b = await read(nd);
    expect(a.chunks[0]!.format).toBe('xml');
    expect(b.chunks[0]!.format).toBe('ndjson');
    expect(a.events).toHaveLength(3);
    expect(b.events).toHaveLength(3);
    expect(a.warnings).toEqual([]);
  });

  it('gives the same events and sources whatever the chunk size, with boundaries inside records', async () => {
    for (const [dir, name] of [
      [FIX, 'shapes.xml'],
      [FIX, 'pretty-crlf.xml'],
      [FIX, 'shapes.ndjson'],
      [FIX, 'malformed.ndjson'],
      [FIX, 'truncated.xml'],
      [SAMPLES, 'sysmon-events.xml'],
    ] as const) {
      const file = path.join(dir, name);
      const whole = await read(file);
      for (const size of [1, 7, 64, 333]) {
        const small = await read(file, size);
        if (size < 100)
          expect(small.chunks.length, name).toBeGreaterThanOrEqual(Math.min(whole.events.length, 2));
        expect(fields(small), `${name} @${size}`).toEqual(fields(whole));
        expect(small.sources).toEqual(whole.sources);
        expect(small.warnings).toEqual(whole.warnings);
      }
    }
  });

  it('cuts XML right after </Event> and NDJSON right after a newline, with running offsets and lines', async () => {
    const r = await read(path.join(SAMPLES, 'sysmon-events.xml'), 100);
    const text = readFileSync(path.join(SAMPLES, 'sysmon-events.xml'));
    for (const c of r.chunks.slice(0, -1))
      expect(Buffer.from(c.data).toString().endsWith('</Event>')).toBe(true);
    for (const c of r.chunks) {
      expect(Buffer.compare(Buffer.from(c.data), text.subarray(c.offset, c.offset + c.data.length))).toBe(0);
      expect(c.line).toBe(text.subarray(0, c.offset).toString().split('\n').length);
    }
    expect(r.bytes).toBe(text.length);
    const nd = await read(path.join(FIX, 'shapes.ndjson'), 10);
    for (const c of nd.chunks.slice(0, -1)) expect(c.data[c.data.length - 1]).toBe(10);
  });

  it('decompresses gzip transparently (sniffed from the magic)', async () => {
    const src = readFileSync(path.join(SAMPLES, 'sysmon-evtx_dump.ndjson'));
    const gz = put('events.ndjson.gz', gzipSync(src));
    const noName = put('events.bin', gzipSync(src));
    const plain = await read(path.join(SAMPLES, 'sysmon-evtx_dump.ndjson'));
    expect(fields(await read(gz))).toEqual(fields(plain));
    expect(fields(await read(noName, 50))).toEqual(fields(plain));
  });

  it.skipIf(process.platform === 'win32')(
    'reads a pipe named as a path (a FIFO, or `<(zcat x.gz)` in a shell) in order: it cannot seek',
    async () => {
      const src = readFileSync(path.join(SAMPLES, 'sysmon-evtx_dump.ndjson'));
      const fifo = path.join(tmp, 'events.fifo');
      execFileSync('mkfifo', [fifo]);
      // The writer opens the pipe (blocking until the reader does) and writes the file into it.
      const writer = spawn('sh', [
        '-c',
        'cat "$1" > "$2"',
        'sh',
        path.join(SAMPLES, 'sysmon-evtx_dump.ndjson'),
        fifo,
      ]);
      const closed = new Promise((done) => writer.on('close', done));
      const r = await read(fifo);
      await closed;
      expect(r.warnings).toEqual([]);
      expect(r.bytes).toBe(src.length);
      expect(fields(r)).toEqual(fields(await read(path.join(SAMPLES, 'sysmon-evtx_dump.ndjson'))));
    },
  );

  it('reports corrupt gzip data as a warning', async () => {
    const gz = gzipSync(readFileSync(path.join(SAMPLES, 'sysmon-evtx_dump.ndjson')));
    const cut = put('cut.ndjson.gz', gz.subarray(0, gz.length - 20));
    const r = await read(cut);
    expect(r.warnings.some((w) => /gzip|unexpected end/i.test(w.message))).toBe(true);
  });

  it('transcodes UTF-16LE and UTF-16BE (with BOM) and UTF-8 with BOM', async () => {
    const text = readFileSync(path.join(FIX, 'pretty-crlf.xml'), 'utf8').replace(
      'ConsoleHost',
      'Cönsole€Host😀',
    );
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    const u8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    const ref = await read(put('plain.xml', text));
    expect(ref.events[1]!.get('Host')).toBe('Cönsole€Host😀');
    for (const [name, data] of [
      ['le.xml', le],
      ['be.xml', be],
      ['bom.xml', u8],
    ] as const) {
      for (const size of [undefined, 33]) {
        const r = await read(put(name, data), size);
        expect(r.warnings, name).toEqual([]);
        expect(fields(r), name).toEqual(fields(ref));
      }
    }
    const bom = await read(put('bom2.xml', u8));
    expect(bom.sources.map((s) => s.offset)).toEqual(ref.sources.map((s) => (s.offset ?? 0) + 3));
  });

  it('warns once, with no chunks, for binary, garbage, empty and blank files', async () => {
    const bin = put('evtx.xml', Buffer.from([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00, 0x01, 0x02]));
    for (const file of [
      bin,
      path.join(FIX, 'not-a-log.txt'),
      path.join(FIX, 'empty.xml'),
      path.join(FIX, 'blank.ndjson'),
    ]) {
      const r = await read(file);
      expect(r.chunks, file).toEqual([]);
      expect(r.warnings, file).toHaveLength(1);
      expect(r.warnings[0]!.file).toBe(path.basename(file));
    }
    // A binary EVTX file is named as one, with how to export it; either refusal drops the file whole.
    const evtx = (await read(bin)).warnings[0]!;
    expect(evtx.message).toMatch(
      /^a binary EVTX file, which spoor does not read \(export it first: wevtutil qe /,
    );
    expect(evtx.refused).toBe(true);
    const text = (await read(path.join(FIX, 'not-a-log.txt'))).warnings[0]!;
    expect(text.message).toMatch(/not an XML or NDJSON/);
    expect(text.refused).toBe(true);
    // An empty export is an export with no events, not a refusal (a scheduled export may be empty).
    const empty = (await read(path.join(FIX, 'empty.xml'))).warnings[0]!;
    expect(empty.message).toBe('empty file');
    expect(empty.refused).toBeUndefined();
    // Gzipped, it is still recognised.
    expect((await read(put('evtx.evtx.gz', gzipSync(readFileSync(bin))))).warnings[0]!.message).toMatch(
      /binary EVTX/,
    );
  });

  it('refuses XML with no event in it, naming a PowerShell CLIXML file as one; an empty export is read', async () => {
    const clixml = put(
      'events-clixml.xml',
      '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">\n<Obj RefId="0"><Props><I32 N="Id">4688</I32></Props></Obj>\n</Objs>\n',
    );
    const other = put('config.xml', '<?xml version="1.0"?>\n<configuration><EventLog/></configuration>\n');
    for (const [file, what] of [
      [
        clixml,
        /^a PowerShell CLIXML file \(Export-Clixml\), not an event export: export events with wevtutil qe /,
      ],
      [other, /^XML with no <Event> record: /],
    ] as const) {
      for (const size of [undefined, 8]) {
        const r = await read(file, size);
        expect(r.chunks, file).toEqual([]);
        expect(r.warnings).toHaveLength(1);
        expect(r.warnings[0]!.message).toMatch(what);
        expect(r.warnings[0]!.refused).toBe(true);
      }
    }
    // A prelude of a MiB with no event in it is not an export's.
    const long = put(
      'long-prelude.xml',
      `<root>${'<!-- pad -->'.repeat(100_000)}<Event><System/></Event></root>`,
    );
    expect((await read(long)).warnings[0]!.refused).toBe(true);
    // python-evtx's export of an empty log is an export.
    const empty = await read(
      put('empty-log.xml', '<?xml version="1.1" encoding="utf-8"?>\n<Events>\n</Events>\n'),
    );
    expect(empty.warnings).toEqual([]);
    expect(empty.events).toEqual([]);
  });

  it('reports a file that vanished before it was read', async () => {
    const r = await read(path.join(tmp, 'never-there.xml'));
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]!.message).toMatch(/read error/);
  });

  describe('a record longer than any event', () => {
    const ev = (n: number, pad = ''): string =>
      JSON.stringify({ Channel: 'Security', EventID: 4688, EventRecordID: n, CommandLine: `c${n}${pad}` });
    const times = (r: Result) => r.events.map((e) => e.fields.EventRecordID);

    it('is skipped to the next record with a warning at its line, the records around it read', async () => {
      const long = ev(2, 'A'.repeat(5000));
      const file = put('long.ndjson', `${ev(1)}\n${long}\n${ev(3)}\n${ev(4)}\n`);
      for (const chunk of [64, 256, 4096]) {
        const r = await read(file, chunk, 1024);
        expect(times(r), `chunk ${chunk}`).toEqual(['1', '3', '4']);
        expect(r.warnings).toEqual([
          {
            file: 'long.ndjson',
            line: 2,
            offset: ev(1).length + 1,
            message: 'record longer than 1024 bytes (no exported event is): skipped to the next record',
          },
        ]);
        // The records after it keep their own lines and offsets.
        expect(r.sources.map((s) => s.line)).toEqual([1, 3, 4]);
      }
      // Under the limit, the same record is read.
      expect(times(await read(file, 256, 8192))).toEqual(['1', '2', '3', '4']);
      expect(times(await read(file, 256))).toEqual(['1', '2', '3', '4']);
    });

    it('across many reads, in XML with lines inside it, and when the input ends inside it', async () => {
      const x = (n: number, body = ''): string =>
        `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>1</EventID><EventRecordID>${n}</EventRecordID><Channel>Security</Channel></System><EventData><Data Name="D">${body}</Data></EventData></Event>`;
      // 3 MiB of lines: more than one read of the file (1 MiB pieces), and lines to count.
      const body = 'line of a long record\n'.repeat(143_000);
      const file = put('long.xml', `<Events>\n${x(1)}\n${x(2, body)}\n${x(3)}\n</Events>\n`);
      const r = await read(file, 64 << 10, 1 << 20);
      expect(times(r)).toEqual(['1', '3']);
      expect(r.warnings).toHaveLength(1);
      expect(r.warnings[0]).toMatchObject({
        line: 3,
        message: expect.stringMatching(/^record longer than 1 MiB/),
      });
      const whole = await read(file);
      expect(times(whole)).toEqual(['1', '2', '3']);
      // The record after it keeps its own offset (XML records are named by offset).
      expect(r.sources[1]).toEqual(whole.sources[2]);
      expect(r.sources[1]!.offset).toBe(`<Events>\n${x(1)}\n${x(2, body)}\n`.length);

      const cut = put('long-cut.ndjson', `${ev(1)}\n${ev(2)}\n${ev(3, 'B'.repeat(3 << 20))}`);
      const c = await read(cut, 64 << 10, 1 << 20);
      expect(times(c)).toEqual(['1', '2']);
      expect(c.warnings).toEqual([
        expect.objectContaining({ line: 3, message: expect.stringMatching(/^record longer than 1 MiB/) }),
      ]);
    });
  });
});

describe('discoverInputs', () => {
  it('walks directories recursively, sorted, picking the input extensions (and .gz)', async () => {
    const dir = path.join(tmp, 'tree');
    const { mkdirSync } = await import('node:fs');
    for (const f of ['b/z.ndjson', 'b/a.JSON', 'a.xml', 'c/d/e.jsonl.gz', 'notes.txt', 'a.evtx']) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), '{}\n');
    }
    const { files, problems } = await discoverInputs([dir]);
    expect(problems).toEqual([]);
    expect(files.map((f) => path.relative(dir, f.path))).toEqual([
      'a.xml',
      'b/a.JSON',
      'b/z.ndjson',
      'c/d/e.jsonl.gz',
    ]);
    expect(files.every((f) => f.size === 3)).toBe(true);
  });

  it('takes explicit files whatever their name, stdin as -, and reports missing paths as problems', async () => {
    const note = path.join(FIX, 'not-a-log.txt');
    const missing = path.join(tmp, 'missing.xml');
    const { files, problems } = await discoverInputs([note, '-', missing, note]);
    expect(files.map((f) => f.path)).toEqual([note, '-']);
    expect(files[1]!.display).toBe('-');
    expect(problems).toEqual([{ path: missing, message: 'no such file or directory' }]);
  });

  it('reports a directory with nothing to read', async () => {
    const empty = path.join(tmp, 'empty-dir');
    (await import('node:fs')).mkdirSync(empty);
    const { files, problems } = await discoverInputs([empty]);
    expect(files).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).not.toMatch(/evtx/);
  });

  it('says so when a directory holds binary .evtx files and nothing spoor reads', async () => {
    const dir = path.join(tmp, 'evtx-only');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    for (const f of ['Security.evtx', 'sub/System.EVTX', 'sub/Old.evtx.gz', 'notes.txt'])
      writeFileSync(path.join(dir, f), 'x');
    const { files, problems } = await discoverInputs([dir]);
    expect(files).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(
      /found; 3 binary \.evtx files, which spoor does not read \(export them first: wevtutil qe /,
    );
    expect(problems[0]!.files).toBe(3);
  });

  it('names the binary .evtx files in a folder of exports that have no export beside them', async () => {
    const dir = path.join(tmp, 'evtx-mixed');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    const names = [
      'Security.evtx',
      'Security.xml',
      'System.evtx',
      'System.evtx.jsonl.gz',
      'Application.EVTX',
      'sub/Sysmon.evtx',
      'sub/PowerShell.evtx.gz',
      'sub/PowerShell.ndjson',
      'sub/Security.jsonl',
    ];
    for (const f of names) writeFileSync(path.join(dir, f), 'x');
    const { files, problems } = await discoverInputs([dir]);
    expect(files.map((f) => path.relative(dir, f.path))).toEqual([
      'Security.xml',
      'System.evtx.jsonl.gz',
      'sub/PowerShell.ndjson',
      'sub/Security.jsonl',
    ]);
    // Security, System and sub/PowerShell have their exports beside them; an export elsewhere
    // (sub/Security.jsonl) does not stand for Application or sub/Sysmon.
    expect(problems).toEqual([
      {
        path: dir,
        message: expect.stringMatching(
          /^2 binary \.evtx files with no export beside them, which spoor does not read \(export them first: wevtutil qe .*\): Application\.EVTX, sub.Sysmon\.evtx$/,
        ),
        files: 2,
      },
    ]);
    // All exported: nothing to say.
    writeFileSync(path.join(dir, 'Application.jsonl'), 'x');
    writeFileSync(path.join(dir, 'sub', 'Sysmon.xml'), 'x');
    expect((await discoverInputs([dir])).problems).toEqual([]);
  });

  it('names at most five unexported .evtx files and counts the rest', async () => {
    const dir = path.join(tmp, 'evtx-many');
    (await import('node:fs')).mkdirSync(dir);
    writeFileSync(path.join(dir, 'a.xml'), 'x');
    for (let i = 0; i < 8; i++) writeFileSync(path.join(dir, `log${i}.evtx`), 'x');
    const [p] = (await discoverInputs([dir])).problems;
    expect(p!.files).toBe(8);
    expect(p!.message).toMatch(/log4\.evtx, and 3 more$/);
    expect(p!.message).not.toMatch(/log5/);
  });
});
