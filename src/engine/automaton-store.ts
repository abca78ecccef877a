import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Xxh64, xxh64 } from '@node-rs/xxhash';
import { hashFiles, hex64, openEntry, pruneEntries, readScratch, writeEntry } from '../common/index.js';
import type { SharedAutomaton, Table } from './prefilter-ac.js';
import { decodeScan, encodeScan, type ScanArrays } from './scan-store.js';
import { sharedArray } from './wasm-arena.js';

const MAGIC = 'spoor-ac-1\n';
const SCAN_MAGIC = 'spoor-gs-1\n';
/** Gate scans kept at most (a few kB each: 113 over the benchmark's input with SigmaHQ's rules). */
const KEEP_SCANS = 4096;
/** Bytes of entries kept; the oldest go, when a process first writes one, past this many. */
const KEEP_BYTES = 256 << 20;

type Kind = 'u8' | 'u16' | 'i32';
const ARRAYS = ['ascii', 'delta', 'accept', 'outStart', 'outIds'] as const;
type ArrayName = (typeof ARRAYS)[number];

interface Header {
  wideBase: number;
  width: number;
  fold: boolean;
  arrays: { name: ArrayName; kind: Kind; length: number }[];
}

const BYTES: Record<Kind, number> = { u8: 1, u16: 2, i32: 4 };

function kindOf(a: Table): Kind {
  return a instanceof Uint8Array ? 'u8' : a instanceof Uint16Array ? 'u16' : 'i32';
}

const align8 = (n: number): number => (n + 7) & ~7;

let codeHash: string | undefined;
let scanCodeHash: string | undefined;

/** A gate scan key's second hash, kept in its entry (the file name is the first). */
function keyCheck(key: string): bigint {
  return xxh64(key, 0x73636e6bn);
}

/** A hash of the code that builds gate scans from requirement literals (see gate-scan.ts). */
function scanBuilderHash(): string {
  const here = fileURLToPath(new URL('../engine/', import.meta.url));
  const sigma = fileURLToPath(new URL('../sigma/', import.meta.url));
  scanCodeHash ??= hashFiles([
    ...['gate-scan', 'scan-store', 'raw-literal', 'prefilter-ac'].flatMap((n) => [
      path.join(here, `${n}.js`),
      path.join(here, `${n}.ts`),
    ]),
    path.join(sigma, 'requirement.js'),
    path.join(sigma, 'requirement.ts'),
  ]);
  return scanCodeHash;
}

/** A hash of the code that builds automata: a new build never reads tables an older one wrote. */
function builderHash(): string {
  // From one level below the build's root, as from a bundle of this module (dist/bundle/).
  const here = fileURLToPath(new URL('../engine/', import.meta.url));
  codeHash ??= hashFiles(
    ['prefilter-ac.js', 'prefilter-ac.ts', 'automaton-store.js', 'automaton-store.ts'].map((n) =>
      path.join(here, n),
    ),
  );
  return codeHash;
}

/**
 * Pre-filter automata kept on disk between hunts (beside the rule IR cache), by their literal list:
 * building them is a tenth of a short hunt with SigmaHQ's rules (99 automata, 34.5 MB of tables,
 * over the shared corpus). An entry is the tables as they are, after a magic word and the xxh64 of
 * the rest; it is written to a unique temporary name and renamed into place, and anything that does
 * not check out is ignored (the automaton is built again), never trusted. Loaded tables go straight
 * onto shared memory, so the other matching threads adopt them as they would built ones. Each
 * gate's scan (its owner tables, which name their automaton by its literal list) is kept here too,
 * under the text it is built from (gate-scan.ts, scan-store.ts).
 */
export class AutomatonStore {
  private pruned = false;
  private scansPruned = false;
  /** Entries written by this store (for tests): automata, and gate scans. */
  saved = 0;
  scansSaved = 0;
  /** Gate scans given back by loadScan (for tests). */
  scansLoaded = 0;

  constructor(private readonly dir: string) {}

  /** An entry's name: its kind's prefix, then the xxh64 of its magic word, code hash and key. */
  private nameOf(prefix: string, magic: string, code: string, key: string): string {
    const h = new Xxh64();
    h.update(magic);
    h.update(code);
    h.update(key);
    return `${prefix}${hex64(h.digest())}.bin`;
  }

  /** An entry's bytes (in the scratch buffer: read before the next), or undefined. */
  private read(name: string): Buffer | undefined {
    try {
      return readScratch(path.join(this.dir, name));
    } catch {
      return undefined;
    }
  }

  /** The tables stored for `key` (AutomatonCache's literal-list key), or undefined. */
  load(key: string): SharedAutomaton | undefined {
    const buf = this.read(this.nameOf('ac-', MAGIC, builderHash(), key));
    return buf === undefined ? undefined : decode(buf);
  }

