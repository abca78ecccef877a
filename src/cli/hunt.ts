import type { Level } from '../common/index.js';
import { levelRank } from '../common/index.js';
import { toHitRecord } from '../correlation/index.js';
import { type ChunkResult, Scanner, TimeOrderedMatchers } from '../engine/index.js';
import { discoverInputs, type InputFile, readChunks, type Warning } from '../input/index.js';
import {
  createProgress,
  createSink,
  type Format,
  type HitRecord,
  type OutputFile,
  openOutputFile,
  renderSummary,
  SummaryAccumulator,
} from '../output/index.js';
import { buildHit, buildSequenceHit, compareHits, eventHitId } from './hits.js';
import { loadHuntRules } from './hunt-rules.js';
import { StateSession } from './hunt-state.js';
import type { Io } from './io.js';
import type { RuleFilterOptions } from './rule-filter.js';

export interface HuntOptions extends RuleFilterOptions {
  rules: string[];
  eql: string[];
  format: Format;
  output?: string;
  sort: 'time' | 'none';
  threads: number;
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

interface InFlight {
  result: Promise<ChunkResult>;
  file: InputFile;
  end: { offset: number; line: number };
}

const IN_FLIGHT_PER_THREAD = 3;

function where(w: Warning): string {
  return w.line !== undefined ? `${w.file}:${w.line}` : `${w.file}@${w.offset ?? 0}`;
}

export async function runHunt(paths: string[], opts: HuntOptions, io: Io): Promise<number> {
  const started = performance.now();
  let progressClear = (): void => undefined;
  const warn = (msg: string): void => {
    if (opts.quiet && !msg.startsWith('error')) return;
    progressClear();
    io.stderr.write(`spoor: ${msg}\n`);
  };

  const rules = await loadHuntRules(opts.rules, opts, {
    expand: opts.expand,
    ignoreLogsource: opts.ignoreLogsource,
    eqlQueries: opts.eql,
  });
  const { set } = rules;
  for (const p of set.problems) {
    if (p.file.startsWith('--eql')) warn(`error: ${p.file}:${p.line}:${p.column}: ${p.reason}`);
  }
  if (set.problems.some((p) => p.file.startsWith('--eql'))) return 2;

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
      warn(`error: ${err instanceof Error ? err.message : String(err)}`);
      return 2;
    }
  }
  try {
    return await scan(files, problems.length, session);
  } finally {
    await session?.release();
  }

  async function scan(
    files: InputFile[],
    unreadable: number,
    session: StateSession | undefined,
  ): Promise<number> {
    let out: OutputFile | undefined;
    try {
      out = opts.output ? openOutputFile(opts.output, { append: opts.append }) : undefined;
    } catch (err) {
      warn(`error: ${opts.output}: ${err instanceof Error ? err.message : String(err)}`);
      return 2;
    }
    const sink = createSink(opts.format, out ? out.stream : io.stdout, {
      color: opts.color && !out,
      width: io.columns,
      timezone: opts.timezone,
      abbrev: opts.abbrev,
      header: !(out && out.existingBytes > 0),
    });

    const summary = new SummaryAccumulator();
    const totalBytes = files.reduce((n, f) => n + f.size, 0);
    // -q keeps only errors: no progress bar either (a stream that is not a terminal never draws one).
    const progress = createProgress(
      opts.quiet ? { isTTY: false, write: () => true } : (io.stderrTty ?? io.stderr),
      totalBytes,
    );
    progressClear = () => progress.clear();
    const matchers = new TimeOrderedMatchers(set.correlations, set.eql);
    const carried = session?.pending;
    if (carried) matchers.restore(carried.windows);
    const emittedBefore = new Set(carried?.emitted ?? []);
    const statefulEmitted: { id: string; time: number }[] = [];
    const seenIds = new Set<string>();
    let duplicates = 0;
    const collected: HitRecord[] = [];
    let bytesRead = 0;
    let events = 0;
    let skipped = 0;
    let hitCount = 0;
    let failHit = false;

    const emit = async (h: HitRecord): Promise<void> => {
      if (opts.dedup) {
        if (seenIds.has(h.hit_id)) {
          duplicates++;
          return;
        }
        seenIds.add(h.hit_id);
      }
      summary.add(h);
      hitCount++;
      if (opts.failOn && levelRank(h.level) >= levelRank(opts.failOn)) failHit = true;
      if (opts.sort === 'time') {
        collected.push(h);
        return;
      }
      sink.write(h);
      if (sink.backlogged) await sink.drain();
    };

    const handle = async (job: InFlight): Promise<void> => {
      const r = await job.result;
      events += r.events;
      skipped += r.skipped;
      for (const w of r.warnings) warn(`${where(w)}: ${w.message}`);
      for (const raw of r.hits) {
        if (raw.kind === 'sigma') {
          const rule = set.sigma[raw.rule]!;
          const id = eventHitId(rule.id, raw.event);
          if (matchers.feedsCorrelation(rule.id)) matchers.addBase(rule.id, raw.event, id);
          if (rules.output.has(rule.id)) await emit(buildHit(rule, raw.event, 'sigma', id));
        } else {
          const rule = set.eql[raw.rule]!;
          await emit(buildHit(rule, raw.event, 'eql'));
        }
      }
      for (const s of r.stages) matchers.addStages(s);
      session?.advance(job.file, job.end);
      progress.update(bytesRead, events, hitCount);
    };

    const scanner = new Scanner(
      { sigma: set.sigma, eql: set.eql, filter: { fromMs: opts.fromMs, toMs: opts.toMs } },
      opts.threads,
    );
    let interrupted = false;
    const readsStdin = files.some((f) => f.path === '-');
    const onSigint = (): void => {
      interrupted = true;
      // A read from a pipe that has no data yet would hold the interruption up: end it now.
      if (readsStdin) process.stdin.destroy();
    };
    process.on('SIGINT', onSigint);

    // Results are handled in submission order, so `--sort none` output is deterministic too; waiting
    // for the oldest result once enough chunks are in flight keeps the reader just ahead of the workers.
    const pending: InFlight[] = [];
    const settle = async (all: boolean): Promise<void> => {
      while (pending.length > 0 && (all || pending.length >= scanner.threads * IN_FLIGHT_PER_THREAD)) {
        await handle(pending.shift()!);
      }
    };

    let failure: Error | undefined;
    try {
      await scanner.ready();
      for (const file of files) {
        if (interrupted) break;
        try {
          const resume = session ? await session.startFor(file) : {};
          if (resume.note) warn(`${file.display}: ${resume.note}`);
          for await (const chunk of readChunks(file, {
            start: resume.start,
            chunkBytes: opts.chunkBytes,
            onWarning: (w) => {
              if (interrupted) return;
              skipped++;
              warn(`${where(w)}: ${w.message}`);
            },
            onBytes: (n) => {
              bytesRead += n;
            },
          })) {
            const { end, ...job } = chunk;
            pending.push({ result: scanner.submit({ file: file.display, ...job }), file, end });
            await settle(false);
            if (interrupted) break;
          }
        } catch (err) {
          if (interrupted) break;
          skipped++;
          warn(`${file.display}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      await settle(true);
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
    } finally {
      process.removeListener('SIGINT', onSigint);
      await scanner.close();
      progress.done();
    }
    if (failure) {
      warn(`error: ${failure.message}`);
      if (out) await out.abort();
      return 2;
    }

    // Cross-event hits. Windows still open at the end are carried in the state; hits already written
    // by an earlier run from carried records are not written again.
    const keepFrom = matchers.carryFrom - matchers.horizonMs;
    const stateful = await matchers.finish();
    const carry = stateful.carry;
    const emitStateful = async (h: HitRecord, time: number): Promise<void> => {
      if (time >= keepFrom) statefulEmitted.push({ id: h.hit_id, time });
      if (emittedBefore.has(h.hit_id)) return;
      await emit(h);
    };
    for (const c of stateful.correlations) {
      if (rules.output.has(c.ruleId)) await emitStateful(toHitRecord(c), c.timestamp);
    }
    for (const s of stateful.sequences) {
      const first = s.events.find((e) => e !== null);
      await emitStateful(buildSequenceHit(s), first ? first.timestamp : Number.NaN);
    }

    if (opts.sort === 'time') {
      collected.sort(compareHits);
      for (const h of collected) {
        sink.write(h);
        if (sink.backlogged) await sink.drain();
      }
    }
    try {
      await sink.end();
      // An interrupted scan never replaces an output file (the old one stays, the temporary goes);
      // on stdout what was found so far has been printed.
      if (out && interrupted) await out.abort();
      else if (out) await out.commit();
    } catch (err) {
      warn(`error: writing hits: ${err instanceof Error ? err.message : String(err)}`);
      if (out) await out.abort();
      return 2;
    }
    if (session && !interrupted) {
      // Only now, with every hit it covers written, may the checkpoint move forward.
      try {
        await session.save({ windows: carry, emitted: statefulEmitted.map((e) => e.id) });
      } catch (err) {
        warn(
          `error: ${opts.state}: could not write the state: ${err instanceof Error ? err.message : String(err)}`,
        );
        return 2;
      }
    }

    if (!opts.quiet) {
      const text = renderSummary(
        {
          files: files.length,
          unreadableFiles: unreadable,
          duplicateHits: duplicates,
          events,
          bytes: bytesRead,
          skippedRecords: skipped,
          elapsedMs: performance.now() - started,
          rulesLoaded: rules.loaded,
          rulesRefused: rules.refusedByReason,
          hits: summary,
        },
        { color: opts.color && opts.format === 'table' && !out, width: io.columns, timezone: opts.timezone },
      );
      const toStdout = opts.format === 'table' && !out;
      (toStdout ? io.stdout : io.stderr).write(text);
    }
    if (interrupted) return 130;
    if (opts.strict && (skipped > 0 || unreadable > 0)) return 2;
    return failHit ? 1 : 0;
  }
}
