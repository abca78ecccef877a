import { displayWidth } from './text-width.js';

export type ColumnKey =
  | 'timestamp'
  | 'computer'
  | 'channel'
  | 'eventId'
  | 'recordId'
  | 'level'
  | 'rule'
  | 'details';

export interface Column {
  key: ColumnKey;
  title: string;
  width: number;
  /** Lines a cell may wrap onto; 1 truncates with '…'. */
  maxLines: number;
  alignRight: boolean;
}

/**
 * `columns`: one row per hit with all eight columns side by side.
 * `stacked`: for narrow terminals, each hit on a few indented lines (time, level and rule; then
 * computer, channel, ids; then details).
 */
export type TableLayout = { kind: 'columns'; columns: Column[] } | { kind: 'stacked'; width: number };

export const COLUMN_SEPARATOR = ' │ ';
export const DEFAULT_WIDTH = 200;
/** Lines a Rule and a Details cell may take before they are cut. */
export const RULE_LINES = 2;
export const DETAIL_LINES = 3;

/** Fits the table to `width` columns; 0 or less means DEFAULT_WIDTH (output that is not a terminal). */
export function layoutTable(width: number, abbrev: boolean, zone: string): TableLayout {
  const total = Number.isFinite(width) && width > 0 ? Math.floor(width) : DEFAULT_WIDTH;
  const timeTitle = `Timestamp (${zone})`;
  const col = (key: ColumnKey, title: string, w: number, maxLines = 1, alignRight = false): Column => ({
    key,
    title,
    width: w,
    maxLines,
    alignRight,
  });
  const columns = [
    col('timestamp', timeTitle, Math.max(23, displayWidth(timeTitle))),
    col('computer', 'Computer', 8),
    col('channel', 'Channel', abbrev ? 7 : 12),
    col('eventId', 'EventID', 7, 1, true),
    col('recordId', 'RecordID', 8, 1, true),
    col('level', 'Level', 5),
    col('rule', 'Rule', 18, RULE_LINES),
    col('details', 'Details', 36, DETAIL_LINES),
  ];
  const byKey = (key: ColumnKey): Column => columns.find((c) => c.key === key)!;
  const used = columns.reduce((n, c) => n + c.width, 0) + COLUMN_SEPARATOR.length * (columns.length - 1);
  if (used > total) return { kind: 'stacked', width: total };
  let extra = total - used;
  const grow = (key: ColumnKey, upTo: number): void => {
    const c = byKey(key);
    const add = Math.min(extra, Math.max(0, upTo - c.width));
    c.width += add;
    extra -= add;
  };
  grow('channel', abbrev ? 11 : 40);
  grow('computer', 20);
  const rule = byKey('rule');
  grow('rule', Math.min(50, rule.width + Math.floor(extra / 3)));
  grow('details', Number.POSITIVE_INFINITY);
  return { kind: 'columns', columns };
}
