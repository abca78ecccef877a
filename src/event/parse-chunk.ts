import { isAscii } from 'node:buffer';
import { FieldBuilder } from './builder.js';
import { isObj, jsonRecord, MAX_NESTING, nestingDrops } from './json-event.js';
import { EvtxJsonEvent } from './json-lazy.js';
import type { ChunkLike, Event, ParseStats, SourceRef, Warning } from './types.js';
import { referenceRecord } from './xml-reference.js';
import { scanRecord } from './xml-scan.js';

const builder = new FieldBuilder();

export type OnEvent = (ev: Event, src: SourceRef) => void;
export type OnWarning = (w: Warning) => void;

/**
 * Looks at a record's raw bytes b[from, to) before it is parsed: false means the record is not
 * wanted (no rule can match it) and is counted without being parsed. XML records are given from
 * `<Event` to the end of `</Event>`, NDJSON records as their line. It is called once for every
 * record before the record is parsed, with `b` undefined when the bytes cannot be given.
 */
export type Screen = (
  b: Uint8Array | undefined,
  from: number,
  to: number,
  format: 'xml' | 'ndjson',
) => boolean;

export interface ParseOptions {
  /** For tests and benchmarks: force the reference XML reading for every record. */
  xmlReader?: 'scanner' | 'reference';
  screen?: Screen;
  /**
   * evtx_dump NDJSON records are read in place by default (EvtxJsonEvent); `eager` copies every
   * record into a field dictionary first, as the other shapes are (for tests and benchmarks).
   */
  ndjsonView?: 'lazy' | 'eager';
}

/**
 * Parses the whole records of one chunk into Event views. XML records are given their byte
 * offset, NDJSON records their line. A malformed record is skipped with a warning naming the
 * file and its line / offset; the rest of the chunk is read.
 */
export function parseChunk(
  chunk: ChunkLike,
  file: string,
  onEvent: OnEvent,
  onWarning: OnWarning,
  opts?: ParseOptions,
): ParseStats {
  const d = chunk.data;
  const buf = Buffer.from(d.buffer, d.byteOffset, d.byteLength);
  if (chunk.format === 'ndjson')
    return parseNdjson(buf, chunk, file, onEvent, onWarning, opts?.screen, opts?.ndjsonView !== 'eager');
  const reference = opts?.xmlReader === 'reference';
  const screen = opts?.screen;
  // An ASCII chunk (checked natively) is copied as Latin-1, far cheaper than UTF-8 decoding.
  const ascii = isAscii(buf);
  // CDATA, comments and DTDs may hold a literal `</Event>` that is not a record's end: such a
  // chunk is decoded whole, so the record readers see each record entire.
  if (buf.indexOf(MARKUP_DECL) >= 0) {
    return parseXml(
      buf.toString(ascii ? 'latin1' : 'utf8'),
      ascii ? buf : undefined,
      chunk,
      () => chunk.line,
      file,
      onEvent,
      onWarning,
      reference,
      screen,
    );
  }
  // Otherwise in parts, a segment of records at a time: an ASCII segment copied as Latin-1, and one
  // that holds some non-ASCII text record by record (only those records pay for UTF-8 decoding and
  // two-byte strings).
  return parseXmlInParts(buf, ascii, chunk, file, onEvent, onWarning, reference, screen);
}

const MARKUP_DECL = Buffer.from('<!');

const END_EVENT = Buffer.from('</Event>');

function newlines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  let i = buf.indexOf(10, from);
  while (i >= 0 && i < to) {
    n++;
    i = buf.indexOf(10, i + 1);
  }
  return n;
}

/**
 * Records decoded 64 KiB at a time. Node copies a Latin-1 string of more than ~1 MB into a C-heap
 * block of its own (an external string), freed only when the collector reaches it: one 2-3 MiB
 * allocation per chunk, and a freed block that size keeps glibc's mmap threshold high for the rest
 * of the process (common/scratch-read.ts). Smaller strings live in V8's heap, but one above V8's
 * regular object size (128 KiB) goes to its large-object space, in the old generation, and a value
 * sliced from it keeps all of it alive: with 512 KiB parts a two-thread hunt over 500 MB of ASCII
 * python-evtx XML peaked 7-8 MiB higher, for no gain in time (docs/performance.md).
 */
