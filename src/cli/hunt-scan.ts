import path from 'node:path';
import { hostStdin, onInterrupt } from '../common/index.js';
import {
  type ChunkResult,
  moveDetections,
  type RuleSet,
  Scanner,
  TextShelf,
  type TimeOrderedMatchers,
} from '../engine/index.js';
import { ChunkBuffers, chunkCapacity, type InputFile, readChunks, type Warning } from '../input/index.js';
import type { Progress } from '../output/index.js';
import { cacheDir } from '../sigma/index.js';
import { jsonRenderer, type RenderInit, renderedHit } from './hit-render.js';
import { buildHit, eventHitId, isoTime } from './hits.js';
import type { HuntOptions } from './hunt.js';
import type { HitWriter } from './hunt-output.js';
import type { StateSession } from './hunt-state.js';

interface InFlight {
  result: Promise<ChunkResult>;
  /** The chunk's bytes (empty here once they moved to a worker: they come back in the result). */
  data: Uint8Array;
  file: InputFile;
  end: { offset: number; line: number };
}

/** Where pre-filter automata are kept between hunts: beside the rule cache, and off with it. */
function automataDir(): string | undefined {
  const dir = cacheDir();
  return dir === undefined ? undefined : path.join(dir, 'automata');
}

/** Chunks in flight per matching thread: the reader stays just ahead of the threads. */
const IN_FLIGHT_PER_THREAD = 3;

export function where(w: Warning): string {
  return w.line !== undefined ? `${w.file}:${w.line}` : `${w.file}@${w.offset ?? 0}`;
}

export interface ScanContext {
  files: InputFile[];
  /**
   * The rules. Their detections move into shared memory for the matching threads: the rule objects
   * of `set.sigma` have none once the scan has started (only their metadata is read here).
   */
  set: RuleSet;
  /** Rule ids whose own hits are written. */
  output: Set<string>;
  opts: HuntOptions;
  /** Matching threads (the main thread and threads - 1 workers). */
  threads: number;
  writer: HitWriter;
  matchers: TimeOrderedMatchers;
  session: StateSession | undefined;
  progress: Progress;
  warn(msg: string): void;
}

export interface ScanStats {
  events: number;
  skipped: number;
  /** Events --from / --to removed, among those a rule could match (the screen passes over the rest unread). */
  outsideWindow: number;
  /** Files nothing was read from: not an event export, or failed before their first record. */
  refusedFiles: number;
  bytesRead: number;
  interrupted: boolean;
}

/**
 * Reads every file as record-aligned chunks, runs them through the worker pool, and handles the
 * results in submission order (so `--sort none` output is deterministic too): single-event hits go
 * to the writer, correlation base matches and sequence stages to the time-ordered matchers, and the
 * state session learns how far each file has been handled. Ctrl-C stops reading at once. Throws when
 * a worker fails.
 */
