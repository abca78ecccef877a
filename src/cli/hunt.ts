import type { Level } from '../common/index.js';
import { levelRank } from '../common/index.js';
import { type ChunkResult, type RawHit, Scanner } from '../engine/index.js';
import { discoverInputs, readChunks } from '../input/index.js';
import {
  createProgress,
  createSink,
  type Format,
  type HitRecord,
  openOutputFile,
  renderSummary,
  SummaryAccumulator,
} from '../output/index.js';
import { loadSigma, type SigmaRuleIR } from '../sigma/index.js';
import type { Io } from './io.js';
import { type RuleFilterOptions, keepRule } from './rule-filter.js';
import { buildHit, compareHits } from './hits.js';

export interface HuntOptions extends RuleFilterOptions {
  rules: string[];
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
}

const IN_FLIGHT_PER_THREAD = 3;

export async function runHunt(paths: string[], opts: HuntOptions, io: Io): Promise<number> {
  const started = performance.now();
  const warn = (msg: string): void => {
    if (!opts.quiet || msg.startsWith('error')) io.stderr.write(`spoor: ${msg}\n`);
  };

  const loaded = await loadSigma(opts.rules, { expand: opts.expand, ignoreLogsource: opts.ignoreLogsource });
  const refusedByReason: Record<string, number> = {};
  for (const p of loaded.problems) {
    if (p.severity !== 'error') continue;
    refusedByReason[p.reason] = (refusedByReason[p.reason] ?? 0) + 1;
  }
  const rules: SigmaRuleIR[] = loaded.rules.filter((r) => keepRule(r, opts));

  const { files, problems } = await discoverInputs(paths);
  for (const p of problems) warn(`${p.path}: ${p.message}`);
  if (files.length === 0) {
    warn('error: no readable input');
    return 2;
  }

  const summary = new SummaryAccumulator();
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  const progress = createProgress(io.stderrTty ?? io.stderr, totalBytes);
  let bytesRead = 0;
  let events = 0;
  let skipped = 0;
  let hitsSoFar = 0;

  const out = opts.output ? openOutputFile(opts.output) : undefined;
  const sink = createSink(opts.format, out ? out.stream : io.stdout, {
    color: opts.color && !out,
    width: io.columns,
    timezone: opts.timezone,
    abbrev: opts.abbrev,
  });
  const collected: HitRecord[] = [];
  let failHit = false;
  const emit = (h: HitRecord): void => {
    summary.add(h);
    if (opts.failOn && levelRank(h.level) >= levelRank(opts.failOn)) failHit = true;
    if (opts.sort === 'none') sink.write(h);
    else collected.push(h);
  };

  const scanner = new Scanner({ sigma: rules, filter: { fromMs: opts.fromMs, toMs: opts.toMs } }, opts.threads);
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', onSigint);

  // Results are handled in submission order so `--sort none` output is deterministic too.
  const pendingResults: Promise<ChunkResult>[] = [];
  const handle = (r: ChunkResult): void => {
    events += r.events;
    skipped += r.skipped;
    for (const w of r.warnings) warn(`${w.file}${w.line !== undefined ? `:${w.line}` : `@${w.offset ?? 0}`}: ${w.message}`);
    for (const raw of r.hits as RawHit[]) {
      const rule = rules[raw.rule]!;
      emit(buildHit(rule, raw));
      hitsSoFar++;
    }
    progress.update(bytesRead, events, hitsSoFar);
  };
  const flushDone = async (all: boolean): Promise<void> => {
    while (pendingResults.length > 0) {
      if (!all && pendingResults.length < scanner.threads * IN_FLIGHT_PER_THREAD) return;
      handle(await pendingResults.shift()!);
    }
  };

  let failure: Error | undefined;
  try {
    await scanner.ready();
    for (const file of files) {
      if (interrupted) break;
      try {
        for await (const chunk of readChunks(file, {
          chunkBytes: opts.chunkBytes,
          onWarning: (w) => {
            skipped++;
            warn(`${w.file}${w.line !== undefined ? `:${w.line}` : `@${w.offset ?? 0}`}: ${w.message}`);
          },
          onBytes: (n) => {
            bytesRead += n;
          },
        })) {
          pendingResults.push(scanner.submit({ file: file.display, ...chunk }));
          await flushDone(false);
          if (interrupted) break;
        }
      } catch (err) {
        warn(`${file.display}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await flushDone(true);
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

  if (opts.sort === 'time') {
    collected.sort(compareHits);
    for (const h of collected) sink.write(h);
  }
  await sink.end();
  if (out) await out.commit();

  if (!opts.quiet) {
    const text = renderSummary(
      {
        files: files.length,
        unreadableFiles: problems.length,
        events,
        bytes: bytesRead,
        skippedRecords: skipped,
        elapsedMs: performance.now() - started,
        rulesLoaded: rules.length,
        rulesRefused: refusedByReason,
        hits: summary,
      },
      { color: opts.color, width: io.columns, timezone: opts.timezone },
    );
    const toStdout = opts.format === 'table' && !out;
    (toStdout ? io.stdout : io.stderr).write(text);
  }
  if (interrupted) return 130;
  if (opts.strict && (skipped > 0 || problems.length > 0)) return 2;
  return failHit ? 1 : 0;
}