const SEGMENT_BYTES = 64 * 1024;

/** The end of the part that starts at `from`: just past the first `</Event>` at or after `from + min`. */
function partEnd(buf: Buffer, from: number, min: number): number {
  const e = buf.length - from > min ? buf.indexOf(END_EVENT, from + min) : -1;
  return e < 0 ? buf.length : e + END_EVENT.length;
}

/**
 * A chunk decoded and parsed in parts, each cut after a record's `</Event>` (so each part holds
 * whole records, as the framer's chunks do): segments of SEGMENT_BYTES or a little more, and within
 * a segment that is not ASCII, single records. A part is copied as Latin-1 when it is ASCII
 * (`ascii`: the whole chunk is, and no part is checked again), its strings staying one byte per
 * character, else decoded as UTF-8; its byte offsets need no re-counting across the chunk.
 */
function parseXmlInParts(
  buf: Buffer,
  ascii: boolean,
  chunk: ChunkLike,
  file: string,
  onEvent: OnEvent,
  onWarning: OnWarning,
  reference: boolean,
  screen: Screen | undefined,
): ParseStats {
  const total: ParseStats = { records: 0, skipped: 0, unparsed: 0 };
  const part = (from: number, to: number, isAsciiPart: boolean): void => {
    const data = buf.subarray(from, to);
    const s = isAsciiPart ? buf.toString('latin1', from, to) : buf.toString('utf8', from, to);
    const p: ChunkLike = { format: 'xml', data, offset: chunk.offset + from, line: chunk.line };
    const firstLine = (): number => chunk.line + newlines(buf, 0, from);
    const st = parseXml(s, data, p, firstLine, file, onEvent, onWarning, reference, screen);
    total.records += st.records;
    total.skipped += st.skipped;
    total.unparsed += st.unparsed;
  };
  let from = 0;
  while (from < buf.length) {
    const to = partEnd(buf, from, SEGMENT_BYTES);
    if (ascii || isAscii(buf.subarray(from, to))) part(from, to, true);
    else {
      for (let f = from; f < to; ) {
        const t = Math.min(partEnd(buf, f, 0), to);
        part(f, t, isAscii(buf.subarray(f, t)));
        f = t;
      }
    }
    from = to;
  }
  return total;
}

/** UTF-8 length of s[from, to). */
function utf8Length(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

function lineAt(s: string, idx: number, first: number): number {
  let line = first;
  let p = s.indexOf('\n');
  while (p >= 0 && p < idx) {
    line++;
    p = s.indexOf('\n', p + 1);
  }
  return line;
}

/** Index of the next `<Event` start tag (not `<Events`, `<EventData` …) at or after from; -1 if none. */
function eventStart(s: string, from: number): number {
  let j = from;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c !== 10 && c !== 13 && c !== 32 && c !== 9) break;
    j++;
  }
  if (s.startsWith('<Event', j)) {
    const c = s.charCodeAt(j + 6);
    if (c === 32 || c === 62 || c === 10 || c === 13 || c === 9 || c === 47) return j;
  }
  let i = s.indexOf('<Event', j);
  while (i >= 0) {
    const c = s.charCodeAt(i + 6);
    if (c === 32 || c === 62 || c === 10 || c === 13 || c === 9 || c === 47) return i;
    i = s.indexOf('<Event', i + 6);
  }
  return -1;
}

/** evtx_dump's line before each record of its `-o json` output (read past in a rewritten layout). */
const RECORD_LINE = /^Record \d+\s*$/;

/** What may stand between records: blanks, declarations, the <Events> root, comments, `Record N` lines. */
const GAP = /^(?:\s+|<\?[\s\S]*?\?>|<\/?Events(?:\s[^<>]*)?>|<!--[\s\S]*?-->|Record \d+)*$/;

