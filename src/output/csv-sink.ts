import { BufferedWriter } from './buffered-writer.js';
import { detailPairs, PAIR_SEPARATOR } from './detail-pairs.js';
import { escapeForTerminal } from './escape.js';
import type { HitRecord, HitSink } from './types.js';

export const CSV_COLUMNS = [
  'timestamp',
  'level',
  'rule_title',
  'rule_id',
  'rule_kind',
  'rule_path',
  'tags',
  'computer',
  'channel',
  'event_id',
  'record_id',
  'source_file',
  'source_offset',
  'source_line',
  'details',
  'hit_id',
] as const;

/** First characters that make a spreadsheet read a cell as a formula (ASCII and full-width forms). */
const FORMULA_START = /^[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell: a leading apostrophe when the text starts like a formula, then RFC 4180 quoting
 * (double quotes around cells holding a comma, quote, CR or LF; inner quotes doubled).
 */
export function csvCell(text: string): string {
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function row(hit: HitRecord): string[] {
  const src = hit.source;
  return [
    hit.timestamp ?? '',
    hit.level,
    hit.rule.title,
    hit.rule.id,
    hit.rule.kind,
    hit.rule.path,
    hit.rule.tags.join(' '),
    hit.computer ?? '',
    hit.channel ?? '',
    hit.event_id === null ? '' : String(hit.event_id),
    hit.record_id === null ? '' : String(hit.record_id),
    src?.file ?? '',
    src?.offset === undefined ? '' : String(src.offset),
    src?.line === undefined ? '' : String(src.line),
    detailPairs(hit)
      .map(([k, v]) => `${k}: ${v}`)
      .join(PAIR_SEPARATOR),
    hit.hit_id,
  ];
}

/**
 * CSV with a header row (left out when appending to a file that has one) and CRLF line ends (RFC 4180). Written to a terminal, every cell also goes
 * through escapeForTerminal; written to a pipe or file, cells keep the logged text.
 */
export function createCsvSink(out: NodeJS.WritableStream, header = true): HitSink {
  const w = new BufferedWriter(out);
  const tty = (out as { isTTY?: boolean }).isTTY === true;
  const line = (cells: readonly string[]): string =>
    `${cells.map((c) => csvCell(tty ? escapeForTerminal(c) : c)).join(',')}\r\n`;
  if (header) w.push(line(CSV_COLUMNS));
  return {
    write: (hit: HitRecord) => w.push(line(row(hit))),
    end: () => w.finish(),
    get backlogged() {
      return w.backlogged;
    },
    drain: () => w.drain(),
  };
}
