import type { Event, FieldValue, SourceRef, Warning } from '../event/index.js';
import { parseChunk, type Screen } from '../event/index.js';
import type { AutomatonCache } from './automaton-cache.js';
import { AutomatonStore } from './automaton-store.js';
import { EqlRunner } from './eql-runner.js';
import { stageRecord } from './kept-records.js';
import type {
  ChunkJob,
  ChunkResult,
  EventSnapshot,
  HitRenderer,
  RawHit,
  StageRecord,
  WorkerInit,
} from './messages.js';
import { compileSigma } from './sigma-engine.js';
import { TextBytes } from './text-bytes.js';
import { useArena } from './wasm-arena.js';

function snapshot(ev: Event, src: SourceRef): EventSnapshot {
  // The view's own null-prototype dictionary, not a copy: a structured clone to the main thread
  // copies it anyway (and creates a field named __proto__ as an own property there too).
  const fields = ev.fields as Record<string, FieldValue>;
  return {
    timestamp: ev.timestamp,
    computer: ev.computer,
    channel: ev.channel,
    eventId: ev.eventId,
    recordId: ev.recordId,
    fields,
    src,
  };
}

/** A rendered hit's event: its fields went into the text. */
const NO_FIELDS: Record<string, FieldValue> = Object.freeze(Object.create(null));

function withoutFields(s: EventSnapshot): EventSnapshot {
  return { ...s, fields: NO_FIELDS };
}

/**
 * The rules compiled once (Sigma closures, EQL matchers) and applied to record-aligned chunks: parse,
 * filter by time, match, and collect the hits with a snapshot of each matched event. What a worker
 * thread runs, and what the main thread runs for its own share of the chunks.
 */
export class ChunkMatcher {
  private readonly sigma: ReturnType<typeof compileSigma>;
  private readonly eql: EqlRunner;
  private readonly screen: Screen | undefined;
  private readonly fromMs: number | undefined;
  private readonly toMs: number | undefined;
  private readonly render: HitRenderer | undefined;
  private readonly texts = new TextBytes();

  /** Throws when a rule cannot be compiled. `render`, when given, writes Sigma hits out here. */
  constructor(init: WorkerInit, render?: HitRenderer) {
    this.render = render;
    this.fromMs = init.filter.fromMs;
    this.toMs = init.filter.toMs;
    const rawScan = init.rawScan !== false;
    // The automata this thread builds or loads from now on go to the hunt's arena (or, without one,
    // to shared buffers of their own).
    useArena(init.arena);
    const sigma = compileSigma(init.sigma, { rawScan, detections: init.detections });
    if (init.automataDir !== undefined) sigma.automata.store = new AutomatonStore(init.automataDir);
    const eql = new EqlRunner(init.eql);
    this.sigma = sigma;
    this.eql = eql;
    // With rawScan, records no Sigma rule can match are not parsed. When EQL rules read every event,
    // every record is parsed anyway, and the values of the parsed event are scanned instead (the
    // raw walk would cost more than it saves: docs/performance.md).
    this.screen =
      rawScan && eql.empty ? (b, from, to, format) => sigma.screen(b, from, to, format) : undefined;
  }

  /** The pre-filter automata, to share with the other matching threads. */
  get automata(): AutomatonCache {
    return this.sigma.automata;
  }

  run(job: ChunkJob): ChunkResult {
    const { sigma, eql, fromMs, toMs, render, texts } = this;
    // No screen where it could not turn a record away (XML beside a rule that reads every channel):
    // the parser then need not find each record's end, the next record's start and, in text beyond
    // ASCII, its byte offsets for it: 8-10 % of the XML engine's time with SigmaHQ's rules.
    const screen = this.screen !== undefined && sigma.screens(job.format) ? this.screen : undefined;
    const timeFiltered = fromMs !== undefined || toMs !== undefined;
    texts.lend(job.texts);
    const hits: RawHit[] = [];
    const stages: StageRecord[] = [];
    const warnings: Warning[] = [];
    let filtered = 0;
    let current: Event | undefined;
    let currentSrc: SourceRef | undefined;
    let snap: EventSnapshot | undefined;
    const snapshotNow = (): EventSnapshot => {
      snap ??= snapshot(current!, currentSrc!);
      return snap;
    };
    let lean: EventSnapshot | undefined;
    const onSigma = (rule: number): void => {
      const out = render?.(rule, snapshotNow());
      if (out === undefined) {
        hits.push({ kind: 'sigma', rule, event: snapshotNow() });
        return;
      }
      lean ??= withoutFields(snapshotNow());
      const [textAt, textEnd] = texts.add(out.parts, out.ascii === true);
      hits.push({ kind: 'sigma', rule, event: lean, textAt, textEnd, hitId: out.hitId });
    };
    const onEql = (rule: number): void => {
      hits.push({ kind: 'eql', rule, event: snapshotNow() });
    };
    let stageText: string | undefined;
    const onStages = (rule: number, stageHits: StageRecord['hits']): void => {
      const rec = stageRecord(rule, stageHits, snapshotNow(), stageText);
      stageText = rec.event;
      stages.push(rec);
    };
    const stats = parseChunk(
      job,
      job.file,
      (ev, src) => {
        if (timeFiltered) {
          const t = ev.timestamp;
          if (Number.isNaN(t) || (fromMs !== undefined && t < fromMs) || (toMs !== undefined && t > toMs)) {
            filtered++;
            return;
          }
        }
        current = ev;
        currentSrc = src;
        snap = undefined;
        lean = undefined;
        stageText = undefined;
        if (screen) sigma.matchScreened(ev, onSigma);
        else sigma.match(ev, onSigma);
        if (!eql.empty) eql.run(ev, onEql, onStages);
      },
      (w) => warnings.push(w),
      screen ? { screen } : {},
    );
    return {
      id: job.id,
      events: stats.records,
      skipped: stats.skipped,
      unparsed: stats.unparsed,
      filtered,
      hits,
      texts: texts.take(),
      stages,
      warnings,
    };
  }
}