function gapIsClean(s: string, from: number, to: number): boolean {
  if (to - from <= 8) {
    let blank = true;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) {
        blank = false;
        break;
      }
    }
    if (blank) return true;
  }
  return GAP.test(s.slice(from, to));
}

/**
 * Reads the records of `s`. `bytes`, when given, are the encoded text of `s` (for the screen):
 * index for index when `s` is ASCII, else the bytes of the part `s` was decoded from (see parseXmlInParts).
 */
function parseXml(
  s: string,
  bytes: Uint8Array | undefined,
  chunk: ChunkLike,
  firstLine: () => number,
  file: string,
  onEvent: OnEvent,
  onWarning: OnWarning,
  referenceOnly: boolean,
  screen: Screen | undefined,
): ParseStats {
  const stats: ParseStats = { records: 0, skipped: 0, unparsed: 0 };
  const ascii = s.length === chunk.data.length;
  let bIdx = 0;
  let bOff = chunk.offset;
  const offsetOf = (idx: number): number => {
    if (ascii) return chunk.offset + idx;
    bOff += idx - bIdx < 64 ? utf8Length(s, bIdx, idx) : Buffer.byteLength(s.slice(bIdx, idx), 'utf8');
    bIdx = idx;
    return bOff;
  };
  const warn = (idx: number, message: string): void => {
    onWarning({ file, line: lineAt(s, idx, firstLine()), offset: offsetOf(idx), message });
  };
  let pos = 0;
  const n = s.length;
  while (pos < n) {
    const st = eventStart(s, pos);
    const gapEnd = st < 0 ? n : st;
    if (gapEnd > pos && !gapIsClean(s, pos, gapEnd)) {
      const dtd = s.slice(pos, gapEnd).indexOf('<!DOCTYPE') >= 0;
      warn(
        pos,
        dtd
          ? 'DTD skipped: entity declarations are never processed'
          : 'unexpected content between records skipped',
      );
      stats.skipped++;
    }
    if (st < 0) break;
    if (screen !== undefined) {
      // A whole record (no other <Event> start before its end) that no rule wants is only counted.
      const close = s.indexOf('</Event>', st);
      let whole = false;
      if (close > 0) {
        const next = eventStart(s, st + 6);
        whole = next < 0 || next > close;
      }
      let wanted: boolean;
      try {
        if (!whole || bytes === undefined) wanted = screen(undefined, 0, 0, 'xml');
        else if (ascii) wanted = screen(bytes, st, close + 8, 'xml');
        else {
          // A decoded part: the record's bytes are found from its characters' offsets.
          const from = offsetOf(st) - chunk.offset;
          wanted = screen(bytes, from, from + utf8Length(s, st, close + 8), 'xml');
        }
      } catch (e) {
        warn(st, unhandled(e));
        stats.skipped++;
        if (close < 0) break;
        pos = close + 8;
        continue;
      }
      if (!wanted) {
        stats.records++;
        stats.unparsed++;
        pos = close + 8;
        continue;
      }
    }
    let end = -1;
    if (!referenceOnly) {
      try {
        end = scanRecord(s, st, n, builder);
      } catch {
        // The reference parser below reads it, or says why it cannot.
        end = -1;
      }
    }
    let ok = end > 0;
    let reason = '';
    if (!ok) {
      builder.reset();
      const close = s.indexOf('</Event>', st);
      if (close < 0) {
        warn(st, 'truncated record: no </Event> before the end of the input');
        stats.skipped++;
        break;
      }
      end = close + 8;
      try {
        referenceRecord(s.slice(st, end), builder);
        ok = true;
      } catch (e) {
        builder.reset();
        reason = e instanceof Error ? e.message : String(e);
      }
      if (!ok) {
        const inner = eventStart(s, st + 6);
        if (inner >= 0 && inner < close) {
          warn(st, 'truncated record: a new <Event> starts before it ends');
          stats.skipped++;
          pos = inner;
          continue;
        }
        warn(st, reason);
        stats.skipped++;
        pos = end;
        continue;
      }
    }
    const ev = builder.finish();
    try {
      onEvent(ev, { file, offset: offsetOf(st) });
      stats.records++;
    } catch (e) {
      warn(st, unhandled(e));
      stats.skipped++;
    }
    pos = end;
  }
  return stats;
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10 && c !== 0xfeff) return false;
  }
  return true;
}

