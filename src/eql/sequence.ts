import type { EqlQuery, Pipe } from './ast.js';
import type { JoinKey, StageHit } from './compile.js';

/** What a worker reports for one event: its time, a handle the caller chooses, and its stage hits. */
export interface StageMatch<E> {
  /** Milliseconds since the epoch; matches must be pushed in time order. */
  timestamp: number;
  event: E;
  hits: readonly StageHit[];
}

/** A completed sequence (or sample): its join key and its events in stage order. */
export interface SequenceResult<E> {
  key: JoinKey;
  /** One entry per stage; null for a missing-event (`![…]`) stage. */
  events: (E | null)[];
  timestamps: (number | null)[];
}

interface Partial<E> {
  key: JoinKey;
  keyId: string;
  events: (E | null)[];
  times: (number | null)[];
  first: number;
}

type Verdict = 'keep' | 'drop' | 'pending';

interface Completed<E> {
  result: SequenceResult<E>;
  verdict: Verdict;
  /** Pending only: a trailing missing event after `last` and no later than this discards it. */
  deadline: number;
  last: number;
}

function keyIdOf(key: JoinKey): string {
  let s = '';
  for (const v of key) s += v === null ? '\u0000' : `${typeof v === 'number' ? String(v) : v}\u0001`;
  return s;
}

/**
 * The main-thread state machine of EQL sequences, with Elasticsearch's semantics:
 * - per join key, one pending sequence per stage; a newer event starting (or advancing into)
 *   a stage replaces the older sequence waiting there;
 * - an event is tried against the last stage first, so it never fills two stages of one sequence;
 * - `maxspan` is measured from the first event; a longer sequence is dropped when it would advance;
 * - an `until` event discards the key's pending sequences (after the same event's own matches);
 * - a missing-event stage discards the sequence when an event matching it, with the same key,
 *   falls strictly between its neighbours' timestamps; leading and trailing missing stages
 *   discard it only when that event lies within maxspan of the sequence (both, when both ends
 *   are missing), so sequences with a trailing missing stage are released once their window
 *   has passed, or at `flush()`. Results come out in completion order.
 * Memory is bounded by the maxspan window: expired sequences are swept as time advances.
 */
export class SequenceMachine<E = unknown> {
  private readonly query: Exclude<EqlQuery, { kind: 'event' }>;
  private readonly stageCount: number;
  private readonly untilStage: number;
  private readonly maxspan: number | null;
  private readonly positive: number[];
  private readonly missing: boolean[];
  private readonly leading: number[];
  private readonly trailing: number[];
  private readonly middle: { stage: number; prev: number; next: number }[];
  /** waiting[j]: sequences that matched positive stages 0..j-1, by key id. */
  private waiting: Map<string, Partial<E>>[];
  /** Per missing stage: timestamps of events that matched it, by key id. */
  private history: Map<string, number[]>[];
  private queue: Completed<E>[] = [];
  private pendingByKey = new Map<string, Completed<E>[]>();
  private lastSweep = Number.NEGATIVE_INFINITY;
  /** Samples: open slots per key and keys already sampled. */
  private samples = new Map<string, Partial<E>>();
  private sampled = new Set<string>();

  constructor(rule: { ast: EqlQuery }) {
    const q = rule.ast;
    if (q.kind === 'event') throw new TypeError('SequenceMachine needs a sequence or sample query');
    this.query = q;
    this.stageCount = q.stages.length;
    this.untilStage = q.kind === 'sequence' && q.until !== null ? q.stages.length : -1;
    this.maxspan = q.kind === 'sequence' ? q.maxspanMs : null;
    this.missing = q.stages.map((s) => s.missing);
    this.positive = q.stages.map((_, i) => i).filter((i) => !this.missing[i]);
    const firstPos = this.positive[0];
    const lastPos = this.positive[this.positive.length - 1];
    this.leading = [];
    this.trailing = [];
    this.middle = [];
    for (let i = 0; i < this.stageCount; i++) {
      if (!this.missing[i]) continue;
      if (i < firstPos) this.leading.push(i);
      else if (i > lastPos) this.trailing.push(i);
      else {
        const prev = this.positive.filter((p) => p < i).pop() as number;
        const next = this.positive.find((p) => p > i) as number;
        this.middle.push({ stage: i, prev, next });
      }
    }
    this.waiting = this.positive.map(() => new Map());
    this.history = q.stages.map(() => new Map());
  }