export async function scanFiles(ctx: ScanContext): Promise<ScanStats> {
  const { files, set, output, opts, threads, writer, matchers, session, progress, warn } = ctx;
  // Each thread decodes only the detections it compiles; the main thread keeps the metadata.
  const { rules: sigma, packed: detections } = moveDetections(set.sigma);
  const stats: ScanStats = {
    events: 0,
    skipped: 0,
    outsideWindow: 0,
    refusedFiles: 0,
    bytesRead: 0,
    interrupted: false,
  };

  const handle = async (job: InFlight): Promise<void> => {
    const r = await job.result;
    buffers.give(r.data ?? job.data);
    stats.events += r.events;
    stats.skipped += r.skipped;
    stats.outsideWindow += r.filtered;
    for (const w of r.warnings) warn(`${where(w)}: ${w.message}`);
    for (const raw of r.hits) {
      if (raw.kind === 'sigma' && raw.textEnd !== undefined && r.texts !== undefined) {
        const json = r.texts.subarray(raw.textAt, raw.textEnd);
        await writer.emit(renderedHit(sigma[raw.rule]!, raw.event, json, raw.hitId!));
      } else if (raw.kind === 'sigma') {
        const rule = sigma[raw.rule]!;
        const iso = isoTime(raw.event.timestamp);
        const id = eventHitId(rule.id, raw.event, iso);
        if (matchers.feedsCorrelation(rule.id)) matchers.addBase(rule.id, raw.event, id);
        if (output.has(rule.id)) await writer.emit(buildHit(rule, raw.event, 'sigma', iso, id));
      } else {
        await writer.emit(buildHit(set.eql[raw.rule]!, raw.event, 'eql'));
      }
    }
    for (const s of r.stages) matchers.addStages(s);
    // The hits' bytes are copied out by now, unless the writer holds the hits back to sort them.
    if (!writer.holdsHits) texts.give(r.texts);
    session?.advance(job.file, job.end);
    progress.update(stats.bytesRead, stats.events, writer.count);
  };

  // JSON output is written where hits are found, except for rules whose events the main thread
  // needs (correlations); the other formats lay hits out here.
  const renders = opts.format === 'jsonl' || opts.format === 'json';
  const render: RenderInit | undefined = renders
    ? {
        rules: sigma.map((r) =>
          output.has(r.id) && !matchers.feedsCorrelation(r.id)
            ? { id: r.id, title: r.title, level: r.level, path: r.path, tags: r.tags }
            : null,
        ),
      }
    : undefined;
  const scanner = new Scanner(
    {
      sigma,
      detections,
      eql: set.eql,
      filter: { fromMs: opts.fromMs, toMs: opts.toMs },
      render,
      automataDir: automataDir(),
    },
    threads,
    renders ? { script: new URL('./hunt-worker.js', import.meta.url), renderer: jsonRenderer } : {},
  );
  const readsStdin = files.some((f) => f.path === '-');
  const onSigint = (): void => {
    stats.interrupted = true;
    // A read from a pipe that has no data yet would hold the interruption up: end it now.
    if (readsStdin) hostStdin().destroy();
  };
  const stopListening = onInterrupt(onSigint);

  const pending: InFlight[] = [];
  const buffers = new ChunkBuffers(chunkCapacity(opts.chunkBytes));
  const texts = new TextShelf(scanner.threads * IN_FLIGHT_PER_THREAD + 2);
  const settle = async (all: boolean): Promise<void> => {
    while (pending.length > 0 && (all || pending.length >= scanner.threads * IN_FLIGHT_PER_THREAD)) {
      await handle(pending.shift()!);
    }
  };

  try {
    await scanner.ready();
    for (const file of files) {
      if (stats.interrupted) break;
      let chunks = 0;
      try {
        const resume = session ? await session.startFor(file) : {};
        if (resume.note) warn(`${file.display}: ${resume.note}`);
        for await (const chunk of readChunks(file, {
          start: resume.start,
          chunkBytes: opts.chunkBytes,
          buffers,
          onWarning: (w) => {
            if (stats.interrupted) return;
            if (w.refused === true) stats.refusedFiles++;
            else stats.skipped++;
            warn(`${where(w)}: ${w.message}`);
          },
          onBytes: (n) => {
            stats.bytesRead += n;
          },
        })) {
          chunks++;
          const { end, ...job } = chunk;
          const lend = renders ? texts.take() : undefined;
          const result = scanner.submit({ file: file.display, ...job, texts: lend }, true);
          pending.push({ result, data: job.data, file, end });
          await settle(false);
          if (stats.interrupted) break;
        }
      } catch (err) {
        if (stats.interrupted) break;
        if (chunks === 0) stats.refusedFiles++;
        else stats.skipped++;
        warn(`${file.display}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await settle(true);
  } finally {
    stopListening();
    // Results nobody will wait for now (a worker failed) must not surface as unhandled rejections.
    for (const p of pending) p.result.catch(() => undefined);
    await scanner.close();
  }
  return stats;
}
