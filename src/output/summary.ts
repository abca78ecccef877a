import { LEVELS, type Level } from '../common/index.js';
import { bold, dim, LEVEL_SHORT, paintLevel } from './colors.js';
import { escapeForTerminal } from './escape.js';
import { formatBytes, formatCount, formatDuration, formatRate } from './numbers.js';
import { chooseBuckets, sparkline } from './sparkline.js';
import { SummaryAccumulator } from './summary-accumulator.js';
import { displayWidth, padEnd, padStart, truncate, truncateStyled } from './text-width.js';
import { createTimeFormatter } from './time-format.js';
import type { HitRecord } from './types.js';

export interface ScanSummary {
  files: number;
  events: number;
  bytes: number;
  skippedRecords: number;
  /** Hits dropped by --dedup because their hit id was already written in this run. */
  duplicateHits?: number;
  unreadableFiles: number;
  /**
   * --from / --to when given, and how many events they removed among those a rule could match:
   * an empty timeline then says whether the window, not the logs, emptied it.
   */
  window?: { fromMs?: number; toMs?: number; outside: number };
  elapsedMs: number;
  /** Matching threads the scan ran on (shown after the rate when given). */
  threads?: number;
  rulesLoaded: number;
  /** Refused rules, counted by reason. */
  rulesRefused: Record<string, number>;
  /** An accumulator fed hit by hit (what a scan should keep), or the hits themselves. */
  hits: SummaryAccumulator | readonly HitRecord[];
}

export interface SummaryOptions {
  color: boolean;
  /** Columns to fit; 0 or less means 100. */
  width: number;
  timezone?: string;
}

const TOP = 10;
const HOUR_MS = 3_600_000;
const LEVELS_DOWN: readonly Level[] = [...LEVELS].reverse();

