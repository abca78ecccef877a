import { randomBytes } from 'node:crypto';
import {
  closeSync,
  copyFileSync,
  createWriteStream,
  existsSync,
  fsync,
  openSync,
  renameSync,
  statSync,
  unlink,
  type WriteStream,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FILE_WRITE_AHEAD } from './buffered-writer.js';

/** A write stream over an open file descriptor, left open when the stream ends (see FILE_WRITE_AHEAD). */
export function fileWriteStream(fd: number): WriteStream {
  return createWriteStream('', { fd, autoClose: false, highWaterMark: FILE_WRITE_AHEAD });
}

export interface OutputFile {
  stream: NodeJS.WritableStream;
  /** Bytes already in the file when it was opened for appending (0 otherwise). */
  existingBytes: number;
  /** Ends the stream, flushes it to disk, and renames the temporary file over `path`. */
  commit(): Promise<void>;
  /** Drops the temporary file; `path` is left as it was. */
  abort(): Promise<void>;
}

/**
 * Opens `path` for writing through a temporary file beside it (`.NAME.RANDOM.spoor-tmp`), so a
 * reader never sees a half-written file and an interrupted scan leaves the old file in place.
 * Opening is synchronous: a missing directory or a permission problem throws here, before any scan.
 * With `append`, the temporary file starts as a copy of the existing one, so appending is atomic too:
 * a reader sees the old file or the old file plus every new hit, never a partial line.
 */
export function openOutputFile(path: string, opts: { append?: boolean } = {}): OutputFile {
  // A folder would only fail at the rename, after the whole scan (and its temporary file would
  // land beside the folder): say so before anything is opened.
  if (existsSync(path) && statSync(path).isDirectory())
    throw new Error(`is a directory: name a file to write (for example -o ${join(path, 'hits.jsonl')})`);
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.spoor-tmp`);
  const appending = opts.append === true && existsSync(path);
  if (appending) copyFileSync(path, temp);
  const existingBytes = appending ? statSync(temp).size : 0;
  const fd = openSync(temp, appending ? 'a' : 'wx', 0o644);
  const stream = fileWriteStream(fd);
  let failure: unknown;
  stream.on('error', (err) => {
    failure ??= err;
  });
  let state: 'open' | 'committed' | 'aborted' = 'open';
  /** Set once the descriptor is closed: by us after a commit, or by the stream when destroyed. */
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    closeSync(fd);
  };
  const removeTemp = (): Promise<void> =>
    new Promise((resolve) => {
      unlink(temp, () => resolve());
    });

  return {
    stream,
    existingBytes,
    commit: async () => {
      if (state !== 'open') throw new Error(`output file ${path} was already ${state}`);
      state = 'committed';
      try {
        await new Promise<void>((resolve, reject) => {
          if (failure !== undefined) {
            reject(failure);
            return;
          }
          stream.end(() => (failure === undefined ? resolve() : reject(failure)));
          stream.once('error', reject);
        });
        await new Promise<void>((resolve, reject) => {
          fsync(fd, (err) => (err ? reject(err) : resolve()));
        });
        close();
        renameSync(temp, path);
      } catch (err) {
        if (!closed) {
          closed = true;
          stream.destroy();
        }
        await removeTemp();
        throw err;
      }
    },
    abort: async () => {
      if (state !== 'open') return;
      state = 'aborted';
      closed = true;
      stream.destroy();
      await new Promise<void>((resolve) => {
        if (stream.closed) resolve();
        else stream.once('close', () => resolve());
      });
      await removeTemp();
    },
  };
}
