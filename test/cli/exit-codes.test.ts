import { createWriteStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  MARKER_EVENTS,
  MARKER_RULES,
  parseJsonl,
  type RunResult,
  sh,
  shell,
  spoor,
  startSpoor,
  tempDir,
} from './helpers.js';

const tmp = tempDir('exit');
const MALFORMED = path.join(tmp.dir, 'malformed.ndjson');
const HIGH = '0c1a0004-0000-4000-8000-000000000004';
const LOW = '0c1a0002-0000-4000-8000-000000000002';

beforeAll(() => {
  const lines = readFileSync(MARKER_EVENTS, 'utf8').trimEnd().split('\n');
  // A broken record between good ones: the scan goes on and names the line.
  writeFileSync(MALFORMED, `${lines[0]}\n{"Channel": "Security", "EventID": \n${lines[1]}\n`);
});
afterAll(() => tmp.remove());

function usageError(r: RunResult, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(pattern);
}

describe.concurrent('exit codes of spoor hunt', () => {
  it('0 when the hunt ran, with or without hits', async () => {
    const [hits, none] = await Promise.all([
      spoor(['hunt', MARKER_EVENTS, '--rules', MARKER_RULES, '--jsonl', '-q']),
      spoor([
        'hunt',
        path.join(FIXTURES, 'samples', 'sysmon-events.xml'),
        '--rules',
        MARKER_RULES,
        '--jsonl',
      ]),
    ]);
    expect(hits.code).toBe(0);
    expect(parseJsonl(hits.stdout).length).toBeGreaterThan(0);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
  });

  it('1 with --fail-on when a hit at or above the level was found, else 0', async () => {
    const base = ['hunt', MARKER_EVENTS, '--rules', MARKER_RULES, '--jsonl', '-q'];
    const [high, higher, lowOnly, exact] = await Promise.all([
      spoor([...base, '--rule-id', HIGH, '--fail-on', 'high']),
      spoor([...base, '--rule-id', HIGH, '--fail-on', 'critical']),
      spoor([...base, '--rule-id', LOW, '--fail-on', 'med']),
      spoor([...base, '--rule-id', LOW, '--fail-on', 'low']),
    ]);
    expect(high.code).toBe(1);
    // The hits are still written in full when the threshold is met.
    expect(parseJsonl(high.stdout).length).toBe(4);
    expect(higher.code).toBe(0);
    expect(lowOnly.code).toBe(0);
    expect(exact.code).toBe(1);
  });

  it('2 for an unknown option, command, level, time, zone, thread count or missing path argument', async () => {
    const h = ['hunt', MARKER_EVENTS];
    const runs = await Promise.all([
      spoor([...h, '--no-such-option']),
      spoor(['hunts', MARKER_EVENTS]),
      spoor([...h, '--min-level', 'severe']),
      spoor([...h, '--level', 'high,extreme']),
      spoor([...h, '--fail-on', 'loud']),
      spoor([...h, '--from', 'last tuesday']),
      spoor([...h, '--to', '2024-05-01T10:00:00']),
      spoor([...h, '--from', '2024-13-45T10:00:00Z']),
      spoor([...h, '--timezone', 'Mars/Olympus_Mons']),
      spoor([...h, '--threads', '0']),
      spoor(['hunt']),
    ]);
    const patterns = [
      /unknown option '--no-such-option'/,
      /unknown command 'hunts'/,
      /severe/,
      /extreme/,
      /loud/,
      /--from: 'last tuesday' is not a time/,
      /--to: .*not a time/,
      /--from: .*2024-13-45/,
      /Mars\/Olympus_Mons/,
      /--threads/,
      /missing required argument/,
    ];
    for (const [i, r] of runs.entries()) usageError(r, patterns[i]!);
  });

  it('0 and no stack trace when the reader of stdout goes away (| head)', async () => {
    const node = sh(process.execPath);
    // `true` exits without reading: every write meets a closed pipe (EPIPE).
    const runs = await Promise.all(
      ['--help', 'hunt --help', 'hunt fixtures/ --jsonl -q'].map((args) =>
        shell(`{ ${node} bin/spoor.js ${args}; echo "rc=$?" >&2; } | true`),
      ),
    );
    for (const r of runs) {
      expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
      expect(r.stderr).toMatch(/rc=0/);
    }
  });

  it('2 when no path can be read, with one line per path', async () => {
    const missing = path.join(tmp.dir, 'nope.ndjson');
    const r = await spoor(['hunt', missing, '--jsonl']);
    usageError(r, /nope\.ndjson/);
    expect(r.stderr).toMatch(/no readable input/);
  });

  it('0 and a warning when one path is missing but another is readable; the summary counts it', async () => {
    const missing = path.join(tmp.dir, 'absent.xml');
    const r = await spoor(['hunt', missing, MARKER_EVENTS, '--rules', MARKER_RULES, '--jsonl']);
    expect(r.code).toBe(0);
    expect(parseJsonl(r.stdout).length).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/absent\.xml: no such file/);
    expect(r.stderr).toMatch(/1 unreadable/);
  });

  it('a malformed record is a warning naming file and line (exit 0); --strict makes it exit 2', async () => {
    const args = ['hunt', MALFORMED, '--rules', MARKER_RULES, '--rule-id', HIGH, '--jsonl'];
    const [lax, strict] = await Promise.all([spoor(args), spoor([...args, '--strict'])]);
    expect(lax.code).toBe(0);
    expect(lax.stderr).toContain(`${MALFORMED}:2:`);
    expect(lax.stderr).toMatch(/1 malformed, skipped/);
    // The records around the broken one are still hunted.
    expect(parseJsonl(lax.stdout).map((h) => h.record_id)).toEqual([101, 202]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain(`${MALFORMED}:2:`);
    expect(strict.stdout).toBe(lax.stdout);
  });

  it('a record over 16 MiB is skipped with a warning at its line, the records after it hunted', async () => {
    const events = readFileSync(MARKER_EVENTS, 'utf8').trimEnd().split('\n');
    const huge = JSON.stringify({ Channel: 'Security', EventID: 4688, CommandLine: 'x'.repeat(16 << 20) });
    const file = path.join(tmp.dir, 'huge-record.ndjson');
    writeFileSync(file, `${events[0]}\n${huge}\n${events.slice(1).join('\n')}\n`);
    const args = ['hunt', file, '--rules', MARKER_RULES, '--jsonl'];
    const [lax, strict, all] = await Promise.all([
      spoor(args),
      spoor([...args, '--strict', '-q']),
      spoor(['hunt', MARKER_EVENTS, '--rules', MARKER_RULES, '--jsonl']),
    ]);
    expect(lax.code).toBe(0);
    expect(lax.stderr).toContain(
      `spoor: ${file}:2: record longer than 16 MiB (no exported event is): skipped to the next record\n`,
    );
    expect(lax.stderr).toMatch(/4 events \(1 malformed, skipped\)/);
    // Every marker event is still hunted, the ones after it too.
    const ids = (out: string): unknown[] => parseJsonl(out).map((h) => [h.rule.id, h.record_id]);
    expect(ids(lax.stdout)).toEqual(ids(all.stdout));
    expect(strict.code).toBe(2);
  });

  it('a record nested 200,000 deep is read to 64 levels with a warning, and the hunt goes on', async () => {
    const d = 200_000;
    const deep = `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`;
    const events = readFileSync(MARKER_EVENTS, 'utf8').trimEnd().split('\n');
    const file = path.join(tmp.dir, 'deep-record.ndjson');
    writeFileSync(
      file,
      [
        events[0],
        `{"Channel":"Security","EventID":1102,"Provider_Name":"Microsoft-Windows-Eventlog","x":${deep}}`,
        `{"Event":{"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Eventlog"}},"Channel":"Security","EventID":1102},"UserData":{"LogFileCleared":{"SubjectUserName":"eve","x":${deep}}}}}`,
        ...events.slice(1),
        '',
      ].join('\n'),
    );
    // The bundled rules: their EQL rules read every event, the evtx_dump one's nested values too.
    const [bundled, marker] = await Promise.all([
      spoor(['hunt', file, '--jsonl', '-q']),
      spoor(['hunt', file, '--rules', MARKER_RULES, '--jsonl', '-q']),
    ]);
    expect(bundled.code).toBe(0);
    expect(bundled.stderr).toBe(
      `spoor: ${file}:2: values nested deeper than 64 levels were not read\nspoor: ${file}:3: values nested deeper than 64 levels were not read\n`,
    );
    // Both deep records are still hunted (Security log cleared), with their shallow values.
    const cleared = parseJsonl(bundled.stdout).filter((h) => h.event_id === 1102);
    expect(cleared.map((h) => h.source.line)).toEqual([2, 3]);
    expect(marker.code).toBe(0);
    expect(parseJsonl(marker.stdout).length).toBeGreaterThan(0);
  });

  it('-q drops the summary but never a problem: unreadable paths and malformed records still name themselves', async () => {
    const gone = path.join(tmp.dir, 'gone.ndjson');
    const r = await spoor([
      'hunt',
      gone,
      MALFORMED,
      '--rules',
      MARKER_RULES,
      '--rule-id',
      HIGH,
      '--jsonl',
      '-q',
    ]);
    expect(r.code).toBe(0);
    expect(parseJsonl(r.stdout).map((h) => h.record_id)).toEqual([101, 202]);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/gone\.ndjson: no such file/);
    expect(lines[1]).toContain(`${MALFORMED}:2: malformed JSON`);
    expect(r.stderr).not.toContain('Summary');
  });

  it('--strict also turns an unreadable path into exit 2', async () => {
    const r = await spoor([
      'hunt',
      path.join(tmp.dir, 'gone'),
      MARKER_EVENTS,
      '--rules',
      MARKER_RULES,
      '--strict',
      '-q',
    ]);
    expect(r.code).toBe(2);
  });

  it('2 when every file found is binary EVTX or not an export: an empty timeline is no all-clear', async () => {
    const evtx = path.join(tmp.dir, 'Security.evtx');
    // The EVTX file header's signature, then what could follow it.
    writeFileSync(evtx, Buffer.concat([Buffer.from('ElfFile\0', 'latin1'), Buffer.alloc(120, 1)]));
    const notes = path.join(tmp.dir, 'notes.xml');
    writeFileSync(notes, 'case notes, not a log\n');
    const folder = path.join(tmp.dir, 'evtx-folder');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'System.evtx'), readFileSync(evtx));
    const [one, both, dir, mixed, strict, dump] = await Promise.all([
      spoor(['hunt', evtx, '--rules', MARKER_RULES, '--jsonl']),
      spoor(['hunt', evtx, notes, '--rules', MARKER_RULES]),
      spoor(['hunt', folder, '--rules', MARKER_RULES, '--jsonl']),
      spoor(['hunt', evtx, MARKER_EVENTS, '--rules', MARKER_RULES, '--jsonl']),
      spoor(['hunt', evtx, MARKER_EVENTS, '--rules', MARKER_RULES, '--jsonl', '--strict', '-q']),
      spoor(['dump', evtx]),
    ]);
    expect(one.code).toBe(2);
    expect(one.stdout).toBe('');
    expect(one.stderr).toContain(
      `${evtx}@0: a binary EVTX file, which spoor does not read (export it first:`,
    );
    expect(one.stderr).toMatch(/1 unreadable/);
    expect(one.stderr).not.toMatch(/malformed/);
    expect(one.stderr).toMatch(/error: no readable input/);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(
      /notes\.xml@0: not an XML or NDJSON event export \(starts with 'c'\); file skipped/,
    );
    // A table run prints its summary below the table, on stdout.
    expect(both.stdout).toMatch(/2 files \(2 unreadable\)/);
    expect(dir.code).toBe(2);
    expect(dir.stderr).toMatch(
      /evtx-folder: no \.xml.*found; 1 binary \.evtx file, which spoor does not read/,
    );
    // Beside a readable export, the refused file is a warning and counted; --strict makes it exit 2.
    expect(mixed.code).toBe(0);
    expect(parseJsonl(mixed.stdout).length).toBeGreaterThan(0);
    expect(mixed.stderr).toMatch(/binary EVTX file/);
    expect(mixed.stderr).toMatch(/2 files \(1 unreadable\)/);
    expect(mixed.stderr).not.toMatch(/no readable input/);
    expect(strict.code).toBe(2);
    expect(strict.stdout).toBe(mixed.stdout);
    expect(dump.code).toBe(2);
    expect(dump.stderr).toMatch(/0 events read, 0 records skipped, 1 file, 1 unreadable/);
    expect(dump.stderr).toMatch(/no input could be read/);
  });

  it('names the binary .evtx files of a folder that have no export beside them, counts them, reads the rest', async () => {
    const folder = path.join(tmp.dir, 'exports');
    mkdirSync(folder);
    const header = Buffer.concat([Buffer.from('ElfFile\0', 'latin1'), Buffer.alloc(120, 1)]);
    writeFileSync(path.join(folder, 'marker-events.ndjson'), readFileSync(MARKER_EVENTS));
    // Exported beside itself: nothing to say of it. Not exported: named, and counted.
    writeFileSync(path.join(folder, 'marker-events.evtx'), header);
    writeFileSync(path.join(folder, 'Other.evtx'), header);
    const [hunt, strict, dump] = await Promise.all([
      spoor(['hunt', folder, '--rules', MARKER_RULES, '--jsonl']),
      spoor(['hunt', folder, '--rules', MARKER_RULES, '--jsonl', '--strict']),
      spoor(['dump', folder]),
    ]);
    expect(hunt.code).toBe(0);
    expect(parseJsonl(hunt.stdout).length).toBeGreaterThan(0);
    expect(hunt.stderr).toContain(
      `${folder}: 1 binary .evtx file with no export beside it, which spoor does not read (export it first:`,
    );
    expect(hunt.stderr).toMatch(/\): Other\.evtx\n/);
    expect(hunt.stderr).not.toMatch(/marker-events\.evtx/);
    expect(hunt.stderr).toMatch(/1 file \(1 unreadable\)/);
    expect(strict.code).toBe(2);
    expect(strict.stdout).toBe(hunt.stdout);
    expect(dump.code).toBe(0);
    expect(dump.stderr).toMatch(/1 file, 1 unreadable/);
  });

  it('--help and --version exit 0', async () => {
    const [help, version] = await Promise.all([spoor(['hunt', '--help']), spoor(['--version'])]);
    expect(help.code).toBe(0);
    for (const group of ['Input:', 'Rules:', 'Filters:', 'Output:']) expect(help.stdout).toContain(group);
    expect(version.code).toBe(0);
    const pkg = JSON.parse(readFileSync(path.resolve(FIXTURES, '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(version.stdout.trim()).toBe(pkg.version);
  });
});

describe('Ctrl-C (SIGINT)', () => {
  // A generated input big enough that the scan is still running when the signal comes: a
  // founding-rule hit every 50 events, and a broken record on line 2 whose warning tells the
  // test that the scan has started.
  const BIG = path.join(tmp.dir, 'big.ndjson');
  const EVENTS = 150_000;
  beforeAll(async () => {
    const out = createWriteStream(BIG);
    const write = (s: string): Promise<void> =>
      new Promise((resolve) => {
        if (out.write(s)) resolve();
        else out.once('drain', () => resolve());
      });
    const start = Date.UTC(2024, 0, 1);
    let batch: string[] = [];
    for (let i = 0; i < EVENTS; i++) {
      batch.push(
        JSON.stringify({
          Channel: 'Microsoft-Windows-Sysmon/Operational',
          EventID: 1,
          Computer: `H${i % 5}.lab.example`,
          EventRecordID: i + 1,
          TimeCreated_SystemTime: new Date(start + i * 1000).toISOString(),
          Image:
            i % 50 === 0 ? 'C:\\Windows\\System32\\wsmprovhost.exe' : 'C:\\Windows\\System32\\notepad.exe',
          ParentImage: 'C:\\Windows\\explorer.exe',
          CommandLine: `notepad.exe C:\\Users\\someone\\Documents\\notes-${i}.txt`,
        }),
      );
      if (i === 0) batch.push('{"Channel": "Security", "EventID": ');
      if (batch.length >= 5000) {
        await write(`${batch.join('\n')}\n`);
        batch = [];
      }
    }
    await write(`${batch.join('\n')}\n`);
    await new Promise<void>((resolve, reject) =>
      out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  });

  /** Starts a hunt and sends SIGINT as soon as `ready` holds for what it printed so far. */
  async function interrupt(
    args: string[],
    ready: (stdout: string, stderr: string) => boolean,
  ): Promise<RunResult> {
    const { child, done } = startSpoor(['hunt', BIG, '--threads', '1', ...args]);
    let out = '';
    let err = '';
    let sent = false;
    const check = (): void => {
      if (!sent && ready(out, err)) {
        sent = true;
        child.kill('SIGINT');
      }
    };
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString('utf8');
      check();
    });
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString('utf8');
      check();
    });
    const r = await done;
    expect(sent).toBe(true);
    return r;
  }

  it('exits 130 and prints the hits found so far, sorted (--sort time)', async () => {
    const r = await interrupt(['--jsonl'], (_o, e) => e.includes('big.ndjson:2:'));
    expect(r.code).toBe(130);
    const hits = parseJsonl(r.stdout);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThan(EVENTS / 50);
    const times = hits.map((h) => h.timestamp ?? '');
    expect(times).toEqual([...times].sort());
    expect(r.stderr).toMatch(/Summary/);
  });

  it('with --sort none, hits stream out before the end and the output stays whole lines', async () => {
    const r = await interrupt(['--jsonl', '--sort', 'none'], (o) => o.includes('\n'));
    expect(r.code).toBe(130);
    const hits = parseJsonl(r.stdout);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThan(EVENTS / 50);
  });

  // See /tmp/lead/cli-bugs.md ("interrupted hunt with -o"): docs/output.md promises that an
  // interrupted hunt leaves an existing -o FILE untouched and removes the temporary file.
  it('with -o, an existing file is left untouched and no temporary file remains', async () => {
    const dir = path.join(tmp.dir, 'interrupted-output');
    mkdirSync(dir);
    const file = path.join(dir, 'keep.jsonl');
    writeFileSync(file, 'previous run\n');
    const r = await interrupt(['-o', file], (_o, e) => e.includes('big.ndjson:2:'));
    expect(r.code).toBe(130);
    expect(readFileSync(file, 'utf8')).toBe('previous run\n');
    expect(readdirSync(dir)).toEqual(['keep.jsonl']);
  });
});
