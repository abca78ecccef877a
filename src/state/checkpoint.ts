import { createReadStream } from 'node:fs';
import { open, readFile, rename, stat } from 'node:fs/promises';
import { xxh64 } from '@node-rs/xxhash';

export const FINGERPRINT_BYTES = 64 * 1024;

/** What a scan remembers about one input file. */
export interface FileCheckpoint {
  size: number;
  mtimeMs: number;
  /** xxhash64 (hex) of the file's first 64 KiB (fewer when the file is smaller). */
  fingerprint: string;
  /** How many bytes the fingerprint covers (so a file that grew past a short head is still recognised). */
  fingerprintBytes: number;
  /** Byte offset (in the decoded stream) just past the last complete record scanned. */
  offset: number;
  /** 1-based line number at `offset`. */
  line: number;
}

export interface StateFile {
  version: 1;
  files: Record<string, FileCheckpoint>;
  /** Open correlation / sequence windows carried into the next run (opaque to this module). */
  pending?: unknown;
}

const natural = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Whether a state file's entry is one spoor wrote: every field of the right type and range. A
 * hand-edited or damaged entry (an offset of "x", a negative line) must not steer where a file is
 * read from; the file is read from its start instead.
 */
export function isCheckpoint(v: unknown): v is FileCheckpoint {
  if (v === null || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return (
    natural(c.size) &&
    typeof c.mtimeMs === 'number' &&
    Number.isFinite(c.mtimeMs) &&
    typeof c.fingerprint === 'string' &&
    /^[0-9a-f]{16}$/.test(c.fingerprint) &&
    natural(c.fingerprintBytes) &&
    natural(c.offset) &&
    natural(c.line) &&
    (c.line as number) >= 1
  );
}

export function emptyState(): StateFile {
  return { version: 1, files: Object.create(null) as Record<string, FileCheckpoint> };
}

/** Reads a state file; a missing file is an empty state, a corrupt one an error naming it. */
export async function readState(path: string): Promise<StateFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw err;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`${path}: not a spoor state file (invalid JSON)`);
  }
  if (!doc || typeof doc !== 'object' || (doc as { version?: unknown }).version !== 1) {
    throw new Error(`${path}: not a spoor state file (unknown version)`);
  }
  const files = Object.create(null) as Record<string, FileCheckpoint>;
  const src = (doc as { files?: Record<string, FileCheckpoint> }).files ?? {};
  for (const k of Object.keys(src)) files[k] = src[k]!;
  return { version: 1, files, pending: (doc as StateFile).pending };
}

/** Writes the state durably: temporary file, fsync, rename over the old one. */
export async function writeState(path: string, state: StateFile): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(`${JSON.stringify(state)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** xxhash64 of the first `bytes` bytes of a file (raw bytes as stored, before any decoding). */
export async function fingerprint(
  path: string,
  bytes = FINGERPRINT_BYTES,
): Promise<{ hash: string; bytes: number }> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of createReadStream(path, { start: 0, end: bytes - 1 })) {
    chunks.push(c as Buffer);
    n += (c as Buffer).length;
  }
  return { hash: xxh64(Buffer.concat(chunks, n)).toString(16).padStart(16, '0'), bytes: n };
}

export type ResumeDecision =
  | { action: 'new' }
  | { action: 'unchanged'; from: { offset: number; line: number } }
  | { action: 'appended'; from: { offset: number; line: number } }
  | { action: 'replaced' }
  | { action: 'shrunk' };

/**
 * Decides where to start reading a file given its last checkpoint: new files and replaced or rotated
 * ones (different head, or cut short inside it) from the start, a file that kept its head but shrank
 * from the start with a warning, a file that only grew from where the last run stopped.
 */
export async function resumeDecision(
  path: string,
  prev: FileCheckpoint | undefined,
): Promise<ResumeDecision> {
  if (!prev) return { action: 'new' };
  const st = await stat(path);
  const sameHead =
    st.size >= prev.fingerprintBytes &&
    (await fingerprint(path, prev.fingerprintBytes)).hash === prev.fingerprint;
  if (!sameHead) return { action: 'replaced' };
  if (st.size < prev.size) return { action: 'shrunk' };
  const from = { offset: prev.offset, line: prev.line };
  return st.size === prev.size && st.mtimeMs === prev.mtimeMs
    ? { action: 'unchanged', from }
    : { action: 'appended', from };
}
