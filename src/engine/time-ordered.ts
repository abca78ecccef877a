import {
  type BaseMatch,
  CorrelationEngine,
  type CorrelationHit,
  type CorrelationPlan,
  compareMatches,
} from '../correlation/index.js';
import { applyPipes, type EqlRuleIR, SequenceMachine, type SequenceResult } from '../eql/index.js';
import { decodeStage, encodeStage, ownCopy, stageEvent, stageRecord } from './kept-records.js';
import type { EventSnapshot, StageRecord } from './messages.js';
import { SpillSorter } from './spill-sort.js';

/** Cross-event records carried from one scheduled run to the next (see `carry`). */
export interface CarriedWindows {
  base: BaseMatch[];
  stages: { ruleId: string; hits: StageRecord['hits']; event: EventSnapshot }[];
}

/** How far back a sequence without `maxspan` may reach across runs. */
const UNBOUNDED_SEQUENCE_CARRY_MS = 24 * 3_600_000;

export interface SequenceHit {
  rule: EqlRuleIR;
  /** Join-key field name → value. */
  group: Record<string, string | number | null>;
  /** Matched events in stage order (null for a missing-event stage). */
  events: (EventSnapshot | null)[];
}

function stageOrder(a: StageRecord, b: StageRecord): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  if (a.src.file !== b.src.file) return a.src.file < b.src.file ? -1 : 1;
  const p = (a.src.offset ?? a.src.line ?? 0) - (b.src.offset ?? b.src.line ?? 0);
  return p !== 0 ? p : a.rule - b.rule;
}

/**
 * Stage records held in memory before a sorted run goes to disk, by the length of their events'
 * text: an event's is ~1.5 kB with Elastic's Windows rules, and a limit by count alone (200,000)
 * let 500 MB of XML keep all 135,980 records, 637-654 MiB at one thread (docs/eql.md).
 */
const STAGE_TEXT_BUDGET = 32 * 1024 * 1024;

function stageWeight(r: StageRecord): number {
  return r.event.length + 64;
}

/** What the cross-event machines produced once the input is over. */
export interface TimeOrderedResults {
  correlations: CorrelationHit[];
  sequences: SequenceHit[];
  /** Records a later scheduled run needs to finish windows still open now. */
  carry: CarriedWindows;
}

function keyNames(rule: EqlRuleIR): string[] {
  const q = rule.ast;
  if (q.kind === 'event') return [];
  const stage = q.stages[0];
  return [...q.by, ...(stage ? stage.by : [])].map((k) => k.path);
}

/**
 * The cross-event state of a hunt, on the main thread: Sigma correlations and EQL sequences.
 * Workers' small records (matches of correlation base rules, events that fill a sequence stage)
 * are gathered as they come — from any thread, any file, in any order — and replayed in timestamp
 * order once the input is over (ties by file and position), so the result never depends on the
 * thread count or on how events were split across files. The gathered records are sorted with
 * bounded memory (sorted runs spill to temporary files past a limit), and the state machines hold
 * only their open windows. Records without a time cannot be windowed and are not kept.
 */
