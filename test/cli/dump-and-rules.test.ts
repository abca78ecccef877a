import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_FIXTURES, MARKER_EVENTS, MARKER_RULES, ROOT, spoor, tempDir } from './helpers.js';

interface DumpLike {
  timestamp: string | null;
  computer: string | null;
  channel: string | null;
  event_id: number | string | null;
  record_id: number | string | null;
  provider: string | null;
  fields: Record<string, string | string[]>;
}

const parseLines = (text: string): DumpLike[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as DumpLike);

const tmp = tempDir('dump');
const MALFORMED = path.join(tmp.dir, 'malformed.ndjson');
const source = readFileSync(MARKER_EVENTS, 'utf8')
  .trimEnd()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, string | number>);

beforeAll(() => {
  const lines = readFileSync(MARKER_EVENTS, 'utf8').trimEnd().split('\n');
  writeFileSync(MALFORMED, `${lines[0]}\nnot json at all\n${lines[1]}\n`);
});
afterAll(() => tmp.remove());

describe.concurrent('spoor dump', () => {
  it('prints jq-ready NDJSON by default: the Event view of every record, summary on stderr', async () => {
    const r = await spoor(['dump', MARKER_EVENTS]);
    expect(r.code).toBe(0);
    const events = parseLines(r.stdout);
    expect(events.length).toBe(source.length);
    events.forEach((e, i) => {
      const s = source[i]!;
      expect(Object.keys(e)).toEqual([
        'timestamp',
        'computer',
        'channel',
        'event_id',
        'record_id',
        'provider',
        'fields',
      ]);
      expect(e.timestamp).toBe(s.TimeCreated_SystemTime);
      expect(e.computer).toBe(s.Computer);
      expect(e.channel).toBe(s.Channel);
      expect(e.event_id).toBe(s.EventID);
      expect(e.record_id).toBe(s.EventRecordID);
      expect(e.fields.Image).toBe(s.Image);
      expect(e.fields.CommandLine).toBe(s.CommandLine);
    });
    expect(r.stderr).toBe(`spoor: ${source.length} events read, 0 records skipped, 1 file\n`);
  });

  it('--format json is one array of the same records; -f jsonl is the default', async () => {
    const [json, jsonl, plain] = await Promise.all([
      spoor(['dump', MARKER_EVENTS, '--format', 'json']),
      spoor(['dump', MARKER_EVENTS, '-f', 'jsonl']),
      spoor(['dump', MARKER_EVENTS]),
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(parseLines(plain.stdout));
    expect(jsonl.stdout).toBe(plain.stdout);
  });

  it('--fields keeps only the fields named, System names and dotted paths included', async () => {
    const r = await spoor([
      'dump',
      MARKER_EVENTS,
      '--fields',
      'Image,EventID,Event.EventData.CommandLine,Missing',
    ]);
    expect(r.code).toBe(0);
    const events = parseLines(r.stdout);
    expect(events.length).toBe(source.length);
    events.forEach((e, i) => {
      expect(e.fields).toEqual({
        Image: source[i]!.Image,
        EventID: '1',
        'Event.EventData.CommandLine': source[i]!.CommandLine,
      });
      expect(e.computer).toBe(source[i]!.Computer);
    });
  });

  it('--format table is for people: a header, the fields asked for, escaped controls', async () => {
    const [r, hostile] = await Promise.all([
      spoor(['dump', MARKER_EVENTS, '-f', 'table', '--fields', 'Image,CommandLine']),
      spoor(['dump', path.join(CLI_FIXTURES, 'hostile-content.ndjson'), '-f', 'table']),
    ]);
    expect(r.code).toBe(0);
    for (const s of [
      'timestamp',
      'computer',
      'Image',
      'CommandLine',
      'H-DELTA.lab.example',
      'marker-tool.exe --step 4',
    ])
      expect(r.stdout).toContain(s);
    expect(r.stdout).not.toContain('\u001b');
    expect(hostile.code).toBe(0);
    expect(hostile.stdout).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    expect(hostile.stdout).toMatch(/\\x1b\[2J/i);
  });

  it('a malformed record is a warning with file and line (exit 0); --strict makes it exit 2', async () => {
    const [lax, strict] = await Promise.all([
      spoor(['dump', MALFORMED]),
      spoor(['dump', MALFORMED, '--strict']),
    ]);
    expect(lax.code).toBe(0);
    expect(parseLines(lax.stdout).map((e) => e.record_id)).toEqual([101, 202]);
    expect(lax.stderr).toContain(`${MALFORMED}:2`);
    expect(lax.stderr).toMatch(/2 events read, 1 record skipped, 1 file/);
    expect(strict.code).toBe(2);
    expect(strict.stdout).toBe(lax.stdout);
  });

  it('exit 2 when nothing can be read; a warning and exit 0 when another path is readable', async () => {
    const missing = path.join(tmp.dir, 'missing.xml');
    const [none, some, strict] = await Promise.all([
      spoor(['dump', missing]),
      spoor(['dump', missing, MARKER_EVENTS]),
      spoor(['dump', missing, MARKER_EVENTS, '--strict']),
    ]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/missing\.xml: no such file/);
    expect(some.code).toBe(0);
    expect(parseLines(some.stdout).length).toBe(source.length);
    expect(some.stderr).toMatch(/missing\.xml: no such file/);
    expect(some.stderr).toMatch(/1 unreadable/);
    expect(strict.code).toBe(2);
  });

  it('reads stdin with -', async () => {
    const r = await spoor(['dump', '-'], { input: readFileSync(MARKER_EVENTS, 'utf8') });
    expect(r.code).toBe(0);
    expect(parseLines(r.stdout).map((e) => e.record_id)).toEqual([101, 202, 303, 404]);
  });

  it('usage errors exit 2 with nothing on stdout', async () => {
    const runs = await Promise.all([
      spoor(['dump', MARKER_EVENTS, '--format', 'csv']),
      spoor(['dump', MARKER_EVENTS, '--bogus']),
      spoor(['dump']),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.length).toBeGreaterThan(0);
    }
  });
});

describe.concurrent('spoor rules lint / list', () => {
  // The rules that parse but are refused are fixtures; the one that is not even YAML is written
  // here, so that the repository's own YAML tooling never trips over it.
  const BROKEN = path.join(tmp.dir, 'broken-rules');
  beforeAll(() => {
    cpSync(path.join(CLI_FIXTURES, 'broken-rules'), BROKEN, { recursive: true });
    writeFileSync(
      path.join(BROKEN, 'bad_yaml.yml'),
      [
        'title: Broken Rule With Bad YAML',
        'id: 0c1a00b2-0000-4000-8000-0000000000b2',
        'status: test',
        'logsource:',
        '  category: process_creation',
        '  product: windows',
        'detection:',
        '  selection:',
        "    Image|endswith: '\\marker-tool.exe",
        '  condition: selection',
        'level: high',
        '',
      ].join('\n'),
    );
  });

  it('lint on the bundled rules: every rule ok, nothing refused, exit 0', async () => {
    const r = await spoor(['rules', 'lint']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /founding\/t1086_remote_powershell_session\.yml:\d+: ok: .*T1086 Remote PowerShell Session/,
    );
    expect(r.stdout).not.toMatch(/: error: /);
    expect(r.stderr).toMatch(/ 0 refused/);
  });

  it('list on the bundled rules prints a table with the founding rule, exit 0', async () => {
    const r = await spoor(['rules', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('T1086 Remote PowerShell Session');
    expect(r.stdout).toContain('critical');
    expect(r.stderr).toMatch(/ 0 refused/);
  });

  it('a hunt names each refused rule on stderr with file:line and reason, -q too, and runs the rest', async () => {
    const args = ['hunt', MARKER_EVENTS, '--rules', MARKER_RULES, '--rules', BROKEN, '--jsonl'];
    const [r, quiet] = await Promise.all([spoor(args), spoor([...args, '-q'])]);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
    for (const out of [r.stderr, quiet.stderr]) {
      expect(out).toMatch(
        /spoor: \S*unknown_modifier\.yml:12:\d+: rule refused: unsupported modifier sounds_like \(Broken Rule With An Unknown Modifier\)\n/,
      );
      expect(out).toMatch(/spoor: \S*undefined_identifier\.yml:10:\d+: rule refused: .*filter_missing/);
      expect(out).toMatch(/spoor: \S*bad_yaml\.yml:\d+:\d+: rule refused: YAML error/);
      expect(out).not.toMatch(/more refused rule/);
    }
    expect(r.stderr).toMatch(/Rules +\d+ loaded · 3 refused/);
    expect(quiet.stdout).toBe(r.stdout);
  });

  it('a hunt names at most 20 refused rules, then says how many more and how to see them', async () => {
    const many = path.join(tmp.dir, 'many broken');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(many);
    const text = readFileSync(path.join(CLI_FIXTURES, 'broken-rules', 'unknown_modifier.yml'), 'utf8');
    for (let i = 0; i < 23; i++) writeFileSync(path.join(many, `r${String(i).padStart(2, '0')}.yml`), text);
    const r = await spoor(['hunt', MARKER_EVENTS, '--rules', MARKER_RULES, '--rules', many, '--jsonl', '-q']);
    expect(r.code).toBe(0);
    const named = r.stderr.split('\n').filter((l) => l.includes(': rule refused: '));
    expect(named).toHaveLength(20);
    expect(named[0]).toContain('r00.yml:12:');
    expect(named[19]).toContain('r19.yml:12:');
    // The folder with a space in its name is quoted, ready to paste.
    expect(r.stderr).toMatch(
      /\nspoor: … and 3 more refused rules \(`spoor rules lint \S*rules '[^']*many broken'` names every one\)\n/,
    );
  });

  it('lint on broken rules: exit 2, each refusal with file:line and reason', async () => {
    const r = await spoor(['rules', 'lint', BROKEN]);
    expect(r.code).toBe(2);
    const out = r.stdout;
    expect(out).toContain(`${path.join(BROKEN, 'unknown_modifier.yml')}:12:`);
    expect(out).toMatch(/unknown_modifier\.yml:12:\d+: error: .*sounds_like/);
    expect(out).toMatch(/undefined_identifier\.yml:10:\d+: error: .*filter_missing/);
    expect(out).toMatch(/bad_yaml\.yml:\d+:\d+: error: YAML error/);
    expect(r.stderr).toMatch(/3 refused/);
  });

  it('lint mixes good and broken rules: the good ones are listed ok, exit 2', async () => {
    const r = await spoor(['rules', 'lint', MARKER_RULES, path.join(BROKEN, 'unknown_modifier.yml')]);
    expect(r.code).toBe(2);
    expect(r.stdout.match(/: ok: (?:sigma: )?Marker /g)?.length).toBe(7);
    expect(r.stdout).toMatch(/unknown_modifier\.yml:12:\d+: error:/);
  });

  it('list on broken rules reports the refusals on stderr with file:line', async () => {
    const r = await spoor(['rules', 'list', BROKEN]);
    expect(r.stderr).toMatch(/unknown_modifier\.yml:12:\d+: error: .*sounds_like/);
    expect(r.stderr).toMatch(/3 refused/);
  });

  it('list off a terminal writes no colour codes', async () => {
    const r = await spoor(['rules', 'list', MARKER_RULES]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Marker Critical Test');
    expect(r.stdout).not.toContain('\u001b');
  });

  it('a rule path that does not exist is reported', async () => {
    const r = await spoor(['rules', 'lint', path.join(ROOT, 'no-such-rules')]);
    expect(r.code).toBe(2);
    expect(`${r.stdout}${r.stderr}`).toContain('no-such-rules');
  });
});
