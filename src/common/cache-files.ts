import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { Xxh64, xxh64 } from '@node-rs/xxhash';

/**
 * The on-disk shape both caches share (rule IR, pre-filter automata): an entry is a magic word, the
 * xxh64 of the payload in hex, then the payload. It is written to a unique temporary name and
 * renamed into place, so concurrent writers never leave a half-written entry and readers see
 * either nothing or a whole one; an entry that does not check out is ignored, never trusted.
 */

const HASH_HEX = 16;

export function hex64(h: bigint): string {
  return h.toString(16).padStart(HASH_HEX, '0');
}

/**
 * A hash of source files (names and contents; a missing one counts as absent): what a cache keys
 * on so that a new build never reads an entry an older build wrote.
 */
export function hashFiles(files: readonly string[]): string {
  const h = new Xxh64();
  for (const f of files) {
    try {
      const bytes = readFileSync(f);
      h.update(path.basename(f));
      h.update(bytes);
    } catch {
      // not there (a .ts beside the .js only in a source tree)
    }
  }
  return h.digest().toString(16);
}

/** The payload of an entry written with `magic`, or undefined when it does not check out. */
export function openEntry(buf: Buffer, magic: string): Buffer | undefined {
  const head = magic.length + HASH_HEX;
  if (buf.length <= head || buf.toString('latin1', 0, magic.length) !== magic) return undefined;
  const payload = buf.subarray(head);
  return hex64(xxh64(payload)) === buf.toString('latin1', magic.length, head) ? payload : undefined;
}

/**
 * Writes `payload` as the entry `name` in `dir` (created private to the user); false when it could
 * not be written (read-only home, full disk): a cache is only a shortcut. A payload given in parts
 * is hashed and written part by part, never joined into one buffer (a multi-MB copy on the C heap,
 * which paged.ts tells the cost of).
 */
export function writeEntry(
  dir: string,
  name: string,
  magic: string,
  payload: Uint8Array | readonly Uint8Array[],
): boolean {
  const parts = payload instanceof Uint8Array ? [payload] : payload;
  let tmp: string | undefined;
  let fd: number | undefined;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const h = new Xxh64();
    for (const p of parts) h.update(p);
    tmp = path.join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    fd = openSync(tmp, 'wx', 0o600);
    writeAll(fd, Buffer.from(`${magic}${hex64(h.digest())}`, 'latin1'));
    for (const p of parts) writeAll(fd, p);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path.join(dir, name));
    return true;
  } catch {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
    }
    if (tmp !== undefined) {
      try {
        unlinkSync(tmp);
      } catch {
        // already gone
      }
    }
    return false;
  }
}

function writeAll(fd: number, b: Uint8Array): void {
  for (let at = 0; at < b.length; ) at += writeSync(fd, b, at, b.length - at);
}

/**
 * Keeps the newest entries named `prefix…​.bin` in `dir`, at most `keep.count` of them and
 * `keep.bytes` in all; also clears temporary files a killed writer left more than an hour ago.
 */
export function pruneEntries(dir: string, prefix: string, keep: { count?: number; bytes?: number }): void {
  const entries: { file: string; mtime: number; size: number }[] = [];
  const now = Date.now();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const file = path.join(dir, n);
    try {
      const st = statSync(file);
      if (n.startsWith(prefix) && n.endsWith('.bin'))
        entries.push({ file, mtime: st.mtimeMs, size: st.size });
      else if (n.startsWith(`.${prefix}`) && n.endsWith('.tmp') && now - st.mtimeMs > 3_600_000)
        unlinkSync(file);
    } catch {
      // removed by another process meanwhile
    }
  }
  entries.sort((a, b) => b.mtime - a.mtime);
  let bytes = 0;
  entries.forEach((e, i) => {
    bytes += e.size;
    if (i < (keep.count ?? Number.POSITIVE_INFINITY) && bytes <= (keep.bytes ?? Number.POSITIVE_INFINITY))
      return;
    try {
      unlinkSync(e.file);
    } catch {
      // removed by another process meanwhile
    }
  });
}
