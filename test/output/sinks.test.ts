import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, createSink, csvCell, type HitRecord } from '../../src/output/index.js';
import { displayWidth } from '../../src/output/text-width.js';
import { collector, makeHit } from './hits.js';

const plain = { color: false, width: 200, abbrev: true };

async function render(
  format: 'table' | 'jsonl' | 'json' | 'csv',
  hits: HitRecord[],
  opts = plain,
  tty = false,
) {
  const c = collector({ tty });
  const sink = createSink(format, c.stream, opts);
  for (const h of hits) sink.write(h);
  await sink.end();
  return c.text();
}

/** A strict RFC 4180 reader, to check what the CSV sink writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else cell += text[i++];
      }
    } else if (text[i] === ',') {
      row.push(cell);
      cell = '';
      i++;
    } else if (text.startsWith('\r\n', i)) {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
    } else cell += text[i++];
  }
  expect(cell).toBe('');
  expect(row).toEqual([]);
  return rows;
}

const hostile = makeHit({
  title: 'Rule\u001b[2Jwith escape',
  computer: 'HOST\u001b]0;owned\u0007',
  details: { CommandLine: 'cmd /c "echo \u001b[31mred\u001b[0m"\r\nnext \u202Eexe.txt' },
});

describe('jsonl', () => {
  it('writes one hit record per line, exactly', async () => {
    const hits = [makeHit(), makeHit({ level: 'low', hitId: 'aa' }), hostile];
    const lines = (await render('jsonl', hits)).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => JSON.parse(l))).toEqual(hits);
  });

  it('keeps control, C1 and bidi characters as \\u escapes, so a line is inert on a terminal', async () => {
    const hit = makeHit({ details: { CommandLine: 'a\u001b[2J\u009b\u202Eb\u2028' } });
    const text = await render('jsonl', [hit]);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e\u2028]/);
    expect(JSON.parse(text)).toEqual(hit);
  });

  it('escapes DEL in an otherwise ASCII line, and a lone C1 or bidi character in a non-ASCII one', async () => {
    for (const cmd of ['whoami\u007f', 'caf\u00e9 \u0085', '\u0434\u200f']) {
      const hit = makeHit({ details: { CommandLine: cmd } });
      const text = await render('jsonl', [hit]);
      expect(text, cmd).not.toMatch(/[\u007f-\u009f\u200f]/);
      expect(JSON.parse(text)).toEqual(hit);
    }
  });
});

describe('json', () => {
  it('writes one array of the hits', async () => {
    const hits = [makeHit(), hostile, makeHit({ timestamp: null, eventId: null })];
    expect(JSON.parse(await render('json', hits))).toEqual(hits);
    expect(JSON.parse(await render('json', []))).toEqual([]);
  });

  it('streams: records leave before the array is closed', async () => {
    const c = collector();
    const sink = createSink('json', c.stream, plain);
    sink.write(makeHit());
    sink.write(makeHit());
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(c.text().startsWith('[\n{')).toBe(true);
    expect(c.text()).not.toMatch(/\]\s*$/);
    await sink.end();
    expect(c.text().endsWith('\n]\n')).toBe(true);
  });
});

describe('csv', () => {
  it('writes a header and one RFC 4180 row per hit', async () => {
    const hits = [makeHit(), hostile, makeHit({ timestamp: null, computer: null, recordId: null })];
    const text = await render('csv', hits);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(4);
    const at = (r: string[], col: (typeof CSV_COLUMNS)[number]) => r[CSV_COLUMNS.indexOf(col)];
    expect(at(rows[1]!, 'timestamp')).toBe('2019-09-12T10:11:12.123Z');
    expect(at(rows[1]!, 'details')).toBe(
      'CommandLine: whoami /all ¦ Image: C:\\Windows\\System32\\whoami.exe ¦ ParentImage: C:\\Windows\\System32\\wsmprovhost.exe',
    );
    expect(at(rows[1]!, 'tags')).toBe('attack.execution attack.t1086');
    expect(at(rows[1]!, 'source_offset')).toBe('48213');
    expect(at(rows[2]!, 'details')).toContain('"echo \u001b[31mred\u001b[0m"\r\nnext');
    expect(at(rows[3]!, 'timestamp')).toBe('');
    expect(at(rows[3]!, 'record_id')).toBe('');
  });

  it('neutralises cells a spreadsheet would run as a formula', async () => {
    const hit = makeHit({
      computer: '=cmd|"/c calc"!A1',
      title: '@SUM(1+1)',
      channel: '+1',
      eventId: '-2+3',
    });
    const rows = parseCsv(await render('csv', [hit]));
    const r = rows[1]!;
    expect(r[CSV_COLUMNS.indexOf('computer')]).toBe('\'=cmd|"/c calc"!A1');
    expect(r[CSV_COLUMNS.indexOf('rule_title')]).toBe("'@SUM(1+1)");
    expect(r[CSV_COLUMNS.indexOf('channel')]).toBe("'+1");
    expect(r[CSV_COLUMNS.indexOf('event_id')]).toBe("'-2+3");
  });

  it('csvCell: the exact rule', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe('"\'\rx"');
    expect(csvCell('＝1+1')).toBe("'＝1+1");
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell('')).toBe('');
  });

  it('escapes cells for the terminal when written to one', async () => {
    const text = await render('csv', [hostile], plain, true);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('HOST\\e]0;owned\\x07');
    expect(text.split('\r\n')).toHaveLength(3);
  });
});

describe('table', () => {
  const hits = [
    makeHit(),
    makeHit({
      level: 'high',
      title: 'Suspicious Encoded PowerShell Command Line With A Rather Long Title That Has To Wrap',
      timestamp: '2019-09-12T11:00:00.000Z',
      details: {
        CommandLine: `powershell.exe -nop -w hidden -enc ${'SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA'.repeat(8)}`,
        Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      },
    }),
    makeHit({
      level: 'medium',
      channel: 'Security',
      eventId: 4624,
      computer: 'DC01.a-very-long-domain-name.contoso.local',
      title: 'Logon',
      details: { TargetUserName: 'admin', LogonType: '10', IpAddress: '10.1.2.3' },
    }),
    makeHit({ title: '日本語のルール名', computer: '计算机', details: { CommandLine: '漢字'.repeat(40) } }),
    hostile,
  ];

  it('renders the columns, a header, and rows in the order given', async () => {
    const text = await render('table', hits);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(
      /^Timestamp \(UTC\)\s+│ Computer\s+│ Channel\s+│ EventID │ RecordID │ Level │ Rule\s+│ Details$/,
    );
    expect(lines[2]).toContain('2019-09-12 10:11:12.123 │ WIN10.contoso.local');
    expect(lines[2]).toContain('│ Sysmon ');
    expect(lines[2]).toContain('│ crit  │ T1086 Remote PowerShell Session');
    expect(lines[2]).toContain('Cmdline: whoami /all ¦ Proc: C:\\Windows\\System32\\whoami.exe ¦ Parent:');
    const order = ['T1086', 'Suspicious Encoded', 'Logon', '日本語', 'Rule\\e[2J'].map((t) =>
      text.indexOf(t),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text).toContain('│ Sec ');
  });

  it('shows full channel names without abbreviations', async () => {
    const text = await render('table', [makeHit()], { ...plain, abbrev: false, width: 250 });
    expect(text).toContain('Microsoft-Windows-Sysmon/Operational');
  });

  it('never sends log content raw to the terminal: escapes are shown, colours are only its own', async () => {
    for (const color of [false, true]) {
      for (const width of [200, 80]) {
        const text = await render('table', [hostile], { ...plain, color, width });
        expect(text).toContain('Rule\\e[2Jwith escape');
        expect(text).toContain('HOST\\e]0;owned\\x07');
        expect(text).toContain('\\u202E');
        const withoutSgr = text.replace(/\u001b\[[0-9;]*m/g, '');
        expect(withoutSgr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
        expect(text.includes('\u001b')).toBe(color);
      }
    }
  });

  it('shows a multi-line value on one line in Details, other controls escaped', async () => {
    const hit = makeHit({ details: { PrivilegeList: 'SeBackupPrivilege\r\n\t\t\tSeDebugPrivilege\u0007' } });
    const text = await render('table', [hit]);
    expect(text).toContain('PrivilegeList: SeBackupPrivilege SeDebugPrivilege\\x07');
  });

  it('colours levels only when asked', async () => {
    const text = await render('table', hits.slice(0, 3), { ...plain, color: true });
    expect(text).toContain('\u001b[1;31mcrit ');
    expect(text).toContain('\u001b[38;5;208mhigh ');
    expect(text).toContain('\u001b[33mmed  ');
  });

  it('fits every line to the terminal width', async () => {
    for (const width of [250, 200, 160, 134, 120, 100, 80, 60]) {
      const text = await render('table', hits, { ...plain, width });
      for (const line of text.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(width);
    }
  });

  it('wraps Rule and Details within a row and cuts what is left with an ellipsis', async () => {
    const text = await render('table', [hits[1]!], { ...plain, width: 160 });
    const rows = text.trimEnd().split('\n').slice(2);
    expect(rows.length).toBe(3);
    expect(rows[2]!.endsWith('…')).toBe(true);
    expect(rows[1]).toMatch(/^\s+│/);
  });

  it('stacks each hit on a few lines when the terminal is narrow', async () => {
    const text = await render('table', [makeHit()], { ...plain, width: 80 });
    expect(text.split('\n').slice(4, 8)).toEqual([
      '2019-09-12 10:11:12.123  crit  T1086 Remote PowerShell Session',
      '    WIN10.contoso.local  Sysmon  1  #12345',
      '    Cmdline: whoami /all ¦ Proc: C:\\Windows\\System32\\whoami.exe ¦ Parent:',
      '    C:\\Windows\\System32\\wsmprovhost.exe',
    ]);
  });

  it('shows times in the chosen zone, daylight saving included', async () => {
    const winter = makeHit({ timestamp: '2024-01-15T12:00:00.000Z' });
    const summer = makeHit({ timestamp: '2024-07-15T12:00:00.000Z' });
    const ny = await render('table', [winter, summer], { ...plain, timezone: 'America/New_York' });
    expect(ny).toContain('Timestamp (America/New_York)');
    expect(ny).toContain('2024-01-15 07:00:00.000');
    expect(ny).toContain('2024-07-15 08:00:00.000');
    const tokyo = await render('table', [winter], { ...plain, timezone: 'Asia/Tokyo' });
    expect(tokyo).toContain('2024-01-15 21:00:00.000');
    const kolkata = await render('table', [winter], { ...plain, timezone: 'Asia/Kolkata' });
    expect(kolkata).toContain('2024-01-15 17:30:00.000');
    expect(() => createSink('table', collector().stream, { ...plain, timezone: 'Nowhere/Land' })).toThrow(
      /unknown time zone/,
    );
  });

  it('prints nothing when there are no hits, and shows correlation groups as details', async () => {
    expect(await render('table', [])).toBe('');
    const corr: HitRecord = {
      ...makeHit({ event: null, details: {}, eventId: null, recordId: null, channel: null }),
      group: { TargetUserName: 'bob' },
      count: 12,
      events: ['a', 'b'],
    };
    const text = await render('table', [corr]);
    expect(text).toContain('TgtUser: bob ¦ Count: 12 ¦ Events: 2');
  });
});

describe('backpressure and broken pipes', () => {
  it('reports a backlog on a slow stream and drains it', async () => {
    const c = collector({ highWaterMark: 1024, delayMs: 2 });
    const sink = createSink('jsonl', c.stream, plain);
    let sawBacklog = false;
    for (let i = 0; i < 2000; i++) {
      sink.write(makeHit({ hitId: String(i) }));
      if (sink.backlogged) {
        sawBacklog = true;
        await sink.drain();
      }
    }
    await sink.end();
    expect(sawBacklog).toBe(true);
    const lines = c.text().trimEnd().split('\n');
    expect(lines).toHaveLength(2000);
    expect(JSON.parse(lines[1999]!).hit_id).toBe('1999');
  });

  it('stops quietly when the reader goes away, and fails on other errors', async () => {
    const c = collector();
    const sink = createSink('jsonl', c.stream, plain);
    sink.write(makeHit());
    c.stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    sink.write(makeHit());
    await expect(sink.end()).resolves.toBeUndefined();

    const d = collector();
    const failing = createSink('csv', d.stream, plain);
    d.stream.emit('error', Object.assign(new Error('no space'), { code: 'ENOSPC' }));
    await expect(failing.end()).rejects.toThrow('no space');
  });
});

describe('buffered writer', () => {
  it('copies pushed bytes at once: the caller may reuse their memory before the write', async () => {
    const { BufferedWriter } = await import('../../src/output/buffered-writer.js');
    const c = collector();
    const w = new BufferedWriter(c.stream);
    const mem = Buffer.from('first\n');
    w.push(mem);
    mem.write('XXXXX\n');
    w.push('text\n');
    w.push(mem);
    await w.finish();
    expect(c.text()).toBe('first\ntext\nXXXXX\n');
  });

  it('writes pieces larger than its stage whole', async () => {
    const { BufferedWriter } = await import('../../src/output/buffered-writer.js');
    const c = collector();
    const w = new BufferedWriter(c.stream);
    const big = Buffer.alloc(300 * 1024, 'a');
    w.push(Buffer.from('<'));
    w.push(big);
    w.push(Buffer.from('>'));
    await w.finish();
    expect(c.text()).toBe(`<${'a'.repeat(300 * 1024)}>`);
  });

  it('fills a written stage again only after the stream is done with it', async () => {
    const { Writable } = await import('node:stream');
    const { BufferedWriter } = await import('../../src/output/buffered-writer.js');
    // A stream that holds every write (as a slow pipe does) and reads it only when it completes.
    const held: { chunk: Buffer; done: () => void }[] = [];
    const out = new Writable({
      highWaterMark: 1 << 30,
      write(chunk: Buffer, _enc, done) {
        held.push({ chunk, done: () => done() });
      },
    });
    let text = '';
    // The stream reads a write's bytes when it completes, as a slow pipe would.
    const complete = async (): Promise<void> => {
      const h = held.shift()!;
      text += h.chunk.toString('latin1');
      h.done();
      await new Promise((r) => setImmediate(r));
    };
    const w = new BufferedWriter(out);
    const piece = (i: number): Buffer => Buffer.alloc(40 * 1024, String.fromCharCode(97 + (i % 26)));
    for (let i = 0; i < 12; i++) w.push(piece(i));
    // Completing the first writes lets their stages be filled again by the next pushes, while the
    // later writes still wait in the stream's queue.
    await complete();
    await complete();
    for (let i = 12; i < 24; i++) w.push(piece(i));
    const finishing = w.finish();
    while (held.length > 0) await complete();
    await finishing;
    expect(text).toBe(Array.from({ length: 24 }, (_, i) => piece(i).toString('latin1')).join(''));
  });
});