  /**
   * The gate scan kept for `key` (scan-store.ts's scanKey of what it is built from), or undefined.
   * The entry also holds a second hash of the key (another seed), so two keys of one file name
   * never share a scan.
   */
  loadScan(key: string): ScanArrays | undefined {
    const buf = this.read(this.nameOf('gs-', SCAN_MAGIC, scanBuilderHash(), key));
    const payload = buf === undefined ? undefined : openEntry(buf, SCAN_MAGIC);
    if (payload === undefined || payload.length < 8 || payload.readBigUInt64LE(0) !== keyCheck(key))
      return undefined;
    const scan = decodeScan(payload.subarray(8));
    if (scan !== undefined) this.scansLoaded++;
    return scan;
  }

  /** Keeps a gate scan built for `key`; failures are silent, as for automata. */
  saveScan(key: string, scan: Parameters<typeof encodeScan>[0]): void {
    const check = Buffer.alloc(8);
    check.writeBigUInt64LE(keyCheck(key));
    const name = this.nameOf('gs-', SCAN_MAGIC, scanBuilderHash(), key);
    if (!writeEntry(this.dir, name, SCAN_MAGIC, [check, ...encodeScan(scan)])) return;
    this.scansSaved++;
    if (!this.scansPruned) {
      this.scansPruned = true;
      pruneEntries(this.dir, 'gs-', { count: KEEP_SCANS, bytes: KEEP_BYTES });
    }
  }

  /** Stores the tables built for `key`; failures are silent: the store is only a shortcut. */
  save(key: string, t: SharedAutomaton): void {
    const name = this.nameOf('ac-', MAGIC, builderHash(), key);
    if (!writeEntry(this.dir, name, MAGIC, encodeParts(t))) return;
    this.saved++;
    if (!this.pruned) {
      this.pruned = true;
      pruneEntries(this.dir, 'ac-', { bytes: KEEP_BYTES });
    }
  }
}

/** An entry's payload, in parts that point into the tables (nothing copied). */
export function encodeParts(t: SharedAutomaton): Uint8Array[] {
  const header: Header = {
    wideBase: t.wideBase,
    width: t.width,
    fold: t.fold,
    arrays: ARRAYS.map((name) => ({ name, kind: kindOf(t[name]), length: t[name].length })),
  };
  const head = Buffer.from(JSON.stringify(header));
  const parts: Uint8Array[] = [
    Buffer.alloc(4),
    head,
    Buffer.alloc(align8(4 + head.length) - 4 - head.length),
  ];
  (parts[0] as Buffer).writeUInt32LE(head.length);
  for (const name of ARRAYS) {
    const a = t[name];
    parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    parts.push(new Uint8Array(align8(a.byteLength) - a.byteLength));
  }
  return parts;
}

/** The tables of a whole entry as written (magic word, hash, payload), or undefined. */
export function decode(buf: Buffer): SharedAutomaton | undefined {
  const payload = openEntry(buf, MAGIC);
  if (payload === undefined || payload.length < 4) return undefined;
  try {
    const headLength = payload.readUInt32LE(0);
    const header = JSON.parse(payload.toString('utf8', 4, 4 + headLength)) as Header;
    const at = align8(4 + headLength);
    let total = 0;
    for (const a of header.arrays) total += align8(a.length * BYTES[a.kind]);
    if (at + total !== payload.length) return undefined;
    // In the hunt's arena when there is one (wasm-arena.ts), where the scan kernel reads the tables.
    const placed = sharedArray(Uint8Array, total);
    placed.array.set(payload.subarray(at));
    const shared = placed.array.buffer;
    let off = placed.array.byteOffset;
    const views: Partial<Record<ArrayName, Table>> = {};
    for (const a of header.arrays) {
      views[a.name] =
        a.kind === 'u8'
          ? new Uint8Array(shared, off, a.length)
          : a.kind === 'u16'
            ? new Uint16Array(shared, off, a.length)
            : new Int32Array(shared, off, a.length);
      off += align8(a.length * BYTES[a.kind]);
    }
    const { ascii, delta, accept, outStart, outIds } = views;
    if (!(ascii instanceof Uint16Array) || !(accept instanceof Uint8Array)) return undefined;
    if (!(outStart instanceof Int32Array) || !(outIds instanceof Int32Array)) return undefined;
    if (!(delta instanceof Uint16Array || delta instanceof Int32Array)) return undefined;
    return {
      ascii,
      wideBase: header.wideBase,
      width: header.width,
      delta,
      accept,
      outStart,
      outIds,
      fold: header.fold,
      arena: placed.arena,
      outArena: placed.arena,
    };
  } catch {
    return undefined;
  }
}
