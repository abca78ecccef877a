import { createReadStream } from 'node:fs';
import type { Warning } from '../event/index.js';
import { ChunkBuffers } from './chunk-buffers.js';
import { type Bytes, gunzip, isGzip, peek, rawBytes, sniffEncoding, utf16ToUtf8 } from './decode.js';
import { EXPORT_HINT } from './discover.js';
import { JsonFlattener, objectSpansLines } from './json-layout.js';
import type { Chunk, InputFile, ReadOptions } from './types.js';

const DEFAULT_CHUNK = 2 << 20;
const END_EVENT = Buffer.from('</Event>');
/**
 * The longest record read. An EVTX file stores records in 64 KiB chunks, so no exported event comes
 * near this (the shared corpus's 14,790 NDJSON records: 35 KB at most); a longer "record" is hostile
 * or broken input, and holding it whole would take its size many times over in every thread that
 * parses and renders it. It is skipped to the next record, with a warning.
 */
export const MAX_RECORD = 16 << 20;
/** Room in the staging buffer beyond one chunk: a file read piece is at most 1 MiB (decode.ts). */
const STAGE_SLACK = 1 << 20;

/**
 * The most bytes a chunk of a `chunkBytes` target holds unless one record is longer: chunks are cut
 * once the staged bytes reach the target, and a read piece adds at most STAGE_SLACK.
 */
export function chunkCapacity(chunkBytes = DEFAULT_CHUNK): number {
  return Math.max(1, chunkBytes) + STAGE_SLACK;
}

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

/** Read pieces used again across files: each is copied into the staging buffer, then given back. */
const PIECES = new ChunkBuffers(1 << 20);

/**
 * Staging buffers used again across files. A fresh one per file is 3 MiB of memory outside the heap,
 * which the collector counts: over a folder of small exports (the shared corpus's 582 NDJSON files,
 * 18 MB) a hunt made 107 full collections and spent 40 % of its CPU time in them.
 */
const STAGES: Buffer[] = [];
const KEPT_STAGES = 4;

function takeStage(capacity: number): Buffer {
  const i = STAGES.findIndex((b) => b.length === capacity);
  return i >= 0 ? STAGES.splice(i, 1)[0]! : Buffer.allocUnsafeSlow(capacity);
}

function giveStage(b: Buffer, capacity: number): void {
  if (b.length === capacity && STAGES.length < KEPT_STAGES && !STAGES.includes(b)) STAGES.push(b);
}

/** evtx_dump's XML output starts each record with a `Record N` line. */
function isRecordLine(b: Buffer, i: number): boolean {
  return b.length - i >= RECORD.length && b.compare(RECORD, 0, RECORD.length, i, i + RECORD.length) === 0;
}

/** A binary EVTX file starts with the file header's signature `ElfFile` and a NUL. */
const EVTX_MAGIC = Buffer.from('ElfFile\0', 'latin1');

function isEvtxFile(b: Buffer, i: number): boolean {
  return b.length - i >= EVTX_MAGIC.length && b.subarray(i, i + EVTX_MAGIC.length).equals(EVTX_MAGIC);
}

