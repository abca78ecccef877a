import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  HOSTILE_EVENTS,
  MARKER_EVENTS,
  MARKER_RULES,
  PROGRESS_BAR,
  parseCsv,
  parseJsonl,
  ptyKind,
  spoor,
  spoorInPty,
  tempDir,
} from './helpers.js';

if (!ptyKind) console.warn('skipping terminal tests: neither `script` nor python3 pty is available');

const tmp = tempDir('tty');
afterAll(() => tmp.remove());

const HIGH = '0c1a0004-0000-4000-8000-000000000004';
const CRITICAL = '0c1a0005-0000-4000-8000-000000000005';
const MARKER = ['hunt', MARKER_EVENTS, '--rules', MARKER_RULES, '--rule-id', `${HIGH},${CRITICAL}`];
/** The SGR sequence spoor paints critical levels with. */
const CRIT_SGR = '\u001b[1;31m';
/** What the hostile event's command line holds: ED (clear screen), OSC (set title), CSI as C1, RLO. */
const HOSTILE = {
  clear: '\u001b[2J',
  title: '\u001b]0;pwned\u0007',
  csi: '\u009b6n',
  rlo: '\u202e',
};
let files = 0;
const tmpFile = (ext: string): string => path.join(tmp.dir, `out-${files++}${ext}`);

describe.concurrent('off a terminal (pipes)', () => {
  it('the table has no colour, and stderr has no progress bar', async () => {
    const r = await spoor(MARKER);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Marker Critical Test');
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stderr).not.toMatch(PROGRESS_BAR);
    expect(r.stderr).toBe('');
  });

  it('log content with ANSI escapes and C1 controls is shown escaped in the table', async () => {
    const r = await spoor(['hunt', HOSTILE_EVENTS]);
    expect(r.code).toBe(0);
    for (const raw of Object.values(HOSTILE)) expect(r.stdout).not.toContain(raw);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(r.stdout).toContain('whoami \\e[2J\\e]0;pwned\\x07');
    expect(r.stdout).toMatch(/\\x9b6n/i);
    expect(r.stdout).toMatch(/\\u202e/i);
  });

  it('jsonl escapes the controls and keeps the values exact', async () => {
    const r = await spoor(['hunt', HOSTILE_EVENTS, '--jsonl']);
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    const hits = parseJsonl(r.stdout);
    const cmd = hits
      .map((h) => h.event?.CommandLine)
      .find((c) => typeof c === 'string' && c.startsWith('whoami'));
    expect(cmd).toBe(`whoami ${HOSTILE.clear}${HOSTILE.title} ${HOSTILE.csi} ${HOSTILE.rlo}exe.tab`);
  });

  it('csv neutralises cells starting with = + - @ and keeps the logged text after the apostrophe', async () => {
    const r = await spoor(['hunt', HOSTILE_EVENTS, '--csv']);
    expect(r.code).toBe(0);
    const [header, ...rows] = parseCsv(r.stdout);
    const computer = header!.indexOf('computer');
    const details = header!.indexOf('details');
    const computers = rows.map((row) => row[computer]);
    expect(computers).toContain(`'=HYPERLINK("http://203.0.113.9/x","open")`);
    expect(computers).toContain(`'@SUM(1+1)`);
    expect(computers).toContain('WS-ESC.lab.example');
    // No cell may start with a formula character.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r\n＝＋－＠]/);
    // Inside a cell (not at its start) the text is kept as logged, even on a pipe.
    expect(rows.map((row) => row[details]).join('\n')).toContain("CommandLine: =cmd|' /C calc'!A0");
  });
});

describe.skipIf(!ptyKind).concurrent('on a terminal (pseudo-terminal)', () => {
  it('stdout on a terminal: levels are coloured; stderr to a file gets no progress bar', async () => {
    const err = tmpFile('.err');
    const r = await spoorInPty(MARKER, { stderrTo: err });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${CRIT_SGR}crit`);
    expect(r.stdout).toContain('Marker Critical Test');
    const stderr = readFileSync(err, 'utf8');
    expect(stderr).not.toMatch(PROGRESS_BAR);
    expect(stderr).not.toContain('\u001b');
  });

  it('NO_COLOR (non-empty) and --no-color turn colours off; an empty NO_COLOR does not', async () => {
    const [noColor, flag, empty] = await Promise.all([
      spoorInPty(MARKER, { stderrTo: tmpFile('.err'), env: { NO_COLOR: '1' } }),
      spoorInPty([...MARKER, '--no-color'], { stderrTo: tmpFile('.err') }),
      spoorInPty(MARKER, { stderrTo: tmpFile('.err'), env: { NO_COLOR: '' } }),
    ]);
    for (const r of [noColor, flag]) {
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Marker Critical Test');
      expect(r.stdout).not.toContain('\u001b');
    }
    expect(empty.stdout).toContain(CRIT_SGR);
  });

  it('stderr on a terminal shows a progress bar (never with CI set); stdout to a file is pure data', async () => {
    const out = tmpFile('.jsonl');
    const outCi = tmpFile('.jsonl');
    const [r, ci] = await Promise.all([
      spoorInPty([...MARKER, '--jsonl'], { stdoutTo: out }),
      spoorInPty([...MARKER, '--jsonl'], { stdoutTo: outCi, env: { CI: 'true' } }),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(PROGRESS_BAR);
    expect(r.stdout).toContain('Summary');
    expect(ci.code).toBe(0);
    expect(ci.stdout).not.toMatch(PROGRESS_BAR);
    expect(ci.stdout).toContain('Summary');
    const data = readFileSync(out, 'utf8');
    expect(parseJsonl(data).length).toBe(8);
    expect(readFileSync(outCi, 'utf8')).toBe(data);
  });

  it('-q keeps only errors: no progress bar and no summary, even on a terminal', async () => {
    const out = tmpFile('.jsonl');
    const r = await spoorInPty([...MARKER, '--jsonl', '-q'], { stdoutTo: out });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(PROGRESS_BAR);
    expect(r.stdout).not.toContain('Summary');
    expect(parseJsonl(readFileSync(out, 'utf8')).length).toBe(8);
  });

  it('hostile log content never reaches the terminal raw, colours or not', async () => {
    const r = await spoorInPty(['hunt', HOSTILE_EVENTS], { stderrTo: tmpFile('.err') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(CRIT_SGR);
    for (const raw of Object.values(HOSTILE)) expect(r.stdout).not.toContain(raw);
    // Every ESC left on the terminal starts one of spoor's own colour sequences.
    expect(r.stdout.replace(/\u001b\[[0-9;]*m/g, '')).not.toContain('\u001b');
    expect(r.stdout).toContain('\\e[2J');
  });

  it('csv written to a terminal escapes controls as well as neutralising formulas', async () => {
    const r = await spoorInPty(['hunt', HOSTILE_EVENTS, '--csv'], { stderrTo: tmpFile('.err') });
    expect(r.code).toBe(0);
    for (const raw of Object.values(HOSTILE)) expect(r.stdout).not.toContain(raw);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain(`'=HYPERLINK(`);
  });
});
