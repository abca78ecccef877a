import { readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { Xxh64 } from '@node-rs/xxhash';
import { hashFiles, hex64, internStrings, openEntry, pruneEntries, writeEntry } from '../common/index.js';
import type { LoadOptions, LoadResult } from './types.js';

/**
 * The rule IR cache. Parsing SigmaHQ's YAML is most of the time a hunt spends before its first
 * event, and the IR it yields only changes when the rule files, the load options or spoor's own
 * loading code change. So the IR is stored under a key that hashes (xxh64) all three, in
 * `$XDG_CACHE_HOME/spoor` (or `~/.cache/spoor`); `SPOOR_RULE_CACHE=off` turns it off and
 * `SPOOR_CACHE_DIR` moves it.
 *
 * An entry is written to a unique temporary name and renamed into place, so concurrent writers
 * never leave a half-written entry and readers see either nothing or a whole one. Each entry
 * starts with a magic word and the xxh64 of its payload; anything that does not check out is
 * ignored (and the rules are parsed again), never trusted.
 */

const MAGIC = 'spoor-ir-1\n';
/** Entries kept; older ones are removed when a new one is written. */
const KEEP = 24;

/** The cache directory, or undefined when the cache is turned off. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const flag = (env.SPOOR_RULE_CACHE ?? '').toLowerCase();
  if (flag === 'off' || flag === '0' || flag === 'false' || flag === 'no') return undefined;
  if (env.SPOOR_CACHE_DIR) return env.SPOOR_CACHE_DIR;
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  if (base) return path.join(base, 'spoor');
  const home = homedir();
  return home ? path.join(home, '.cache', 'spoor') : undefined;
}

let codeHash: string | undefined;

/**
 * A hash of the code that turns rule files into IR (this folder, the logsource/field mapping and
 * the correlation parser): a new spoor build never reads an entry an older build wrote.
 */
function loaderCodeHash(): string {
  if (codeHash !== undefined) return codeHash;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const files = [here, path.join(here, '../mapping'), path.join(here, '../correlation')].flatMap((dir) => {
    try {
      return readdirSync(dir)
        .sort()
        .filter((n) => /\.(js|ts)$/.test(n))
        .map((n) => path.join(dir, n));
    } catch {
      return [];
    }
  });
  codeHash = hashFiles(files);
  return codeHash;
}

/** The cache key of one load: the files (names and contents), the options and the loader's code. */
export function cacheKey(files: string[], texts: string[], opts: LoadOptions): string {
  const h = new Xxh64();
  h.update(MAGIC);
  h.update(loaderCodeHash());
  h.update(
    JSON.stringify({
      expand: opts.expand ?? null,
      ignoreLogsource: opts.ignoreLogsource === true,
      n: files.length,
    }),
  );
  for (let i = 0; i < files.length; i++) {
    h.update(`\u0000${files[i]}\u0000${texts[i]!.length}\u0000`);
    h.update(texts[i]!);
  }
  return hex64(h.digest());
}

function entryPath(dir: string, key: string): string {
  return path.join(dir, `ir-${key}.bin`);
}

/** The cached result for `key`, or undefined (absent, unreadable, corrupt or from another build). */
const DETECTIONS: ReadonlySet<string> = new Set(['detection']);

export function readCached(dir: string, key: string): LoadResult | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(entryPath(dir, key));
  } catch {
    return undefined;
  }
  const payload = openEntry(buf, MAGIC);
  if (payload === undefined) return undefined;
  try {
    const value = deserialize(payload) as unknown;
    if (!isLoadResult(value)) return undefined;
    // A hunt packs the detections into shared memory and drops these objects (see
    // engine/packed-detections.ts): sharing their strings first would be work thrown away.
    return internStrings(value, DETECTIONS);
  } catch {
    return undefined;
  }
}

function isLoadResult(v: unknown): v is LoadResult {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Partial<LoadResult>;
  return (
    Array.isArray(r.rules) &&
    Array.isArray(r.problems) &&
    Array.isArray(r.correlations) &&
    typeof r.files === 'number'
  );
}

/** Stores a result; failures (read-only home, full disk) are silent: the cache is only a shortcut. */
export function writeCached(dir: string, key: string, result: LoadResult): void {
  if (writeEntry(dir, `ir-${key}.bin`, MAGIC, serialize(result))) pruneEntries(dir, 'ir-', { count: KEEP });
}