export class TimeOrderedMatchers {
  private readonly baseMatches = new SpillSorter<BaseMatch>(compareMatches);
  private readonly stageRecords = new SpillSorter<StageRecord>(stageOrder, undefined, {
    weigh: stageWeight,
    budget: STAGE_TEXT_BUDGET,
    encode: encodeStage,
    decode: decodeStage,
  });
  private readonly fieldsByRule: Record<string, string[]>;
  /** The longest stretch of time one correlation or sequence can span (chains add up). */
  readonly horizonMs: number;
  private latest = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly plan: CorrelationPlan,
    private readonly eqlRules: EqlRuleIR[],
  ) {
    this.fieldsByRule = plan.fieldsByRule;
    let horizon = plan.correlations.reduce((n, c) => n + c.timespanMs, 0);
    for (const r of eqlRules) {
      if (r.ast.kind === 'event') continue;
      const span = r.ast.kind === 'sequence' ? r.ast.maxspanMs : null;
      horizon = Math.max(horizon, span ?? UNBOUNDED_SEQUENCE_CARRY_MS);
    }
    this.horizonMs = horizon;
  }

  private seen(t: number): void {
    if (t > this.latest) this.latest = t;
  }

  /** Records from an earlier run whose windows may still be open; rules no longer loaded are dropped. */
  restore(carried: CarriedWindows): void {
    for (const m of carried.base) {
      if (!this.feedsCorrelation(m.ruleId) || typeof m.timestamp !== 'number') continue;
      this.baseMatches.push(m);
      this.seen(m.timestamp);
    }
    const index = new Map(this.eqlRules.map((r, i) => [r.id, i]));
    for (const s of carried.stages) {
      const rule = index.get(s.ruleId);
      if (rule === undefined || typeof s.event.timestamp !== 'number') continue;
      this.stageRecords.push(stageRecord(rule, s.hits, s.event));
      this.seen(s.event.timestamp);
    }
  }

  /** The earliest time a window still open at the end of this input can reach back to. */
  get carryFrom(): number {
    return this.latest - this.horizonMs;
  }

  /** Whether matches of this Sigma rule feed a correlation. */
  feedsCorrelation(ruleId: string): boolean {
    return Object.hasOwn(this.fieldsByRule, ruleId);
  }

  addBase(ruleId: string, ev: EventSnapshot, hitId: string): void {
    if (Number.isNaN(ev.timestamp)) return;
    const fields: Record<string, string> = Object.create(null);
    for (const name of this.fieldsByRule[ruleId] ?? []) {
      if (!Object.hasOwn(ev.fields, name)) continue;
      const v = ev.fields[name]!;
      const text = typeof v === 'string' ? v : v.join(',');
      if (text !== '') fields[name] = ownCopy(text);
    }
    this.baseMatches.push({ ruleId, timestamp: ev.timestamp, fields, hitId, source: ev.src });
    this.seen(ev.timestamp);
  }

  addStages(rec: StageRecord): void {
    if (Number.isNaN(rec.timestamp)) return;
    this.stageRecords.push(rec);
    this.seen(rec.timestamp);
  }

  /**
   * Replays everything gathered, in time order, through the correlation and sequence machines.
   * `carryWindows: false` (no scheduled-run state to save) leaves `carry` empty, and spares reading back
   * every recent sequence-stage event for it.
   */
  async finish(carryWindows = true): Promise<TimeOrderedResults> {
    const from = this.carryFrom;
    const carry: CarriedWindows = { base: [], stages: [] };
    const correlations: CorrelationHit[] = [];
    const engine = this.plan.correlations.length > 0 ? new CorrelationEngine(this.plan) : undefined;
    for await (const m of this.baseMatches.drain()) {
      if (carryWindows && m.timestamp >= from) carry.base.push(m);
      if (engine) correlations.push(...engine.push(m));
    }
    engine?.finish();

    // The machines carry each event as its text; only the events of a sequence found are read back.
    const machines = new Map<number, SequenceMachine<string>>();
    const results = new Map<number, SequenceResult<string>[]>();
    for await (const rec of this.stageRecords.drain()) {
      if (carryWindows && rec.timestamp >= from) {
        carry.stages.push({
          ruleId: this.eqlRules[rec.rule]!.id,
          hits: rec.hits,
          event: stageEvent(rec.event),
        });
      }
      let machine = machines.get(rec.rule);
      if (!machine) {
        machine = new SequenceMachine<string>(this.eqlRules[rec.rule]!);
        machines.set(rec.rule, machine);
        results.set(rec.rule, []);
      }
      results
        .get(rec.rule)!
        .push(...machine.push({ timestamp: rec.timestamp, event: rec.event, hits: rec.hits }));
    }
    const sequences: SequenceHit[] = [];
    for (const [ruleIndex, machine] of machines) {
      const rule = this.eqlRules[ruleIndex]!;
      const all = [...results.get(ruleIndex)!, ...machine.flush()];
      const names = keyNames(rule);
      for (const r of applyPipes(all, rule.ast.pipes)) {
        const group: Record<string, string | number | null> = Object.create(null);
        r.key.forEach((v, i) => {
          group[names[i] ?? `key${i}`] = v;
        });
        sequences.push({ rule, group, events: r.events.map((e) => (e === null ? null : stageEvent(e))) });
      }
    }
    return { correlations, sequences, carry };
  }
}
