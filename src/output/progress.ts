import { formatBytes, formatCount, formatRate } from './numbers.js';
import { truncate } from './text-width.js';

/** What a progress bar needs of its stream; process.stderr has it. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): boolean;
}

export interface ProgressOptions {
  /** Environment to read CI from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Clock in milliseconds (default performance.now). */
  now?: () => number;
  /** Least time between two redraws (default 100 ms). */
  intervalMs?: number;
}

export interface Progress {
  /** Totals so far (not increments). Redraws at most every `intervalMs`. */
  update(bytes: number, events: number, hits: number): void;
  /** Erases the bar, so a warning can be printed; the next update draws it again. */
  clear(): void;
  /** Erases the bar for good. */
  done(): void;
}

const CLEAR_LINE = '\r\u001b[2K';

/**
 * A one-line progress bar by bytes read, with events/s and hits so far. It draws only when the
 * stream is a terminal and CI is unset; otherwise every call does nothing.
 * `totalBytes` 0 (stdin, unknown size) shows the bytes read without a bar.
 */
export function createProgress(
  stream: ProgressStream,
  totalBytes: number,
  opts: ProgressOptions = {},
): Progress {
  const env = opts.env ?? process.env;
  const active = stream.isTTY === true && (env.CI === undefined || env.CI === '');
  const now = opts.now ?? (() => performance.now());
  const interval = opts.intervalMs ?? 100;
  const started = now();
  let lastDraw = Number.NEGATIVE_INFINITY;
  let shown = false;
  let finished = false;

  const erase = (): void => {
    if (shown) stream.write(CLEAR_LINE);
    shown = false;
  };

  return {
    update(bytes, events, hits) {
      if (!active || finished) return;
      const t = now();
      if (t - lastDraw < interval) return;
      lastDraw = t;
      const width = stream.columns !== undefined && stream.columns > 0 ? stream.columns : 80;
      const seconds = (t - started) / 1000;
      const rate = seconds > 0 ? `${formatRate(events / seconds)} ev/s` : '';
      const tail = `${formatBytes(bytes)}${totalBytes > 0 ? `/${formatBytes(totalBytes)}` : ''}  ${rate}  ${formatCount(hits)} hits`;
      let line = tail;
      if (totalBytes > 0) {
        const ratio = Math.min(1, Math.max(0, bytes / totalBytes));
        const pct = `${(ratio * 100).toFixed(1).padStart(5)}%`;
        const barWidth = Math.max(10, Math.min(40, width - tail.length - pct.length - 6));
        const filled = Math.round(ratio * barWidth);
        line = `[${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}] ${pct}  ${tail}`;
      }
      stream.write(`${CLEAR_LINE}${truncate(line, width - 1)}`);
      shown = true;
    },
    clear() {
      if (!active) return;
      erase();
      lastDraw = Number.NEGATIVE_INFINITY;
    },
    done() {
      if (!active || finished) return;
      erase();
      finished = true;
    },
  };
}
