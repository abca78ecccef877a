import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { hostStdin } from '../common/index.js';
import type { ChunkBuffers } from './chunk-buffers.js';

/**
 * The byte layers under the framer: raw file or stdin bytes, transparent gunzip (sniffed from the
 * gzip magic, not the name) and UTF-16 → UTF-8 transcoding (sniffed from the BOM, or from a
 * `<` / `{` followed or preceded by a NUL when a BOM is missing).
 */

export type Bytes = AsyncIterable<Uint8Array>;

/** Bytes asked of the file per read. */
const PIECE = 1 << 20;

/** A buffer for one read piece: from `pieces` when given (to be given back), else a fresh one. */
function pieceBuffer(pieces: ChunkBuffers | undefined): Uint8Array {
  return pieces ? pieces.take(PIECE) : Buffer.allocUnsafeSlow(PIECE);
}

/**
 * A regular file of at most one piece, read whole from `startByte` on with synchronous calls, or
 * undefined (larger, not a regular file, or not readable: the caller reads it the usual way, and
 * reports what fails there). The promise API's open, stat, reads and close are each a round trip to
 * the file-system threads, which a folder of small exports is mostly made of.
 */
function readSmall(
  path: string,
  startByte: number,
  pieces: ChunkBuffers | undefined,
): Uint8Array | undefined {
  // Sized before it is opened: opening a FIFO waits for its writer, which must not hold up the
  // thread that answers Ctrl-C.
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return undefined;
    size = st.size;
  } catch {
    return undefined;
  }
  if (size - startByte > PIECE) return undefined;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  let buf: Uint8Array | undefined;
  try {
    buf = pieceBuffer(pieces);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, PIECE - n, startByte + n);
      if (r === 0) break;
      n += r;
      // Grown since it was sized: read the usual way.
      if (n === PIECE) {
        pieces?.give(buf);
        return undefined;
      }
    }
    return buf.subarray(0, n);
  } catch {
    if (buf !== undefined) pieces?.give(buf);
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The raw bytes of a file (or stdin for `-`), from `startByte` on, in pieces of at most 1 MiB. With
 * `pieces`, each piece is read into a buffer from there, which the consumer may give back once it
 * has copied the bytes out (the next read then reuses it); without, each piece is a buffer of its own.
 */
export function rawBytes(
  path: string,
  onBytes?: (n: number) => void,
  startByte = 0,
  pieces?: ChunkBuffers,
): Bytes {
  if (path === '-') {
    return (async function* () {
      for await (const b of hostStdin() as AsyncIterable<Buffer>) {
        onBytes?.(b.length);
        yield b;
      }
    })();
  }
  return (async function* () {
    const small = readSmall(path, startByte, pieces);
    if (small !== undefined) {
      if (small.length === 0) {
        pieces?.give(small);
        return;
      }
      onBytes?.(small.length);
      yield small;
      return;
    }
    const fh = await open(path, 'r');
    try {
      // A pipe or a device (`<(zcat x.gz)`, a FIFO) cannot seek: it is read in order, and the bytes
      // before `startByte` are read and dropped.
      const seekable = (await fh.stat()).isFile();
      let pos = startByte;
      let drop = seekable ? 0 : startByte;
      for (;;) {
        const buf = pieceBuffer(pieces);
        const { bytesRead } = await fh.read(buf, 0, PIECE, seekable ? pos : null);
        if (bytesRead === 0) {
          pieces?.give(buf);
          return;
        }
        pos += bytesRead;
        onBytes?.(bytesRead);
        const skip = Math.min(drop, bytesRead);
        drop -= skip;
        if (skip < bytesRead) yield buf.subarray(skip, bytesRead);
        else pieces?.give(buf);
      }
    } finally {
      await fh.close();
    }
  })();
}

/** Reads at least `n` bytes (fewer at the end of input) and returns them with the rest of the stream. */
export async function peek(src: Bytes, n: number): Promise<{ head: Buffer; rest: Bytes }> {
  const it = src[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let len = 0;
  let done = false;
  while (len < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    parts.push(b);
    len += b.length;
  }
  const head = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  const rest: Bytes = (async function* () {
    let finished = done;
    try {
      if (head.length > 0) yield head;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) {
          finished = true;
          return;
        }
        yield r.value;
      }
    } finally {
      // A reader that stops early (a file found not to be an export) closes the file now, not
      // whenever the collector reaches its handle.
      if (!finished) await it.return?.(undefined);
    }
  })();
  return { head, rest };
}

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

export function gunzip(src: Bytes): Bytes {
  const source = Readable.from(src);
  const gz = createGunzip();
  // Piping does not end the source when the output is closed early or fails (a corrupt stream, a
  // reader that stops): it is destroyed then, which ends its iteration and closes the file.
  gz.on('close', () => source.destroy());
  return source.pipe(gz) as unknown as Bytes;
}

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** The text encoding and the length of its byte-order mark. */
export function sniffEncoding(head: Uint8Array): { encoding: Encoding; bom: number } {
  const [a, b, c] = [head[0], head[1], head[2]];
  if (a === 0xef && b === 0xbb && c === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (a === 0xff && b === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (a === 0xfe && b === 0xff) return { encoding: 'utf-16be', bom: 2 };
  if ((a === 0x3c || a === 0x7b) && b === 0) return { encoding: 'utf-16le', bom: 0 };
  if (a === 0 && (b === 0x3c || b === 0x7b)) return { encoding: 'utf-16be', bom: 0 };
  return { encoding: 'utf-8', bom: 0 };
}

/** Transcodes a UTF-16 stream (BOM already skipped) to UTF-8 buffers. */
export function utf16ToUtf8(src: Bytes, encoding: 'utf-16le' | 'utf-16be', skip: number): Bytes {
  const dec = new TextDecoder(encoding);
  return (async function* () {
    let toSkip = skip;
    for await (let b of src) {
      if (toSkip > 0) {
        const k = Math.min(toSkip, b.length);
        b = b.subarray(k);
        toSkip -= k;
      }
      const s = dec.decode(b, { stream: true });
      if (s.length > 0) yield Buffer.from(s, 'utf8');
    }
    const tail = dec.decode();
    if (tail.length > 0) yield Buffer.from(tail, 'utf8');
  })();
}
