import type { Warning } from '../event/index.js';
import { type Bytes, gunzip, isGzip, peek, rawBytes, sniffEncoding, utf16ToUtf8 } from './decode.js';
import type { Chunk, InputFile, ReadOptions } from './types.js';

const DEFAULT_CHUNK = 2 << 20;
const END_EVENT = Buffer.from('</Event>');

function countLines(b: Uint8Array): number {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  let n = 0;
  let i = buf.indexOf(10);
  while (i >= 0) {
    n++;
    i = buf.indexOf(10, i + 1);
  }
  return n;
}

function isBlankByte(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

const RECORD = Buffer.from('Record ');

/** evtx_dump's XML output starts each record with a `Record N` line. */
function isRecordLine(b: Buffer, i: number): boolean {
  return b.length - i >= RECORD.length && b.compare(RECORD, 0, RECORD.length, i, i + RECORD.length) === 0;
}

function describe(c: number): string {
  return c >= 0x21 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/** The end (exclusive) of the first whole record that ends at or after `from`, or -1. */
function cutAfter(buf: Buffer, format: 'xml' | 'ndjson', from: number): number {
  if (format === 'ndjson') {
    const nl = buf.indexOf(10, from);
    return nl < 0 ? -1 : nl + 1;
  }
  const e = buf.indexOf(END_EVENT, from);
  return e < 0 ? -1 : e + END_EVENT.length;
}

/**
 * Streams one input file as record-aligned chunks. The format is sniffed from the content: gzip
 * magic, then the BOM (UTF-8, UTF-16LE/BE; UTF-16 is transcoded to UTF-8 here), then the first
 * non-blank byte: `<` (or evtx_dump's `Record N` line) is XML, `{` NDJSON. Anything else (binary, garbage, an empty file) gives one
 * warning naming the file and no chunks. NDJSON is cut after a newline, XML after `</Event>`; the
 * remainder carries into the next chunk, and a truncated final record is still delivered in the
 * last chunk so that the parser can report it with its offset. Each chunk's `data` owns its whole
 * ArrayBuffer, so it can be transferred to a worker.
 */
export async function* readChunks(file: InputFile, opts: ReadOptions = {}): AsyncGenerator<Chunk> {
  const chunkBytes = Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK);
  const warn = (w: Omit<Warning, 'file'>): void => opts.onWarning?.({ file: file.display, ...w });
  let offset = 0;
  let line = 1;
  try {
    let src: Bytes = rawBytes(file.path, opts.onBytes);
    let p = await peek(src, 4);
    if (isGzip(p.head)) {
      src = gunzip(p.rest);
      p = await peek(src, 4);
    }
    src = p.rest;
    const enc = sniffEncoding(p.head);
    if (enc.encoding !== 'utf-8') src = utf16ToUtf8(src, enc.encoding, enc.bom);
    else offset = enc.bom;

    let format: 'xml' | 'ndjson' | undefined;
    let pending: Buffer[] = [];
    let pendingLen = 0;
    let skipBom = enc.encoding === 'utf-8' ? enc.bom : 0;
    let searchFrom = 0;
    for await (const piece of src) {
      let b = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      if (skipBom > 0) {
        const k = Math.min(skipBom, b.length);
        b = b.subarray(k);
        skipBom -= k;
      }
      if (b.length === 0) continue;
      if (format === undefined) {
        let i = 0;
        while (i < b.length && isBlankByte(b[i] as number)) i++;
        if (i < b.length) {
          const c = b[i] as number;
          if (c === 0x3c || isRecordLine(b, i)) format = 'xml';
          else if (c === 0x7b) format = 'ndjson';
          else {
            warn({
              offset: offset + pendingLen + i,
              message: `not an XML or NDJSON event export (starts with ${describe(c)}); file skipped`,
            });
            return;
          }
        }
      }
      pending.push(b);
      pendingLen += b.length;
      if (format === undefined) continue;
      while (pendingLen >= chunkBytes) {
        const all = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingLen);
        pending = [all];
        const end = cutAfter(all, format, Math.max(0, chunkBytes - END_EVENT.length, searchFrom));
        if (end < 0) {
          // One record longer than a chunk: keep reading, and look only at the new bytes next time.
          searchFrom = Math.max(0, pendingLen - END_EVENT.length);
          break;
        }
        // A fresh buffer per chunk: its ArrayBuffer can be transferred to a worker without
        // detaching the carried remainder.
        const data = new Uint8Array(end);
        data.set(all.subarray(0, end));
        yield { format, data, offset, line };
        offset += data.length;
        line += countLines(data);
        const rest = all.subarray(end);
        pending = rest.length > 0 ? [rest] : [];
        pendingLen = rest.length;
        searchFrom = 0;
      }
    }
    if (format === undefined) {
      warn({ message: offset === 0 && pendingLen === 0 ? 'empty file' : 'no records (only blank space)' });
      return;
    }
    if (pendingLen > 0) {
      const data = new Uint8Array(pendingLen);
      let at = 0;
      for (const b of pending) {
        data.set(b, at);
        at += b.length;
      }
      yield { format, data, offset, line };
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    const msg = e instanceof Error ? e.message : String(e);
    warn({ offset, message: code?.startsWith('Z_') ? `corrupt gzip data: ${msg}` : `read error: ${msg}` });
  }
}
