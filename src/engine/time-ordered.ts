import {
  type BaseMatch,
  CorrelationEngine,
  type CorrelationHit,
  type CorrelationPlan,
  compareMatches,
} from '../correlation/index.js';
import { applyPipes, type EqlRuleIR, SequenceMachine, type SequenceResult } from '../eql/index.js';
import type { EventSnapshot, StageRecord } from './messages.js';

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

function sourceOrder(a: EventSnapshot, b: EventSnapshot): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  if (a.src.file !== b.src.file) return a.src.file < b.src.file ? -1 : 1;
  return (a.src.offset ?? a.src.line ?? 0) - (b.src.offset ?? b.src.line ?? 0);
}

function keyNames(rule: EqlRuleIR): string[] {
  const q = rule.ast;
  if (q.kind === 'event') return [];
  const stage = q.stages[0];
  return [...q.by, ...(stage ? stage.by : [])].map((k) => k.path);
}

/**
 * The cross-event state of a hunt, on the main thread: Sigma correlations and EQL sequences.
 * Workers' small records are gathered as they come (from any thread, any file, in any order)
 * and replayed in timestamp order at the end (ties by file and position), so the result never
 * depends on the thread count or on how events were split across files. What is kept until then
 * is only the candidate records (matches of correlation base rules and sequence stages), never the
 * events; the state machines themselves hold only their open windows.
 */
export class TimeOrderedMatchers {
  private readonly baseMatches: BaseMatch[] = [];
  private readonly stageRecords: StageRecord[] = [];
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
      if (!this.feedsCorrelation(m.ruleId)) continue;
      this.baseMatches.push(m);
      this.seen(m.timestamp);
    }
    const index = new Map(this.eqlRules.map((r, i) => [r.id, i]));
    for (const s of carried.stages) {
      const rule = index.get(s.ruleId);
      if (rule === undefined) continue;
      this.stageRecords.push({ rule, hits: s.hits, event: s.event });
      this.seen(s.event.timestamp);
    }
  }

  /** The earliest time a window still open at the end of this input can reach back to. */
  get carryFrom(): number {
    return this.latest - this.horizonMs;
  }

  /** The records a later run needs to finish windows still open at the end of this input. */
  carry(): CarriedWindows {
    const from = this.carryFrom;
    return {
      base: this.baseMatches.filter((m) => m.timestamp >= from),
      stages: this.stageRecords
        .filter((s) => s.event.timestamp >= from)
        .map((s) => ({ ruleId: this.eqlRules[s.rule]!.id, hits: s.hits, event: s.event })),
    };
  }

  /** Whether matches of this Sigma rule feed a correlation. */
  feedsCorrelation(ruleId: string): boolean {
    return Object.hasOwn(this.fieldsByRule, ruleId);
  }

  addBase(ruleId: string, ev: EventSnapshot, hitId: string): void {
    const fields: Record<string, string> = Object.create(null);
    for (const name of this.fieldsByRule[ruleId] ?? []) {
      if (!Object.hasOwn(ev.fields, name)) continue;
      const v = ev.fields[name]!;
      const text = typeof v === 'string' ? v : v.join(',');
      if (text !== '') fields[name] = text;
    }
    this.baseMatches.push({ ruleId, timestamp: ev.timestamp, fields, hitId, source: ev.src });
    this.seen(ev.timestamp);
  }

  addStages(rec: StageRecord): void {
    this.stageRecords.push(rec);
    this.seen(rec.event.timestamp);
  }

  get pendingRecords(): number {
    return this.baseMatches.length + this.stageRecords.length;
  }

  correlationHits(): CorrelationHit[] {
    if (this.plan.correlations.length === 0) return [];
    this.baseMatches.sort(compareMatches);
    const engine = new CorrelationEngine(this.plan);
    const out: CorrelationHit[] = [];
    for (const m of this.baseMatches) out.push(...engine.push(m));
    engine.finish();
    this.baseMatches.length = 0;
    return out;
  }

  sequenceHits(): SequenceHit[] {
    if (this.stageRecords.length === 0) return [];
    this.stageRecords.sort((a, b) => sourceOrder(a.event, b.event));
    const byRule = new Map<number, SequenceMachine<EventSnapshot>>();
    const results = new Map<number, SequenceResult<EventSnapshot>[]>();
    for (const rec of this.stageRecords) {
      if (Number.isNaN(rec.event.timestamp)) continue;
      let machine = byRule.get(rec.rule);
      if (!machine) {
        machine = new SequenceMachine<EventSnapshot>(this.eqlRules[rec.rule]!);
        byRule.set(rec.rule, machine);
        results.set(rec.rule, []);
      }
      results
        .get(rec.rule)!
        .push(...machine.push({ timestamp: rec.event.timestamp, event: rec.event, hits: rec.hits }));
    }
    this.stageRecords.length = 0;
    const out: SequenceHit[] = [];
    for (const [ruleIndex, machine] of byRule) {
      const rule = this.eqlRules[ruleIndex]!;
      const all = [...results.get(ruleIndex)!, ...machine.flush()];
      const names = keyNames(rule);
      for (const r of applyPipes(all, rule.ast.pipes)) {
        const group: Record<string, string | number | null> = Object.create(null);
        r.key.forEach((v, i) => {
          group[names[i] ?? `key${i}`] = v;
        });
        out.push({ rule, group, events: r.events });
      }
    }
    return out;
  }
}
