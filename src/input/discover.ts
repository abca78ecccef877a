import { accessSync, constants, type Dirent, readdirSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';
import type { InputFile, InputProblem } from './types.js';

/** Names a directory walk picks up (case-insensitive); an explicitly named file is read whatever its name. */
const EXTENSIONS = ['.xml', '.json', '.jsonl', '.ndjson'];

/** How to turn a binary .evtx file into something spoor reads (named wherever one is met). */
export const EXPORT_HINT =
  'wevtutil qe FILE /lf:true /f:xml > FILE.xml, or evtx_dump -o jsonl FILE > FILE.jsonl';

function isEvtxName(name: string): boolean {
  const n = name.toLowerCase();
  return n.endsWith('.evtx') || n.endsWith('.evtx.gz');
}

/** A name without `.gz` and its last extension, lower-cased: `Security.evtx.jsonl` → `security.evtx`. */
function stem(name: string): string {
  let n = name.toLowerCase();
  if (n.endsWith('.gz')) n = n.slice(0, -3);
  const dot = n.lastIndexOf('.');
  return dot > 0 ? n.slice(0, dot) : n;
}

/**
 * Whether a directory's export stands for this binary .evtx file: `Security.evtx` is exported as
 * `Security.xml`, `Security.jsonl`, `Security.evtx.xml`, `Security.evtx.jsonl` (or .gz of them)…
 */
function exportedBeside(evtx: string, exports: Set<string>): boolean {
  const own = stem(evtx);
  return exports.has(own) || exports.has(`${own}.evtx`);
}

/** What a walk saw besides the files it takes: binary .evtx files, and those with no export beside. */
interface Seen {
  evtx: number;
  unexported: string[];
}

/** At most this many unexported .evtx files are named in the message about them. */
const NAMED = 5;

export function isInputName(name: string): boolean {
  let n = name.toLowerCase();
  if (n.endsWith('.gz')) n = n.slice(0, -3);
  return EXTENSIONS.some((e) => n.endsWith(e));
}

function reason(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'not a directory';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// The walk uses synchronous calls: through the promise API every stat and access is a round trip to
// the file-system threads, two per file (0.1-0.2 s over a folder of 582 exports), for nothing that
// could run meanwhile.
function walk(dir: string, display: string, out: InputFile[], problems: InputProblem[], seen: Seen): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    problems.push({ path: display, message: reason(e) });
    return;
  }
  entries.sort((a, b) => byName(a.name, b.name));
  const exports = new Set<string>();
  const evtx: string[] = [];
  for (const e of entries) {
    const full = path.join(dir, e.name);
    const shown = path.join(display, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      // Linked files are read; linked directories are not followed (no cycles, no escapes).
      try {
        const s = statSync(full);
        isFile = s.isFile();
        isDir = false;
      } catch (err) {
        problems.push({ path: shown, message: reason(err) });
        continue;
      }
    }
    if (isDir) walk(full, shown, out, problems, seen);
    else if (isFile && isInputName(e.name)) {
      addFile(full, shown, out, problems);
      exports.add(stem(e.name));
    } else if (isFile && isEvtxName(e.name)) {
      seen.evtx++;
      evtx.push(e.name);
    }
  }
  for (const name of evtx) if (!exportedBeside(name, exports)) seen.unexported.push(path.join(display, name));
}

/** The problem of a directory whose walk left binary .evtx files with no export beside them. */
function unexportedProblem(dir: string, names: string[]): InputProblem {
  const n = names.length;
  const shown = names.map((f) => path.relative(dir, f)).sort(byName);
  const listed = shown.slice(0, NAMED).join(', ') + (n > NAMED ? `, and ${n - NAMED} more` : '');
  return {
    path: dir,
    message: `${n} binary .evtx file${n === 1 ? '' : 's'} with no export beside ${n === 1 ? 'it' : 'them'}, which spoor does not read (export ${n === 1 ? 'it' : 'them'} first: ${EXPORT_HINT}): ${listed}`,
    files: n,
  };
}

/** How many input files the problems stand for (a missing path is one; see InputProblem.files). */
export function problemFiles(problems: readonly InputProblem[]): number {
  let n = 0;
  for (const p of problems) n += p.files ?? 1;
  return n;
}

function addFile(p: string, display: string, out: InputFile[], problems: InputProblem[]): void {
  try {
    const s = statSync(p);
    accessSync(p, constants.R_OK);
    out.push(s.isFile() ? { path: p, display, size: s.size } : { path: p, display, size: 0, stream: true });
  } catch (e) {
    problems.push({ path: display, message: reason(e) });
  }
}

/**
 * Expands the command line's paths into the files to read, in a deterministic order: the paths
 * in the order given, each directory walked recursively with its entries sorted by name.
 * `-` is standard input. A path that is missing or unreadable becomes a problem, not an error.
 */
export async function discoverInputs(
  paths: string[],
): Promise<{ files: InputFile[]; problems: InputProblem[] }> {
  const files: InputFile[] = [];
  const problems: InputProblem[] = [];
  for (const p of paths) {
    if (p === '-') {
      files.push({ path: '-', display: '-', size: 0, stream: true });
      continue;
    }
    let s: Stats;
    try {
      s = statSync(p);
    } catch (e) {
      problems.push({ path: p, message: reason(e) });
      continue;
    }
    if (s.isDirectory()) {
      const before = files.length;
      const problemsBefore = problems.length;
      const seen: Seen = { evtx: 0, unexported: [] };
      walk(p, p, files, problems, seen);
      if (files.length > before && seen.unexported.length > 0)
        problems.push(unexportedProblem(p, seen.unexported));
      else if (files.length === before && problems.length === problemsBefore) {
        const evtx =
          seen.evtx > 0
            ? `; ${seen.evtx} binary .evtx file${seen.evtx === 1 ? '' : 's'}, which spoor does not read (export ${seen.evtx === 1 ? 'it' : 'them'} first: ${EXPORT_HINT})`
            : '';
        problems.push({
          path: p,
          message: `no .xml, .json, .jsonl or .ndjson files (or .gz of them) found${evtx}`,
          ...(seen.evtx > 1 ? { files: seen.evtx } : {}),
        });
      }
    } else addFile(p, p, files, problems);
  }
  const seen = new Set<string>();
  const unique = files.filter((f) => {
    const key = f.path === '-' ? '-' : path.resolve(f.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { files: unique, problems };
}