function describe(c: number): string {
  return c >= 0x21 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/** Offset just past the last complete record in `data` (0 when it holds none). */
function lastBoundary(data: Uint8Array, format: 'xml' | 'ndjson'): number {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (format === 'ndjson') return buf.lastIndexOf(10) + 1;
  const e = buf.lastIndexOf(END_EVENT);
  return e < 0 ? 0 : e + END_EVENT.length;
}

interface Layout {
  format: 'xml' | 'ndjson';
  /** JSON that is not one object a line (see json-layout.ts): rewritten as it is read. */
  multi: boolean;
}

/**
 * The layout announced by the first non-blank byte `b[i]`: `<` XML; `{` NDJSON, or pretty JSON when
 * the first object spans lines; `[` a JSON array; a `Record N` line evtx_dump's XML or, when an
 * object follows it, its JSON. Undefined for anything else.
 */
function layoutAt(b: Buffer, i: number): Layout | undefined {
  const c = b[i];
  if (c === 0x3c) return { format: 'xml', multi: false };
  if (c === 0x7b) return { format: 'ndjson', multi: objectSpansLines(b, i) === true };
  if (c === 0x5b) return { format: 'ndjson', multi: true };
  if (!isRecordLine(b, i)) return undefined;
  let k = b.indexOf(10, i);
  if (k >= 0) while (k < b.length && isBlankByte(b[k] as number)) k++;
  return k >= 0 && b[k] === 0x7b ? { format: 'ndjson', multi: true } : { format: 'xml', multi: false };
}

/** The layout a plain UTF-8 file's head announces, when it can be told from the first 64 KiB. */
async function headFormat(path: string): Promise<Layout | undefined> {
  const parts: Buffer[] = [];
  for await (const c of createReadStream(path, { start: 0, end: 65535 })) parts.push(c as Buffer);
  const head = Buffer.concat(parts);
  if (isGzip(head)) return undefined;
  const enc = sniffEncoding(head);
  if (enc.encoding !== 'utf-8') return undefined;
  let i = enc.bom;
  while (i < head.length && isBlankByte(head[i] as number)) i++;
  if (i >= head.length) return undefined;
  return layoutAt(head, i);
}

const EVENT_NAME = Buffer.from('Event');
/** An XML event export has its first `<Event` this early: what comes before it is a prelude. */
const FIRST_EVENT_WITHIN = 1 << 20;

/** Whether b[from..to) holds an `<Event` or `<prefix:Event` start tag, or an `<Events` root (an export with no records yet). */
function hasEventTag(b: Buffer, from: number, to: number): boolean {
  for (
    let i = b.indexOf(EVENT_NAME, from);
    i >= 0 && i + EVENT_NAME.length < to;
    i = b.indexOf(EVENT_NAME, i + 1)
  ) {
    const before = b[i - 1];
    const after = b[i + EVENT_NAME.length] as number;
    if (
      i > 0 &&
      (before === 0x3c || before === 0x3a) &&
      (isBlankByte(after) || after === 0x3e || after === 0x2f || after === 0x73)
    )
      return true;
  }
  return false;
}

/** What an XML file with no event in it is told (a PowerShell CLIXML file gets its own word). */
function noEventsMessage(b: Buffer, n: number): string {
  const head = b.toString('latin1', 0, Math.min(n, 4096));
  const what = /<Objs[\s>]/.test(head)
    ? 'a PowerShell CLIXML file (Export-Clixml), not an event export'
    : 'XML with no <Event> record';
  return `${what}: export events with wevtutil qe … /f:xml or Get-WinEvent … | ForEach-Object { $_.ToXml() }; file skipped`;
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
 * last chunk so that the parser can report it with its offset. Each chunk's `data` starts an
 * ArrayBuffer of its own, so it can be transferred to a worker; with `opts.buffers` the buffer comes
 * from there (it may be longer than the chunk) and goes back there when the caller is done with it.
 */
export async function* readChunks(file: InputFile, opts: ReadOptions = {}): AsyncGenerator<Chunk> {
  const chunkBytes = Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK);
  const maxRecord = Math.max(1, opts.maxRecordBytes ?? MAX_RECORD);
  const warn = (w: Omit<Warning, 'file'>): void => opts.onWarning?.({ file: file.display, ...w });
  let offset = 0;
  let line = 1;
  const start = opts.start && opts.start.offset > 0 ? opts.start : undefined;
  let format: 'xml' | 'ndjson' | undefined;
  // Set for JSON that is not one object a line: it rewrites the staged bytes as they come in.
  let flattener: JsonFlattener | undefined;
  // XML is held back until its first `<Event` tag: a file without one is refused whole, not read as
  // one stretch of content between records (a resumed file has had its events before).
  let eventSeen = opts.start !== undefined;
  const refuseNoEvents = (): void => warn({ offset, message: noEventsMessage(stage, fill), refused: true });
  // Bytes not yet cut into a chunk live in one reused staging buffer: pieces are copied in once,
  // each chunk is copied out once into a buffer of its own, and the remainder moves to the front.
  // No per-piece concatenation, so the main thread leaves no garbage buffers behind.
  const baseCap = chunkCapacity(chunkBytes);
  let stage = takeStage(baseCap);
  let fill = 0;
  const append = (b: Buffer): void => {
    if (fill + b.length > stage.length) {
      const grown = Buffer.allocUnsafe(Math.max(stage.length * 2, fill + b.length));
      stage.copy(grown, 0, 0, fill);
      stage = grown;
    }
    b.copy(stage, fill);
    flattener?.rewrite(stage, fill, fill + b.length);
    fill += b.length;
  };
  /** What every chunk of a rewritten layout carries: its records are named by offset. */
  const named = (): { byOffset?: true } => (flattener !== undefined ? { byOffset: true } : {});
  /**
   * A copy of the first `n` staged bytes at the start of an ArrayBuffer of its own (transferable):
   * one from `opts.buffers` when given, else one the size of the chunk.
   */
  const takeCopy = (n: number): Uint8Array => {
    // Not from Node's shared pool (its ArrayBuffer is its own) and not zero-filled: every byte is set.
    const data = opts.buffers ? opts.buffers.take(n) : Buffer.allocUnsafeSlow(n);
    stage.copy(data, 0, 0, n);
    return data;
  };
  /** Drops the first `n` staged bytes; a buffer grown for one huge record shrinks back. */
  const consume = (n: number): void => {
    if (fill > n) stage.copyWithin(0, n, fill);
    fill -= n;
    if (stage.length > 4 * baseCap && fill <= baseCap) {
      const small = Buffer.allocUnsafe(baseCap);
      stage.copy(small, 0, 0, fill);
      stage = small;
    }
  };
  /**
   * The first `n` staged bytes as a chunk, dropped from the stage; `offset` and `line` move past
   * them. Where the next chunk starts is worked out before the chunk is yielded: the consumer may
   * transfer `data` to a worker, which leaves it empty here.
   */
  const cutChunk = (fmt: 'xml' | 'ndjson', n: number): Chunk => {
    const data = takeCopy(n);
    const next = { offset: offset + n, line: line + countLines(data) };
    const chunk: Chunk = { format: fmt, data, offset, line, end: next, ...named() };
    consume(n);
    offset = next.offset;
    line = next.line;
    return chunk;
  };
  // Set while the bytes of a record longer than maxRecord are dropped, up to the next record's start.
  let skipping = false;
  /** Drops the first `n` staged bytes as skipped: the offset and line move past them. */
  const pass = (n: number): void => {
    line += countLines(stage.subarray(0, n));
    offset += n;
    consume(n);
  };
  /** Drops what is staged of a too-long record, but the bytes an end tag split across reads may need. */
  const passLong = (): void => {
    const keep = format === 'xml' ? Math.min(fill, END_EVENT.length - 1) : 0;
    pass(fill - keep);
  };
  try {
    let src: Bytes;
    let recycle = false;
    let skipBom = 0;
    /** Decoded bytes still to drop before the resume point (slow path). */
    let toSkip = 0;
    const fast = start && file.path !== '-' ? await headFormat(file.path) : undefined;
    if (start && fast) {
      // Plain UTF-8: read from the resume point on.
      opts.onBytes?.(start.offset);
      src = rawBytes(file.path, opts.onBytes, start.offset, PIECES);
      recycle = true;
      format = fast.format;
      if (fast.multi) flattener = new JsonFlattener();
      offset = start.offset;
      line = start.line;
    } else {
      src = rawBytes(file.path, opts.onBytes, 0, PIECES);
      let p = await peek(src, 4);
      const gz = isGzip(p.head);
      if (gz) {
        src = gunzip(p.rest);
        p = await peek(src, 4);
      }
      src = p.rest;
      const enc = sniffEncoding(p.head);
      if (enc.encoding !== 'utf-8') src = utf16ToUtf8(src, enc.encoding, enc.bom);
      else offset = enc.bom;
      // Pieces go back only when this loop gets them straight from the file: the decoders hold on
      // to theirs.
      recycle = !gz && enc.encoding === 'utf-8';
      skipBom = enc.encoding === 'utf-8' ? enc.bom : 0;
      if (start) toSkip = start.offset - offset;
    }

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
          const layout = layoutAt(b, i);
          if (layout !== undefined) {
            format = layout.format;
            if (layout.multi) flattener = new JsonFlattener();
          } else {
            warn({
              offset: offset + fill + i,
              message: isEvtxFile(b, i)
                ? `a binary EVTX file, which spoor does not read (export it first: ${EXPORT_HINT}); file skipped`
                : `not an XML or NDJSON event export (starts with ${describe(c)}); file skipped`,
              refused: true,
            });
            return;
          }
        }
      }
      if (toSkip > 0 && format !== undefined) {
        const k = Math.min(toSkip, b.length);
        b = b.subarray(k);
        toSkip -= k;
        offset += k;
        if (toSkip === 0) line = start!.line;
        if (b.length === 0) continue;
      }
      append(b);
      if (recycle) PIECES.give(piece);
      if (format === undefined) continue;
      if (format === 'xml' && !eventSeen) {
        eventSeen = hasEventTag(stage, Math.max(0, fill - b.length - EVENT_NAME.length - 1), fill);
        if (!eventSeen) {
          if (fill < FIRST_EVENT_WITHIN) continue;
          refuseNoEvents();
          return;
        }
      }
      if (skipping) {
        const e = cutAfter(stage.subarray(0, fill), format, 0);
        if (e < 0) {
          passLong();
          continue;
        }
        pass(e);
        skipping = false;
      }
      while (fill >= chunkBytes) {
        const all = stage.subarray(0, fill);
        const end = cutAfter(all, format, Math.max(0, chunkBytes - END_EVENT.length, searchFrom));
        // A record longer than any event, with or without its end staged yet: where it starts (the
        // whole records before it), looked for only once the staged bytes could hold one.
        let long = -1;
        if (end < 0 ? fill > maxRecord : end > maxRecord) {
          const from = lastBoundary(end < 0 ? all : all.subarray(0, end - 1), format);
          if ((end < 0 ? fill : end) - from > maxRecord) long = from;
        }
        if (long >= 0) {
          if (long > 0) yield cutChunk(format, long);
          // The warning names the record's own line, not the blank space before it.
          let blank = 0;
          while (blank < fill && isBlankByte(stage[blank] as number)) blank++;
          pass(blank);
          warn({
            ...(flattener === undefined ? { line } : {}),
            offset,
            message: `record longer than ${maxRecord >= 1 << 20 ? `${maxRecord / (1 << 20)} MiB` : `${maxRecord} bytes`} (no exported event is): skipped to the next record`,
          });
          searchFrom = 0;
          if (end >= 0) {
            pass(end - long - blank);
            continue;
          }
          skipping = true;
          passLong();
          break;
        }
        if (end < 0) {
          // One record longer than a chunk: keep reading, and look only at the new bytes next time.
          searchFrom = Math.max(0, fill - END_EVENT.length);
          break;
        }
        searchFrom = 0;
        yield cutChunk(format, end);
      }
    }
    if (format === undefined) {
      warn({ message: offset === 0 && fill === 0 ? 'empty file' : 'no records (only blank space)' });
      return;
    }
    if (format === 'xml' && !eventSeen && fill > 0) {
      refuseNoEvents();
      return;
    }
    // The input ended inside a too-long record: what is left of it was already warned of.
    if (skipping) fill = 0;
    if (fill > 0) {
      const data = takeCopy(fill);
      fill = 0;
      const cut = lastBoundary(data, format);
      yield {
        format,
        data,
        offset,
        line,
        end: { offset: offset + cut, line: line + countLines(data.subarray(0, cut)) },
        ...named(),
      };
    }
  } catch (e) {
    // The source failed or was cut (a broken pipe, Ctrl-C on stdin): the complete records already
    // read are still delivered, then the warning.
    if (format !== undefined && fill > 0 && !skipping) {
      const cut = lastBoundary(stage.subarray(0, fill), format);
      if (cut > 0) {
        const data = takeCopy(cut);
        fill = 0;
        const lines = countLines(data);
        yield { format, data, offset, line, end: { offset: offset + cut, line: line + lines }, ...named() };
        offset += cut;
      }
    }
    const code = (e as { code?: string }).code;
    const msg = e instanceof Error ? e.message : String(e);
    warn({ offset, message: code?.startsWith('Z_') ? `corrupt gzip data: ${msg}` : `read error: ${msg}` });
  } finally {
    // Every chunk was copied out of it: nothing yielded refers to the staging buffer.
    giveStage(stage, baseCap);
  }
}
