import { readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { Xxh64 } from '@node-rs/xxhash';
import {
  hashFiles,
  hex64,
  internStrings,
  openEntry,
  pruneEntries,
  readScratch,
  writeEntry,
} from '../common/index.js';
import { lazyDetection } from './detection-text.js';
import type { LoadOptions, LoadResult, SigmaRuleIR } from './types.js';

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

const MAGIC = 'spoor-ir-2\n';
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
  // Named from one level below the build's root, so that the same folders are found from this
  // module and from a bundle of it (dist/bundle/), which holds no loader files of its own.
  const dirs = ['../sigma/', '../mapping/', '../correlation/'].map((d) =>
    fileURLToPath(new URL(d, import.meta.url)),
  );
  const files = dirs.flatMap((dir) => {
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
export function cacheKey(files: string[], contents: Uint8Array[], opts: LoadOptions): string {
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
    h.update(`\u0000${files[i]}\u0000${contents[i]!.length}\u0000`);
    h.update(contents[i]!);
  }
  return hex64(h.digest());
}

function entryPath(dir: string, key: string): string {
  return path.join(dir, `ir-${key}.bin`);
}

/** The cached result for `key`, or undefined (absent, unreadable, corrupt or from another build). */
export function readCached(dir: string, key: string): LoadResult | undefined {
  let buf: Buffer;
  try {
    buf = readScratch(entryPath(dir, key));
  } catch {
    return undefined;
  }
  const payload = openEntry(buf, MAGIC);
  if (payload === undefined) return undefined;
  try {
    const value = deserialize(payload) as unknown;
    if (!isCachedLoad(value)) return undefined;
    const { detections, ...rest } = value;
    internStrings(rest);
    // The detections stay JSON text until read: a hunt packs that text for its matching threads
    // as it is (engine/packed-detections.ts), and most of it is never decoded.
    const rules = rest.rules.map((r, i) => lazyDetection(r, detections[i]!));
    return { ...rest, rules };
  } catch {
    return undefined;
  }
}

/** What an entry holds: the load result with each rule's detection apart, as JSON text. */
type CachedLoad = Omit<LoadResult, 'rules'> & {
  rules: Omit<SigmaRuleIR, 'detection'>[];
  detections: string[];
};

function isCachedLoad(v: unknown): v is CachedLoad {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Partial<CachedLoad>;
  return (
    Array.isArray(r.rules) &&
    Array.isArray(r.detections) &&
    r.detections.length === r.rules.length &&
    r.detections.every((d) => typeof d === 'string') &&
    Array.isArray(r.problems) &&
    Array.isArray(r.correlations) &&
    typeof r.files === 'number'
  );
}

/** Stores a result; failures (read-only home, full disk) are silent: the cache is only a shortcut. */
export function writeCached(dir: string, key: string, result: LoadResult): void {
  const entry: CachedLoad = {
    ...result,
    rules: result.rules.map(({ detection: _, ...rule }) => rule),
    detections: result.rules.map((r) => JSON.stringify(r.detection)),
  };
  if (writeEntry(dir, `ir-${key}.bin`, MAGIC, serialize(entry))) pruneEntries(dir, 'ir-', { count: KEEP });
}
