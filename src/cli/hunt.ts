import type { Level } from '../common/index.js';
import { toHitRecord } from '../correlation/index.js';
import { TimeOrderedMatchers } from '../engine/index.js';
import { discoverInputs, type InputFile, problemFiles } from '../input/index.js';
import {
  createProgress,
  escapeForTerminal,
  type Format,
  type HitRecord,
  renderSummary,
} from '../output/index.js';
import { buildSequenceHit } from './hits.js';
import { HitWriter } from './hunt-output.js';
import { type HuntRules, loadHuntRules, refusalLines } from './hunt-rules.js';
import { scanFiles } from './hunt-scan.js';
import { StateSession } from './hunt-state.js';
import type { Io } from './io.js';
import type { RuleFilterOptions } from './rule-filter.js';
import { autoThreads } from './threads.js';

export interface HuntOptions extends RuleFilterOptions {
  rules: string[];
  eql: string[];
  format: Format;
  output?: string;
  sort: 'time' | 'none';
  /** Matching threads, or `auto`: up to that many cores, as the input's size and the rules warrant. */
  threads: number | { auto: number };
  fromMs?: number;
  toMs?: number;
  timezone?: string;
  abbrev: boolean;
  color: boolean;
  quiet: boolean;
  strict: boolean;
  failOn?: Level;
  ignoreLogsource: boolean;
  expand?: Record<string, string[]>;
  chunkBytes?: number;
  /** Checkpoint file for scheduled scans (`--state`). */
  state?: string;
  /** Drop hits whose hit id was already written in this run. */
  dedup: boolean;
  /** Append to the output file instead of replacing it. */
  append: boolean;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `spoor hunt`: loads the rules, finds the inputs, takes the state lock, scans; returns the exit code. */
export async function runHunt(paths: string[], opts: HuntOptions, io: Io): Promise<number> {
  const started = performance.now();
  let clearProgress = (): void => undefined;
  // Every message here is about bad input or a failure (a file unreadable, a record malformed, a
  // write refused), so -q keeps them too: it drops the summary and the progress bar, never a
  // problem, as grep -q still reports a file it cannot read.
  const warn = (msg: string): void => {
    clearProgress();
    // File names and parser messages can carry bytes an attacker chose: never raw to the terminal.
    io.stderr.write(`spoor: ${escapeForTerminal(msg)}\n`);
  };

  const rules = await loadHuntRules(opts.rules, opts, {
    expand: opts.expand,
    ignoreLogsource: opts.ignoreLogsource,
    eqlQueries: opts.eql,
  });
  const adHoc = rules.set.problems.filter((p) => p.file.startsWith('--eql'));
  for (const p of adHoc) warn(`error: ${p.file}:${p.line}:${p.column}: ${p.reason}`);
  if (adHoc.length > 0) return 2;
  for (const line of refusalLines(rules.set.problems, opts.rules)) warn(line);

  const { files, problems } = await discoverInputs(paths);
  for (const p of problems) warn(`${p.path}: ${p.message}`);
  if (files.length === 0) {
    warn('error: no readable input');
    return 2;
  }

  let session: StateSession | undefined;
  if (opts.state) {
    try {
      session = await StateSession.open(opts.state);
    } catch (err) {
      warn(`error: ${message(err)}`);
      return 2;
    }
  }
  try {
    const writer = HitWriter.open(opts, io);
    if (typeof writer === 'string') {
      warn(`error: ${writer}`);
      return 2;
    }
    const progress = createProgress(
      // -q keeps only errors: no progress bar either (a stream that is not a terminal never draws one).
      opts.quiet ? { isTTY: false, write: () => true } : (io.stderrTty ?? io.stderr),
      files.reduce((n, f) => n + f.size, 0),
    );
    clearProgress = () => progress.clear();
    return await hunt({
      files,
      unreadable: problemFiles(problems),
      rules,
      writer,
      session,
      progress,
      started,
    });
  } finally {
    await session?.release();
  }

  async function hunt(h: {
    files: InputFile[];
    unreadable: number;
    rules: HuntRules;
    writer: HitWriter;
    session: StateSession | undefined;
    progress: ReturnType<typeof createProgress>;
    started: number;
  }): Promise<number> {
    const { set, output } = h.rules;
    const matchers = new TimeOrderedMatchers(set.correlations, set.eql);
    const carried = h.session?.pending;
    if (carried) matchers.restore(carried.windows);

    let stats: Awaited<ReturnType<typeof scanFiles>>;
    const threads =
      typeof opts.threads === 'number'
        ? opts.threads
        : autoThreads(h.files, set.sigma.length + set.eql.length, opts.threads.auto);
    try {
      stats = await scanFiles({
        files: h.files,
        set,
        output,
        opts,
        threads,
        writer: h.writer,
        matchers,
        session: h.session,
        progress: h.progress,
        warn,
      });
    } catch (err) {
      warn(`error: ${message(err)}`);
      await h.writer.abort();
      return 2;
    } finally {
      h.progress.done();
    }

    // Cross-event hits. Windows still open at the end are carried in the state; hits an earlier run
    // already wrote from carried records are not written again.
    const emittedBefore = new Set(carried?.emitted ?? []);
    const keepFrom = matchers.carryFrom - matchers.horizonMs;
    const emitted: string[] = [];
    const emitStateful = async (hit: HitRecord, time: number): Promise<void> => {
      if (time >= keepFrom) emitted.push(hit.hit_id);
      if (!emittedBefore.has(hit.hit_id)) await h.writer.emit(hit);
    };
    const stateful = await matchers.finish(h.session !== undefined);
    for (const c of stateful.correlations) {
      if (output.has(c.ruleId)) await emitStateful(toHitRecord(c), c.timestamp);
    }
    for (const s of stateful.sequences) {
      const first = s.events.find((e) => e !== null);
      await emitStateful(buildSequenceHit(s), first ? first.timestamp : Number.NaN);
    }

    try {
      await h.writer.close(stats.interrupted);
    } catch (err) {
      warn(`error: writing hits: ${message(err)}`);
      return 2;
    }
    if (h.session && !stats.interrupted) {
      // Only now, with every hit it covers written, may the checkpoint move forward.
      try {
        await h.session.save({ windows: stateful.carry, emitted });
      } catch (err) {
        warn(`error: ${opts.state}: could not write the state: ${message(err)}`);
        return 2;
      }
    }

    if (!opts.quiet) {
      const toStdout = opts.format === 'table' && !h.writer.file;
      const text = renderSummary(
        {
          files: h.files.length,
          unreadableFiles: h.unreadable + stats.refusedFiles,
          ...(opts.fromMs !== undefined || opts.toMs !== undefined
            ? { window: { fromMs: opts.fromMs, toMs: opts.toMs, outside: stats.outsideWindow } }
            : {}),
          duplicateHits: h.writer.duplicates,
          events: stats.events,
          bytes: stats.bytesRead,
          skippedRecords: stats.skipped,
          elapsedMs: performance.now() - h.started,
          threads,
          rulesLoaded: h.rules.loaded,
          rulesRefused: h.rules.refusedByReason,
          hits: h.writer.summary,
        },
        { color: opts.color && toStdout, width: io.columns, timezone: opts.timezone },
      );
      (toStdout ? io.stdout : io.stderr).write(text);
    }
    if (stats.interrupted) return 130;
    // Nothing could be read at all (every file found was binary EVTX, say): an empty timeline here
    // would read as an all-clear, so it is an error, as a path that cannot be opened is.
    if (stats.refusedFiles === h.files.length) {
      warn('error: no readable input');
      return 2;
    }
    if (opts.strict && (stats.skipped > 0 || h.unreadable > 0 || stats.refusedFiles > 0)) return 2;
    return h.writer.failHit ? 1 : 0;
  }
}