/**
 * One line's text. Lines are decoded one by one (a newline byte never occurs inside a UTF-8
 * sequence, so this reads exactly as decoding the chunk at once): an ASCII line is copied as
 * Latin-1, the cheapest decoding, and its strings stay one byte per character whatever the
 * other lines of the chunk hold.
 */
function lineText(buf: Buffer, from: number, to: number): string {
  return isAscii(buf.subarray(from, to)) ? buf.toString('latin1', from, to) : buf.toString('utf8', from, to);
}

function parseNdjson(
  buf: Buffer,
  chunk: ChunkLike,
  file: string,
  onEvent: OnEvent,
  onWarning: OnWarning,
  screen: Screen | undefined,
  lazy: boolean,
): ParseStats {
  const stats: ParseStats = { records: 0, skipped: 0, unparsed: 0 };
  let pos = 0;
  let line = chunk.line;
  const n = buf.length;
  const byOffset = chunk.byOffset === true;
  // Where the record at `pos` is: its line, or its byte offset in a rewritten layout.
  const at = (): SourceRef => (byOffset ? { file, offset: chunk.offset + pos } : { file, line });
  // One native check for the whole chunk spares a check (and a Buffer view) per line when it is ASCII.
  const ascii = isAscii(buf);
  while (pos < n) {
    let nl = buf.indexOf(10, pos);
    if (nl < 0) nl = n;
    // A rewritten layout indents its objects: a record starts (and is named) at its `{`.
    if (byOffset) while (pos < nl && (buf[pos] === 32 || buf[pos] === 9 || buf[pos] === 13)) pos++;
    // Whatever a record does to the screen, the reader or the rules, it costs that record only.
    try {
      if (screen !== undefined && buf[pos] === 123 /* { */ && !screen(buf, pos, nl, 'ndjson')) {
        stats.records++;
        stats.unparsed++;
      } else ndjsonRecord(nl);
    } catch (e) {
      builder.reset();
      onWarning({ ...at(), message: unhandled(e) });
      stats.skipped++;
    }
    line++;
    pos = nl + 1;
  }
  return stats;

  function ndjsonRecord(nl: number): void {
    const text = ascii ? buf.toString('latin1', pos, nl) : lineText(buf, pos, nl);
    if (screen !== undefined && buf[pos] !== 123) screen(undefined, 0, 0, 'ndjson');
    if (text.charCodeAt(0) === 123 /* { */ || !(isBlank(text) || (byOffset && RECORD_LINE.test(text)))) {
      let parsed: unknown;
      let error = '';
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        error = `malformed JSON: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (error === '' && !isObj(parsed))
        error = `not a JSON object (${Array.isArray(parsed) ? 'array' : typeof parsed})`;
      if (error !== '') {
        onWarning({ ...at(), message: error });
        stats.skipped++;
      } else {
        const o = parsed as Record<string, unknown>;
        // The view reads nested values on demand (during onEvent too): a record nested too deep to
        // read whole says so once it has been handled.
        const drops = nestingDrops();
        if (lazy && isObj(o.Event) && Object.hasOwn(o, 'Event')) onEvent(new EvtxJsonEvent(o, text), at());
        else {
          jsonRecord(o, text, builder);
          onEvent(builder.finish(), at());
        }
        stats.records++;
        if (nestingDrops() !== drops)
          onWarning({ ...at(), message: `values nested deeper than ${MAX_NESTING} levels were not read` });
      }
    }
  }
}

/** What a record whose handling threw is told; the scan goes on with the next one. */
function unhandled(e: unknown): string {
  return `record could not be handled (${e instanceof Error ? e.message : String(e)}); skipped`;
}