  /** Feeds one event's stage hits; returns the sequences this completes (and any now decided). */
  push(m: StageMatch<E>): SequenceResult<E>[] {
    if (this.query.kind === 'sample') return this.pushSample(m);
    const t = m.timestamp;
    if (this.maxspan !== null && t - this.lastSweep > this.maxspan) this.sweep(t);
    const byStage = new Map<number, JoinKey[]>();
    for (const h of m.hits) byStage.set(h.stage, h.keys);

    for (const [stage, keys] of byStage) {
      if (stage >= this.stageCount || !this.missing[stage]) continue;
      for (const key of keys) this.recordMissing(stage, keyIdOf(key), t);
    }
    for (let j = this.positive.length - 1; j >= 0; j--) {
      const stage = this.positive[j];
      const keys = byStage.get(stage);
      if (keys === undefined) continue;
      for (const key of keys) this.advance(j, stage, key, m.event, t);
    }
    const untilKeys = this.untilStage >= 0 ? byStage.get(this.untilStage) : undefined;
    if (untilKeys !== undefined) {
      for (const key of untilKeys) {
        const id = keyIdOf(key);
        for (const w of this.waiting) w.delete(id);
      }
    }
    return this.drain(t);
  }

  /** End of input: decides sequences still waiting on a trailing window, and clears all state. */
  flush(): SequenceResult<E>[] {
    const out = this.drain(Number.POSITIVE_INFINITY);
    this.waiting = this.positive.map(() => new Map());
    this.history = this.query.stages.map(() => new Map());
    this.pendingByKey.clear();
    this.samples.clear();
    this.sampled.clear();
    return out;
  }

  private recordMissing(stage: number, id: string, t: number): void {
    let list = this.history[stage].get(id);
    if (list === undefined) {
      list = [];
      this.history[stage].set(id, list);
    }
    list.push(t);
    if (this.trailing.includes(stage)) {
      const pending = this.pendingByKey.get(id);
      if (pending === undefined) return;
      for (const c of pending) {
        if (c.verdict === 'pending' && t > c.last && t <= c.deadline) c.verdict = 'drop';
      }
    }
  }

  private advance(j: number, stage: number, key: JoinKey, event: E, t: number): void {
    const id = keyIdOf(key);
    let p: Partial<E>;
    if (j === 0) {
      p = {
        key,
        keyId: id,
        events: new Array<E | null>(this.stageCount).fill(null),
        times: new Array<number | null>(this.stageCount).fill(null),
        first: t,
      };
    } else {
      const found = this.waiting[j].get(id);
      if (found === undefined) return;
      this.waiting[j].delete(id);
      if (this.maxspan !== null && t - found.first > this.maxspan) return;
      p = found;
    }
    p.events[stage] = event;
    p.times[stage] = t;
    if (j === this.positive.length - 1) this.complete(p, t);
    else this.waiting[j + 1].set(id, p);
  }

