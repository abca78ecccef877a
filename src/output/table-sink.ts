import { BufferedWriter } from './buffered-writer.js';
import { abbreviateChannel } from './channels.js';
import { bold, dim, LEVEL_SHORT, paintLevel } from './colors.js';
import { detailPairs, PAIR_SEPARATOR } from './detail-pairs.js';
import { detailLabel } from './details.js';
import { escapeForTerminal } from './escape.js';
import { COLUMN_SEPARATOR, type Column, type ColumnKey, DETAIL_LINES, layoutTable } from './table-layout.js';
import { padEnd, padStart, truncate, wrap } from './text-width.js';
import { createTimeFormatter, hitTime, type TimeFormatter } from './time-format.js';
import type { HitRecord, HitSink, SinkOptions } from './types.js';

type Cells = Record<ColumnKey, string>;

/** A run of whitespace holding a tab or line break: one space in Details, so scripts and lists read on. */
const LINE_BREAKS = /[ \t\r\n]*[\t\r\n][ \t\r\n]*/g;

/** Every piece of log or rule text is escaped here, before any measuring or cutting. */
function cellsOf(hit: HitRecord, time: TimeFormatter, abbrev: boolean): Cells {
  const channel = hit.channel ?? '';
  return {
    timestamp: time.local(hitTime(hit.timestamp)),
    computer: escapeForTerminal(hit.computer ?? ''),
    channel: escapeForTerminal(abbrev ? abbreviateChannel(channel) : channel),
    eventId: escapeForTerminal(hit.event_id === null ? '' : String(hit.event_id)),
    recordId: escapeForTerminal(hit.record_id === null ? '' : String(hit.record_id)),
    level: LEVEL_SHORT[hit.level],
    rule: escapeForTerminal(hit.rule.title),
    details: detailPairs(hit)
      .map(
        ([k, v]) => `${escapeForTerminal(detailLabel(k))}: ${escapeForTerminal(v.replace(LINE_BREAKS, ' '))}`,
      )
      .join(PAIR_SEPARATOR),
  };
}

function columnLines(text: string, c: Column): string[] {
  if (c.maxLines === 1) return [truncate(text, c.width)];
  const lines = wrap(text, c.width, c.maxLines);
  return lines.length === 0 ? [''] : lines;
}

function renderColumnsRow(hit: HitRecord, cells: Cells, columns: Column[], color: boolean): string {
  const lines = columns.map((c) => columnLines(cells[c.key], c));
  const height = Math.max(...lines.map((l) => l.length));
  let out = '';
  for (let i = 0; i < height; i++) {
    const parts = columns.map((c, j) => {
      const text = lines[j]![i] ?? '';
      const padded = c.alignRight ? padStart(text, c.width) : padEnd(text, c.width);
      return c.key === 'level' || c.key === 'rule' ? paintLevel(padded, hit.level, color) : padded;
    });
    out += `${parts.join(COLUMN_SEPARATOR).trimEnd()}\n`;
  }
  return out;
}

function renderColumnsHeader(columns: Column[], color: boolean): string {
  const titles = columns.map((c) => padEnd(c.title, c.width)).join(COLUMN_SEPARATOR);
  const rule = columns.map((c) => '─'.repeat(c.width)).join('─┼─');
  return `${bold(titles.trimEnd(), color)}\n${dim(rule, color)}\n`;
}

const INDENT = '    ';

function renderStacked(hit: HitRecord, cells: Cells, width: number, color: boolean): string {
  const level = paintLevel(padEnd(cells.level, 4), hit.level, color);
  const head = `${cells.timestamp}  `;
  const rule = paintLevel(truncate(cells.rule, width - head.length - 6), hit.level, color);
  const where = [cells.computer, cells.channel, cells.eventId, cells.recordId ? `#${cells.recordId}` : '']
    .filter((s) => s !== '')
    .join('  ');
  let out = `${head}${level}  ${rule}\n${INDENT}${truncate(where, width - INDENT.length)}\n`;
  for (const line of wrap(cells.details, width - INDENT.length, DETAIL_LINES)) out += `${INDENT}${line}\n`;
  return out;
}

function renderStackedHeader(zone: string, width: number, color: boolean): string {
  const lines = [
    `Timestamp (${zone})  Level  Rule`,
    `${INDENT}Computer  Channel  EventID  #RecordID`,
    `${INDENT}Details`,
  ].map((l) => truncate(l, width));
  return `${bold(lines.join('\n'), color)}\n${dim('─'.repeat(width), color)}\n`;
}

/**
 * The timeline table, written row by row in the order hits arrive (the caller sorts), fitted to the
 * terminal width: Rule and Details wrap onto a few lines, other cells are cut with '…'. The header
 * comes with the first hit; no hits, no output.
 */
export function createTableSink(out: NodeJS.WritableStream, opts: SinkOptions): HitSink {
  const w = new BufferedWriter(out);
  const time = createTimeFormatter(opts.timezone);
  const layout = layoutTable(opts.width, opts.abbrev, time.zone);
  let started = false;
  return {
    write: (hit: HitRecord) => {
      const cells = cellsOf(hit, time, opts.abbrev);
      if (layout.kind === 'columns') {
        if (!started) w.push(renderColumnsHeader(layout.columns, opts.color));
        w.push(renderColumnsRow(hit, cells, layout.columns, opts.color));
      } else {
        if (!started) w.push(renderStackedHeader(time.zone, layout.width, opts.color));
        w.push(renderStacked(hit, cells, layout.width, opts.color));
      }
      started = true;
    },
    end: () => w.finish(),
    get backlogged() {
      return w.backlogged;
    },
    drain: () => w.drain(),
  };
}
