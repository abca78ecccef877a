import {
  type BaseMatch,
  CorrelationEngine,
  type CorrelationHit,
  type CorrelationPlan,
  compareMatches,
} from '../correlation/index.js';
import { applyPipes, type EqlRuleIR, SequenceMachine, type SequenceResult } from '../eql/index.js';
import type { EventSnapshot, StageRecord } from './messages.js';
import { SpillSorter } from './spill-sort.js';

/** Cross-event records carried from one scheduled run to the next (see `carry`). */
export interface CarriedWindows {
  base: BaseMatch[];
  stages: { ruleId: string; hits: StageRecord['hits']; event: EventSnapshot }[];
}

/**
 * `s` in a string of its own. A value the parser cut from the text of a whole part of a chunk
 * (event/parse-chunk.ts) is a slice that keeps all of that text alive, and a base match is kept
 * until the input is over: over 500 MB of python-evtx XML at one thread, such slices held ~80 MB
 * (docs/performance.md). Joined and cut again, the text is copied, and only the copy is kept.
 */
function ownCopy(s: string): string {
  return ` ${s}`.slice(1);
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
  const x = a.event;
  const y = b.event;
  if (x.timestamp !== y.timestamp) return x.timestamp - y.timestamp;
  if (x.src.file !== y.src.file) return x.src.file < y.src.file ? -1 : 1;
  const p = (x.src.offset ?? x.src.line ?? 0) - (y.src.offset ?? y.src.line ?? 0);
  return p !== 0 ? p : a.rule - b.rule;
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
  private readonly stageRecords = new SpillSorter<StageRecord>(stageOrder);
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
      this.stageRecords.push({ rule, hits: s.hits, event: s.event });
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
    if (Number.isNaN(rec.event.timestamp)) return;
    this.stageRecords.push(rec);
    this.seen(rec.event.timestamp);
  }

  /** Replays everything gathered, in time order, through the correlation and sequence machines. */
  async finish(): Promise<TimeOrderedResults> {
    const from = this.carryFrom;
    const carry: CarriedWindows = { base: [], stages: [] };
    const correlations: CorrelationHit[] = [];
    const engine = this.plan.correlations.length > 0 ? new CorrelationEngine(this.plan) : undefined;
    for await (const m of this.baseMatches.drain()) {
      if (m.timestamp >= from) carry.base.push(m);
      if (engine) correlations.push(...engine.push(m));
    }
    engine?.finish();

    const machines = new Map<number, SequenceMachine<EventSnapshot>>();
    const results = new Map<number, SequenceResult<EventSnapshot>[]>();
    for await (const rec of this.stageRecords.drain()) {
      if (rec.event.timestamp >= from) {
        carry.stages.push({ ruleId: this.eqlRules[rec.rule]!.id, hits: rec.hits, event: rec.event });
      }
      let machine = machines.get(rec.rule);
      if (!machine) {
        machine = new SequenceMachine<EventSnapshot>(this.eqlRules[rec.rule]!);
        machines.set(rec.rule, machine);
        results.set(rec.rule, []);
      }
      results
        .get(rec.rule)!
        .push(...machine.push({ timestamp: rec.event.timestamp, event: rec.event, hits: rec.hits }));
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
        sequences.push({ rule, group, events: r.events });
      }
    }
    return { correlations, sequences, carry };
  }
}
