import { randomBytes } from 'node:crypto';
import { closeSync, createWriteStream, fsync, openSync, renameSync, unlink } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface OutputFile {
  stream: NodeJS.WritableStream;
  /** Ends the stream, flushes it to disk, and renames the temporary file over `path`. */
  commit(): Promise<void>;
  /** Drops the temporary file; `path` is left as it was. */
  abort(): Promise<void>;
}

/**
 * Opens `path` for writing through a temporary file beside it (`.NAME.RANDOM.spoor-tmp`), so a
 * reader never sees a half-written file and an interrupted scan leaves the old file in place.
 * Opening is synchronous: a missing directory or a permission problem throws here, before any scan.
 */
export function openOutputFile(path: string): OutputFile {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.spoor-tmp`);
  const fd = openSync(temp, 'wx', 0o644);
  const stream = createWriteStream('', { fd, autoClose: false });
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
