import { createReadStream, createWriteStream, fstatSync } from 'node:fs';
import net from 'node:net';
import tty from 'node:tty';

/**
 * A stream over one of the standard descriptors, opened the way Node opens its own process streams
 * (a terminal as a TTY stream, a pipe or socket through the event loop, a file with file writes),
 * for a worker thread, whose `process.stdout` and friends only forward to the main thread. Writing
 * from the thread that produces the bytes spares the copy and the hop through the main thread.
 */
export function fdWritable(fd: 1 | 2): NodeJS.WritableStream {
  if (tty.isatty(fd)) return new tty.WriteStream(fd);
  const st = fstatSync(fd);
  if (st.isFIFO() || st.isSocket()) return new net.Socket({ fd, readable: false, writable: true });
  return createWriteStream('', { fd, autoClose: false });
}

/** Standard input, opened as fdWritable opens the outputs. */
export function fdReadable(): NodeJS.ReadableStream & { destroy(): void } {
  if (tty.isatty(0)) return new tty.ReadStream(0);
  const st = fstatSync(0);
  if (st.isFIFO() || st.isSocket()) return new net.Socket({ fd: 0, readable: true, writable: false });
  return createReadStream('', { fd: 0, autoClose: false });
}
