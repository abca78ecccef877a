import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root, the launcher the tests run, and the hand-written CLI fixtures. */
export const ROOT = path.resolve(here, '../..');
export const BIN = path.join(ROOT, 'bin', 'spoor.js');
export const FIXTURES = path.join(ROOT, 'fixtures');
export const CLI_FIXTURES = path.join(ROOT, 'test', 'fixtures', 'cli');
export const MARKER_RULES = path.join(CLI_FIXTURES, 'rules');
export const MARKER_EVENTS = path.join(CLI_FIXTURES, 'marker-events.ndjson');
export const HOSTILE_EVENTS = path.join(CLI_FIXTURES, 'hostile-content.ndjson');

/** The shared test data, read in place from `../shared` beside the repository. */
export const SHARED = path.resolve(ROOT, '../shared');
export const SHARED_LOGS = path.join(SHARED, 'corpus', 'logs');
export const hasShared = existsSync(SHARED_LOGS);

/** The CLI runs from compiled code: without `dist/` every test here would fail for the wrong reason. */
if (!existsSync(path.join(ROOT, 'dist', 'cli', 'index.js'))) {
  throw new Error('dist/ is missing: run `npx tsc -p .` (or `npm test`, which builds first)');
}

/** Environment overrides: a string sets a variable, undefined removes it. */
export type EnvPatch = Record<string, string | undefined>;

/**
 * The environment a run starts from: the test process's own, without the variables that change
 * what spoor prints (CI, NO_COLOR, FORCE_COLOR, COLUMNS), then the patch.
 */
export function cleanEnv(patch: EnvPatch = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['CI', 'NO_COLOR', 'FORCE_COLOR', 'COLUMNS', 'NODE_OPTIONS']) delete env[k];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: EnvPatch;
  cwd?: string;
  /** Bytes for stdin; stdin is closed at once when absent. */
  input?: string;
  timeoutMs?: number;
}

function collect(child: ChildProcess, timeoutMs: number, what: string): Promise<RunResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what}: no exit after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** Runs `node bin/spoor.js ARGS` with pipes for stdin, stdout and stderr (so nothing is a terminal). */
export function spoor(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: cleanEnv(opts.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin?.end(opts.input ?? '');
  return collect(child, opts.timeoutMs ?? 30_000, `spoor ${args.join(' ')}`);
}

/** Starts spoor without waiting: for tests that signal the process while it runs. */
export function startSpoor(
  args: string[],
  opts: RunOptions = {},
): { child: ChildProcess; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: cleanEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, done: collect(child, opts.timeoutMs ?? 30_000, `spoor ${args.join(' ')}`) };
}

/** Runs a shell command line (for pipes into other tools such as jq). */
export function shell(command: string, opts: RunOptions = {}): Promise<RunResult> {
  const child = spawn('/bin/sh', ['-c', command], {
    cwd: opts.cwd ?? ROOT,
    env: cleanEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, opts.timeoutMs ?? 30_000, command);
}

/** Quotes one word for /bin/sh. */
export function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function hasCommand(name: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(name, args, { stdio: 'ignore' });
  return r.error === undefined && r.status === 0;
}

/** How a pseudo-terminal can be had here: util-linux `script`, Python's `pty` module, or not at all. */
export const ptyKind: 'script' | 'python' | undefined = hasCommand('script', ['--version'])
  ? 'script'
  : hasCommand('python3', ['-c', 'import pty'])
    ? 'python'
    : undefined;

export interface PtyOptions {
  env?: EnvPatch;
  /** Redirect spoor's stdout to this file, so only stderr is the terminal. */
  stdoutTo?: string;
  /** Redirect spoor's stderr to this file, so only stdout is the terminal. */
  stderrTo?: string;
  cols?: number;
  timeoutMs?: number;
}

/**
 * Runs spoor inside a real pseudo-terminal and returns what the terminal received (stdout and
 * stderr, unless redirected), with the terminal's CR LF turned back into LF.
 */
export async function spoorInPty(args: string[], opts: PtyOptions = {}): Promise<RunResult> {
  if (!ptyKind) throw new Error('no pseudo-terminal available');
  let cmd = `exec ${sh(process.execPath)} ${sh(BIN)} ${args.map(sh).join(' ')}`;
  if (opts.stdoutTo) cmd += ` > ${sh(opts.stdoutTo)}`;
  if (opts.stderrTo) cmd += ` 2> ${sh(opts.stderrTo)}`;
  const line = `stty cols ${opts.cols ?? 200} rows 50 2>/dev/null; ${cmd}`;
  const argv =
    ptyKind === 'script'
      ? ['script', ['-qfec', line, '/dev/null']]
      : [
          'python3',
          [
            '-c',
            'import os, pty, sys\nst = pty.spawn(["/bin/sh", "-c", sys.argv[1]])\nsys.exit(os.waitstatus_to_exitcode(st))',
            line,
          ],
        ];
  const child = spawn(argv[0] as string, argv[1] as string[], {
    cwd: ROOT,
    env: cleanEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r = await collect(child, opts.timeoutMs ?? 30_000, `pty spoor ${args.join(' ')}`);
  return { ...r, stdout: r.stdout.replace(/\r\n/g, '\n') };
}

/** A fresh temporary folder, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), `spoor-cli-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The hit records of a JSONL text (every line must be a JSON object). */
export function parseJsonl(text: string): HitLike[] {
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error('JSONL output does not end with a line break');
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as HitLike);
}

/** The parts of a hit record the tests read. */
export interface HitLike {
  schema: number;
  timestamp: string | null;
  level: string;
  rule: { id: string; title: string; kind: string; path: string; tags: string[] };
  computer: string | null;
  channel: string | null;
  event_id: number | string | null;
  record_id: number | string | null;
  source: { file: string; offset?: number; line?: number } | null;
  details: Record<string, string>;
  event: Record<string, string | string[]> | null;
  hit_id: string;
}

/** RFC 4180 records of a CSV text: quoted cells, doubled quotes, CRLF (or LF) row ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      // handled with the LF
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
    i++;
  }
  if (quoted) throw new Error('CSV ends inside a quoted cell');
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** A progress bar line as spoor draws it on a terminal. */
export const PROGRESS_BAR = /\[[█░]{10,}\]\s+\d{1,3}\.\d%/;