  private complete(p: Partial<E>, last: number): void {
    const result: SequenceResult<E> = { key: p.key, events: p.events, timestamps: p.times };
    if (this.leading.length + this.middle.length + this.trailing.length === 0) {
      this.queue.push({ result, verdict: 'keep', deadline: last, last });
      return;
    }
    for (const m of this.middle) {
      const lo = p.times[m.prev] as number;
      const hi = p.times[m.next] as number;
      const seen = this.history[m.stage].get(p.keyId);
      if (seen?.some((h) => h > lo && h < hi)) return;
    }
    let lastLeading: number | null = null;
    for (const s of this.leading) {
      const seen = this.history[s].get(p.keyId);
      if (seen === undefined) continue;
      for (const h of seen) if (h < p.first && (lastLeading === null || h > lastLeading)) lastLeading = h;
    }
    const exceeds = (from: number, to: number): boolean =>
      this.maxspan !== null && this.maxspan > 0 && to - from > this.maxspan;
    if (this.trailing.length === 0) {
      const keep = lastLeading === null || exceeds(lastLeading, last);
      if (keep) this.queue.push({ result, verdict: 'keep', deadline: last, last });
      return;
    }
    if (this.leading.length > 0 && lastLeading === null) {
      this.queue.push({ result, verdict: 'keep', deadline: last, last });
      return;
    }
    const from = this.leading.length > 0 ? (lastLeading as number) : p.first;
    const entry: Completed<E> = {
      result,
      verdict: 'pending',
      deadline: this.maxspan === null || this.maxspan === 0 ? Number.POSITIVE_INFINITY : from + this.maxspan,
      last,
    };
    this.queue.push(entry);
    let list = this.pendingByKey.get(p.keyId);
    if (list === undefined) {
      list = [];
      this.pendingByKey.set(p.keyId, list);
    }
    list.push(entry);
  }

  private drain(now: number): SequenceResult<E>[] {
    const out: SequenceResult<E>[] = [];
    let i = 0;
    for (; i < this.queue.length; i++) {
      const c = this.queue[i];
      if (c.verdict === 'pending') {
        if (now > c.deadline) c.verdict = 'keep';
        else break;
      }
      if (c.verdict === 'keep') out.push(c.result);
    }
    if (i > 0) this.queue = this.queue.slice(i);
    return out;
  }

  private sweep(now: number): void {
    const span = this.maxspan as number;
    this.lastSweep = now;
    for (const w of this.waiting) {
      for (const [id, p] of w) if (now - p.first > span) w.delete(id);
    }
    for (const h of this.history) {
      for (const [id, list] of h) {
        const kept = list.filter((x) => now - x <= span);
        if (kept.length === 0) h.delete(id);
        else if (kept.length !== list.length) h.set(id, kept);
      }
    }
    for (const [id, list] of this.pendingByKey) {
      const kept = list.filter((c) => c.verdict === 'pending');
      if (kept.length === 0) this.pendingByKey.delete(id);
      else if (kept.length !== list.length) this.pendingByKey.set(id, kept);
    }
  }

  /** Samples: per key, the first event of each stage (one stage per event); emitted once per key. */
  private pushSample(m: StageMatch<E>): SequenceResult<E>[] {
    const out: SequenceResult<E>[] = [];
    const used = new Set<string>();
    const hits = [...m.hits].sort((a, b) => a.stage - b.stage);
    for (const h of hits) {
      for (const key of h.keys) {
        const id = keyIdOf(key);
        if (this.sampled.has(id) || used.has(id)) continue;
        let slot = this.samples.get(id);
        if (slot === undefined) {
          slot = {
            key,
            keyId: id,
            events: new Array<E | null>(this.stageCount).fill(null),
            times: new Array<number | null>(this.stageCount).fill(null),
            first: m.timestamp,
          };
          this.samples.set(id, slot);
        }
        if (slot.times[h.stage] !== null) continue;
        slot.events[h.stage] = m.event;
        slot.times[h.stage] = m.timestamp;
        used.add(id);
        if (slot.times.every((x) => x !== null)) {
          out.push({ key: slot.key, events: slot.events, timestamps: slot.times });
          this.samples.delete(id);
          this.sampled.add(id);
        }
      }
    }
    return out;
  }
}

/** Applies `| head n` / `| tail n` pipes, in the order written, to a complete result list. */
export function applyPipes<T>(items: readonly T[], pipes: readonly Pipe[]): T[] {
  let out = [...items];
  for (const p of pipes)
    out = p.kind === 'head' ? out.slice(0, p.count) : p.count === 0 ? [] : out.slice(-p.count);
  return out;
}