function accumulate(hits: SummaryAccumulator | readonly HitRecord[]): SummaryAccumulator {
  if (hits instanceof SummaryAccumulator) return hits;
  const acc = new SummaryAccumulator();
  for (const hit of hits) acc.add(hit);
  return acc;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * The end-of-scan report: what was read, how fast, which rules loaded, hits per level with a
 * sparkline over time, first and last hit, and the rules and computers with hits, most severe first.
 * Rule titles, refusal reasons and computer names are escaped for the terminal.
 */
export function renderSummary(s: ScanSummary, opts: SummaryOptions): string {
  const width = Number.isFinite(opts.width) && opts.width > 0 ? Math.floor(opts.width) : 100;
  const time = createTimeFormatter(opts.timezone);
  const acc = accumulate(s.hits);
  const lines: string[] = [];
  const row = (label: string, text: string): void => {
    lines.push(`  ${padEnd(label, 10)} ${text}`);
  };

  lines.push(bold('Summary', opts.color));
  let scanned = plural(s.files, 'file');
  if (s.unreadableFiles > 0) scanned += ` (${formatCount(s.unreadableFiles)} unreadable)`;
  scanned += ` · ${plural(s.events, 'event')}`;
  if (s.skippedRecords > 0) scanned += ` (${formatCount(s.skippedRecords)} malformed, skipped)`;
  scanned += ` · ${formatBytes(s.bytes)}`;
  row('Scanned', scanned);
  if (s.window !== undefined) {
    const { fromMs, toMs, outside } = s.window;
    const bounds = [
      fromMs !== undefined ? `from ${time.withOffset(fromMs)}` : '',
      toMs !== undefined ? `to ${time.withOffset(toMs)}` : '',
    ]
      .filter((b) => b !== '')
      .join(' ');
    // Candidates: the events some rule could match, those the literal pre-filter lets through.
    const removed =
      outside > 0 ? `${plural(outside, 'candidate event')} outside it` : 'no candidate event outside it';
    row('Window', `${bounds} · ${removed}`);
  }
  const seconds = s.elapsedMs / 1000;
  const rate = seconds > 0 ? `${formatRate(s.events / seconds)} events/s` : '- events/s';
  const mbs = seconds > 0 ? ` · ${formatBytes(s.bytes / seconds)}/s` : '';
  if (s.duplicateHits) row('Dedup', `${plural(s.duplicateHits, 'repeated hit')} dropped (same hit id)`);
  const threads = s.threads !== undefined ? ` · ${plural(s.threads, 'thread')}` : '';
  row('Elapsed', `${formatDuration(s.elapsedMs)} · ${rate}${mbs}${threads}`);

  const reasons = Object.keys(s.rulesRefused)
    .map((reason) => [reason, s.rulesRefused[reason]!] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const refused = reasons.reduce((n, [, c]) => n + c, 0);
  row(
    'Rules',
    `${formatCount(s.rulesLoaded)} loaded${refused > 0 ? ` · ${formatCount(refused)} refused` : ''}`,
  );
  const countWidth = Math.max(1, ...reasons.map(([, n]) => formatCount(n).length));
  for (const [reason, n] of reasons.slice(0, TOP)) {
    const text = truncate(escapeForTerminal(reason), width - 15 - countWidth);
    lines.push(`${' '.repeat(13)}${padStart(formatCount(n), countWidth)}  ${text}`);
  }
  if (reasons.length > TOP)
    lines.push(`${' '.repeat(13)}… and ${plural(reasons.length - TOP, 'other reason')}`);

  lines.push('');
  if (acc.total === 0) {
    row('Hits', 'none');
    return `${lines.map((l) => truncate(l, width)).join('\n')}\n`;
  }
  row(
    'Hits',
    `${formatCount(acc.total)} from ${plural(acc.ruleCount, 'rule')} on ${plural(acc.computerTotal, 'computer')}`,
  );

  const levelCountWidth = Math.max(...LEVELS.map((l) => formatCount(acc.byLevel[l]).length));
  const chartIndent = 4 + 13 + 2 + levelCountWidth + 2;
  const columns = Math.max(8, width - chartIndent);
  const dated = !Number.isNaN(acc.first);
  const firstHour = Math.floor(acc.first / HOUR_MS);
  const lastHour = Math.floor(acc.last / HOUR_MS);
  const buckets = dated
    ? chooseBuckets(firstHour, lastHour, Math.round(time.offsetMinutes(acc.first) / 60), columns)
    : undefined;
  for (const level of LEVELS_DOWN) {
    const n = acc.byLevel[level];
    let line = `    ${paintLevel(padEnd(level, 13), level, opts.color)}  ${padStart(formatCount(n), levelCountWidth)}`;
    if (buckets !== undefined && n > 0) {
      const series = acc.series(level, buckets.hours, buckets.originHour, buckets.count);
      if (series.some((v) => v > 0)) line += `  ${paintLevel(sparkline(series), level, opts.color)}`;
    }
    lines.push(line);
  }
  if (buckets !== undefined) {
    const unit =
      buckets.hours === 1 ? 'per hour' : buckets.hours === 24 ? 'per day' : `per ${buckets.hours / 24} days`;
    const from = time.local(buckets.originHour * HOUR_MS).slice(0, 16);
    const to = time.local((buckets.originHour + buckets.hours * buckets.count) * HOUR_MS - 1).slice(0, 16);
    lines.push(dim(`${' '.repeat(chartIndent)}${unit}, ${from} → ${to} (${time.zone})`, opts.color));
    row('First hit', time.withOffset(acc.first));
    row('Last hit', time.withOffset(acc.last));
  }
  if (acc.undated > 0) row('Undated', `${plural(acc.undated, 'hit')} without a timestamp`);

  lines.push('', `  ${bold('Rules with hits', opts.color)} ${dim('(most severe first)', opts.color)}`);
  const rules = acc.topRules(TOP);
  const ruleCountWidth = Math.max(...rules.map((r) => formatCount(r.count).length));
  for (const r of rules) {
    const level = paintLevel(padEnd(LEVEL_SHORT[r.level], 4), r.level, opts.color);
    const title = truncate(escapeForTerminal(r.title), width - 10 - ruleCountWidth);
    lines.push(`    ${level}  ${padStart(formatCount(r.count), ruleCountWidth)}  ${title}`);
  }
  if (acc.ruleCount > TOP) lines.push(`    … and ${plural(acc.ruleCount - TOP, 'other rule')}`);

  const computers = acc.topComputers(TOP);
  if (computers.length > 0) {
    lines.push('', `  ${bold('Computers with hits', opts.color)}`);
    const names = computers.map((c) => escapeForTerminal(c.name));
    const nameWidth = Math.min(40, Math.max(...names.map(displayWidth)));
    const cWidth = Math.max(...computers.map((c) => formatCount(c.count).length));
    computers.forEach((c, i) => {
      const worst = paintLevel(`worst: ${c.level}`, c.level, opts.color);
      lines.push(`    ${padEnd(names[i]!, nameWidth)}  ${padStart(formatCount(c.count), cWidth)}  ${worst}`);
    });
    if (acc.computerTotal > TOP) lines.push(`    … and ${plural(acc.computerTotal - TOP, 'other computer')}`);
  }
  return `${lines.map((l) => truncateStyled(l, width)).join('\n')}\n`;
}
