import { createReadStream, fstatSync } from 'node:fs';
import net from 'node:net';
import tty from 'node:tty';
import { fileWriteStream } from '../output/index.js';

/** How Node opens a standard descriptor of this kind as a process stream. */
function kindOf(fd: number): 'tty' | 'pipe' | 'file' {
  if (tty.isatty(fd)) return 'tty';
  const st = fstatSync(fd);
  return st.isFIFO() || st.isSocket() ? 'pipe' : 'file';
}

/**
 * A stream over one of the standard descriptors, opened the way Node opens its own process streams
 * (a terminal as a TTY stream, a pipe or socket through the event loop, a file with file writes),
 * for a worker thread, whose `process.stdout` and friends only forward to the main thread. Writing
 * from the thread that produces the bytes spares the copy and the hop through the main thread.
 */
export function fdWritable(fd: 1 | 2): NodeJS.WritableStream {
  const kind = kindOf(fd);
  if (kind === 'tty') return new tty.WriteStream(fd);
  if (kind === 'pipe') return new net.Socket({ fd, readable: false, writable: true });
  return fileWriteStream(fd);
}

/** Standard input, opened as fdWritable opens the outputs. */
export function fdReadable(): NodeJS.ReadableStream & { destroy(): void } {
  const kind = kindOf(0);
  if (kind === 'tty') return new tty.ReadStream(0);
  if (kind === 'pipe') return new net.Socket({ fd: 0, readable: true, writable: false });
  return createReadStream('', { fd: 0, autoClose: false });
}
