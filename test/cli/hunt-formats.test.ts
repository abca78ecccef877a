import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type HitLike,
  hasCommand,
  MARKER_EVENTS,
  MARKER_RULES,
  parseCsv,
  parseJsonl,
  type RunResult,
  sh,
  shell,
  spoor,
  tempDir,
} from './helpers.js';

const FOUNDING = 'T1086 Remote PowerShell Session';
const HIT_KEYS = [
  'schema',
  'timestamp',
  'level',
  'rule',
  'computer',
  'channel',
  'event_id',
  'record_id',
  'source',
  'details',
  'event',
  'hit_id',
];
const CSV_HEADER = [
  'timestamp',
  'level',
  'rule_title',
  'rule_id',
  'rule_kind',
  'rule_path',
  'tags',
  'computer',
  'channel',
  'event_id',
  'record_id',
  'source_file',
  'source_offset',
  'source_line',
  'details',
  'hit_id',
];

const tmp = tempDir('formats');
let jsonl: RunResult;
let hits: HitLike[];

beforeAll(async () => {
  jsonl = await spoor(['hunt', 'fixtures/', '--jsonl']);
  hits = parseJsonl(jsonl.stdout);
});
afterAll(() => tmp.remove());

describe.concurrent('spoor hunt fixtures/ (bundled rules)', () => {
  it('prints a readable table with the founding rule at critical, summary below it', async () => {
    const r = await spoor(['hunt', 'fixtures/']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    const summaryAt = lines.indexOf('Summary');
    expect(lines[0]).toMatch(
      /^Timestamp \(UTC\)\s+│ Computer\s+│ Channel\s+│ EventID │ RecordID │ Level │ Rule\s+│ Details/,
    );
    const founding = lines.slice(0, summaryAt).filter((l) => l.includes(FOUNDING));
    expect(founding.length).toBe(hits.filter((h) => h.rule.title === FOUNDING).length);
    for (const l of founding) expect(l).toMatch(/│ crit\s+│ T1086 Remote PowerShell Session\s+│/);
    // The summary follows the table on stdout when stdout carries the table.
    expect(summaryAt).toBeGreaterThan(founding.length);
    expect(r.stdout).toMatch(
      /Rules with hits[^\n]*\n(?:[^\n]*\n)*?\s+crit\s+\d+\s+T1086 Remote PowerShell Session/,
    );
    // Not a terminal: no colour, no progress bar.
    expect(r.stdout).not.toContain('\u001b');
  });

  it('--jsonl: one hit record per line, keys in contract order, founding rule at critical', () => {
    expect(jsonl.code).toBe(0);
    expect(hits.length).toBeGreaterThan(10);
    for (const h of hits) {
      expect(Object.keys(h).slice(0, HIT_KEYS.length)).toEqual(HIT_KEYS);
      expect(h.schema).toBe(1);
      expect(h.hit_id).toMatch(/^[0-9a-f]{16}$/);
      if (h.timestamp !== null) expect(h.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    const founding = hits.filter((h) => h.rule.title === FOUNDING);
    expect(founding.length).toBeGreaterThan(0);
    for (const h of founding) {
      expect(h.level).toBe('critical');
      expect(h.rule.id).toBe('734f8d9b-42b8-41b2-bcf5-abaf49d5a3c8');
      expect(h.rule.kind).toBe('sigma');
      const e = h.event ?? {};
      const images = [e.Image, e.NewProcessName, e.ParentImage, e.ParentProcessName].map((v) =>
        String(v ?? ''),
      );
      expect(images.join(' ').toLowerCase()).toContain('wsmprovhost.exe');
    }
    // One hit per rule and event (or correlation group) in each file. The id is the rule's and the
    // event's, not the file's: the same events exported twice (XML and ECS twins) share their ids.
    expect(new Set(hits.map((h) => `${h.hit_id} ${h.source?.file}`)).size).toBe(hits.length);
  });

  it('stdout carries data only: the summary goes to stderr for data formats', () => {
    expect(jsonl.stdout).not.toContain('Summary');
    expect(jsonl.stderr).toMatch(/^Summary\n/m);
    expect(jsonl.stderr).toMatch(/Hits\s+\d+ from \d+ rules/);
  });

  it.runIf(hasCommand('jq'))('`spoor hunt fixtures/ --jsonl | jq .rule.title` works', async () => {
    const r = await shell(
      `${sh(process.execPath)} bin/spoor.js hunt fixtures/ --jsonl 2>/dev/null | jq .rule.title`,
    );
    expect(r.code).toBe(0);
    const titles = r.stdout.trim().split('\n');
    expect(titles).toEqual(hits.map((h) => JSON.stringify(h.rule.title)));
    expect(titles).toContain(`"${FOUNDING}"`);
  });

  it('--json is one array of the same records, one per line', async () => {
    const r = await spoor(['hunt', 'fixtures/', '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('[\n')).toBe(true);
    expect(r.stdout.endsWith('\n]\n')).toBe(true);
    expect(r.stdout.split('\n').length).toBe(hits.length + 3);
    expect(JSON.parse(r.stdout)).toEqual(hits);
  });

  it('--csv has the documented header, CRLF rows and the same hits in the same order', async () => {
    const r = await spoor(['hunt', 'fixtures/', '--csv']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(`${CSV_HEADER.join(',')}\r\n`)).toBe(true);
    expect(r.stdout.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(r.stdout);
    expect(rows[0]).toEqual(CSV_HEADER);
    const body = rows.slice(1);
    expect(body.length).toBe(hits.length);
    const col = (name: string): number => CSV_HEADER.indexOf(name);
    body.forEach((row, i) => {
      const h = hits[i]!;
      expect(row.length).toBe(CSV_HEADER.length);
      expect(row[col('hit_id')]).toBe(h.hit_id);
      expect(row[col('level')]).toBe(h.level);
      expect(row[col('rule_title')]).toBe(h.rule.title);
      expect(row[col('timestamp')]).toBe(h.timestamp ?? '');
      expect(row[col('tags')]).toBe(h.rule.tags.join(' '));
    });
  });

  it('an empty result is `[]` for json, a header for csv and nothing for jsonl and table', async () => {
    const none = ['hunt', 'fixtures/samples/sysmon-events.xml', '--rule-id', 'no-such-rule'];
    const [j, js, c, t] = await Promise.all([
      spoor([...none, '--jsonl']),
      spoor([...none, '--json']),
      spoor([...none, '--csv']),
      spoor([...none, '--format', 'table', '-q']),
    ]);
    expect(j.stdout).toBe('');
    expect(js.stdout).toBe('[]\n');
    expect(parseCsv(c.stdout)).toEqual([CSV_HEADER]);
    expect(t.stdout).toBe('');
    for (const r of [j, js, c, t]) expect(r.code).toBe(0);
  });
});

describe.concurrent('--format and its shortcuts', () => {
  for (const f of ['jsonl', 'json', 'csv'] as const) {
    it(`--format ${f} is byte-identical to --${f}`, async () => {
      const [a, b] = await Promise.all([
        spoor(['hunt', 'fixtures/sigma', '--format', f]),
        spoor(['hunt', 'fixtures/sigma', `--${f}`]),
      ]);
      expect(a.code).toBe(0);
      expect(a.stdout.length).toBeGreaterThan(0);
      expect(b.stdout).toBe(a.stdout);
    });
  }
  it('-f table is the default', async () => {
    const [a, b] = await Promise.all([
      spoor(['hunt', 'fixtures/sigma', '-f', 'table', '-q']),
      spoor(['hunt', 'fixtures/sigma', '-q']),
    ]);
    expect(a.stdout).toContain(FOUNDING);
    expect(b.stdout).toBe(a.stdout);
  });
  it('an unknown format or two different formats are usage errors (exit 2, nothing on stdout)', async () => {
    for (const args of [
      ['--format', 'xml'],
      ['--jsonl', '--csv'],
      ['--format', 'csv', '--json'],
    ]) {
      const r = await spoor(['hunt', 'fixtures/sigma', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.length).toBeGreaterThan(0);
    }
  });
  it('the same format named twice is not a conflict', async () => {
    const r = await spoor(['hunt', 'fixtures/sigma', '--format', 'jsonl', '--jsonl', '-q']);
    expect(r.code).toBe(0);
    expect(parseJsonl(r.stdout).length).toBeGreaterThan(0);
  });
});

describe.concurrent('-o FILE', () => {
  const cases: [string, 'jsonl' | 'json' | 'csv' | 'table'][] = [
    ['hits.jsonl', 'jsonl'],
    ['HITS.JSONL', 'jsonl'],
    ['hits.json', 'json'],
    ['hits.csv', 'csv'],
    ['hits.txt', 'table'],
    ['hits.log', 'table'],
  ];
  const reference: Record<string, string> = {};
  beforeAll(async () => {
    const [j, js, c, t] = await Promise.all([
      spoor(['hunt', 'fixtures/sigma', '--jsonl', '-q']),
      spoor(['hunt', 'fixtures/sigma', '--json', '-q']),
      spoor(['hunt', 'fixtures/sigma', '--csv', '-q']),
      spoor(['hunt', 'fixtures/sigma', '--format', 'table', '-q']),
    ]);
    for (const r of [j, js, c, t]) if (r.code !== 0) throw new Error(`reference run failed: ${r.stderr}`);
    Object.assign(reference, { jsonl: j.stdout, json: js.stdout, csv: c.stdout, table: t.stdout });
  });

  for (const [name, format] of cases) {
    it(`infers ${format} from ${name}; stdout stays empty, the summary goes to stderr`, async () => {
      const dir = path.join(tmp.dir, `infer-${name}`);
      mkdirSync(dir);
      const file = path.join(dir, name);
      const r = await spoor(['hunt', 'fixtures/sigma', '-o', file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^Summary\n/m);
      const written = readFileSync(file, 'utf8');
      expect(written).toBe(reference[format]);
      expect(written).not.toContain('\u001b');
      expect(readdirSync(dir)).toEqual([name]);
    });
  }

  it('an explicit format wins over the extension', async () => {
    const file = path.join(tmp.dir, 'explicit.json');
    const r = await spoor(['hunt', 'fixtures/sigma', '--csv', '-o', file, '-q']);
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(reference.csv);
  });

  it('replaces an existing file only when complete', async () => {
    const file = path.join(tmp.dir, 'replace.jsonl');
    writeFileSync(file, 'old content\n');
    const r = await spoor(['hunt', 'fixtures/sigma', '-o', file, '-q']);
    expect(r.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(reference.jsonl);
  });

  it('into a folder that does not exist: exit 2, a message, no file and no temporary left', async () => {
    const dir = path.join(tmp.dir, 'missing-dir');
    const r = await spoor(['hunt', 'fixtures/sigma', '-o', path.join(dir, 'out.jsonl')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('missing-dir');
    expect(existsSync(dir)).toBe(false);
  });

  it('when no input is readable: exit 2 and an existing file is left untouched', async () => {
    const dir = path.join(tmp.dir, 'unreadable-input');
    mkdirSync(dir);
    const file = path.join(dir, 'untouched.jsonl');
    writeFileSync(file, 'keep me\n');
    const r = await spoor(['hunt', path.join(dir, 'no-such-input'), '-o', file]);
    expect(r.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    expect(readdirSync(dir)).toEqual(['untouched.jsonl']);
  });
});

describe.concurrent('--sort', () => {
  it('time (the default) is deterministic: two runs are byte-identical and in time order', async () => {
    // A second run, named explicitly and on one thread, gives the same bytes.
    const again = await spoor(['hunt', 'fixtures/', '--jsonl', '--sort', 'time', '--threads', '1']);
    expect(again.stdout).toBe(jsonl.stdout);
    const times = hits.map((h) => h.timestamp ?? '');
    expect(times).toEqual([...times].sort());
  });

  it('none gives the same hits, as they are found', async () => {
    const r = await spoor(['hunt', 'fixtures/', '--jsonl', '--sort', 'none']);
    expect(r.code).toBe(0);
    const streamed = parseJsonl(r.stdout);
    expect(streamed.map((h) => h.hit_id).sort()).toEqual(hits.map((h) => h.hit_id).sort());
    expect(streamed.map((h) => h.hit_id)).not.toEqual(hits.map((h) => h.hit_id));
  });

  it('an unknown order is a usage error', async () => {
    const r = await spoor(['hunt', 'fixtures/sigma', '--sort', 'random']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe('JSON exports that are not one object a line', () => {
  it('a pretty array and evtx_dump -o json give the NDJSON hits, sources named by the offset of each {', async () => {
    const dir = path.join(tmp.dir, 'json-layouts');
    mkdirSync(dir, { recursive: true });
    const objects = readFileSync(MARKER_EVENTS, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as unknown);
    const array = path.join(dir, 'events.json');
    writeFileSync(array, `${JSON.stringify(objects, null, 2)}\n`);
    const dump = path.join(dir, 'evtx-dump.json');
    writeFileSync(dump, objects.map((o, i) => `Record ${i + 1}\n${JSON.stringify(o, null, 2)}\n`).join(''));
    const [nd, arr, ev] = await Promise.all(
      [MARKER_EVENTS, array, dump].map((f) => spoor(['hunt', f, '--rules', MARKER_RULES, '--jsonl', '-q'])),
    );
    for (const r of [nd, arr, ev]) expect(r.code).toBe(0);
    const hits = parseJsonl(nd.stdout);
    expect(hits.length).toBeGreaterThan(0);
    const strip = (h: HitLike) => ({ ...h, source: undefined });
    for (const [r, file] of [
      [arr, array],
      [ev, dump],
    ] as const) {
      const got = parseJsonl(r.stdout);
      expect(got.map(strip)).toEqual(hits.map(strip));
      const bytes = readFileSync(file);
      for (const h of got) {
        const src = h.source as { offset?: number; line?: number };
        expect(src.line).toBeUndefined();
        expect(bytes[src.offset!]).toBe(0x7b);
      }
    }
  });
});
