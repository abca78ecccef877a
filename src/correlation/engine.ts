import { groupHitId } from '../state/index.js';
import { testCondition } from './condition.js';
import type {
  BaseMatch,
  CorrelationHit,
  CorrelationPlan,
  EngineOptions,
  EngineStats,
  HitMember,
  MatchSource,
  PlannedCorrelation,
} from './types.js';
import { type Entry, GroupWindow, latestChain, latestPerRule, orderedPrefix } from './window.js';

interface Running {
  c: PlannedCorrelation;
  /** Open groups, least recently updated first (re-inserted on every update). */
  groups: Map<string, GroupWindow>;
  output: boolean;
}

/** A match on its way into a correlation: a base match or the hit of an inner correlation. */
interface Input {
  ruleId: string;
  ts: number;
  fields: Record<string, string | null>;
  hitId: string;
  source: MatchSource | null;
}

const SWEEP_EVERY = 256;

function parseNumber(text: string): number {
  const t = text.trim();
  if (/^[+-]?0x[0-9a-f]+$/i.test(t)) {
    const neg = t.startsWith('-');
    const n = Number.parseInt(t.replace(/^[+-]?0x/i, ''), 16);
    return neg ? -n : n;
  }
  if (t === '') return Number.NaN;
  return Number(t);
}

function read(fields: Record<string, string | null>, name: string): string | null {
  if (!Object.hasOwn(fields, name)) return null;
  const v = fields[name];
  return v === undefined || v === '' ? null : v;
}

/**
 * Runs the correlation state machines on the main thread. Feed it every base-rule match in time
 * order (ties broken by file and offset, so that results do not depend on thread count or on how
 * the events are split across files); it returns the hits each match completes.
 *
 * Each correlation keeps, per group, the matches of the last `timespan` (a trailing window
 * [t − timespan, t], both ends included) and tests its condition after every arrival. A hit is
 * emitted at the arrival whose window first meets the condition; later arrivals whose windows
 * still meet it and overlap the previous one (share at least one match with it) continue the same
 * burst and emit nothing. A window that fails the condition, or one that no longer overlaps, ends
 * the burst. Hits are therefore final when returned: nothing is pending at the end of the input.
 */
export class CorrelationEngine {
  private readonly running: Running[];
  /** Input rule id → indexes into `running`, in plan (dependency) order. */
  private readonly readers = new Map<string, number[]>();
  private readonly maxEvents: number;
  private watermark = Number.NEGATIVE_INFINITY;
  private pushes = 0;
  private readonly counters = { matches: 0, outOfOrder: 0, untimed: 0, noValue: 0 };

  constructor(plan: CorrelationPlan, options: EngineOptions = {}) {
    this.maxEvents = options.maxEvents ?? 100;
    const suppressed = new Set(plan.suppressed);
    this.running = plan.correlations.map((c) => ({ c, groups: new Map(), output: !suppressed.has(c.id) }));
    this.running.forEach((r, i) => {
      for (const id of new Set(r.c.inputs)) {
        const list = this.readers.get(id) ?? [];
        list.push(i);
        this.readers.set(id, list);
      }
    });
  }

  /** Rule ids whose matches this engine reads. */
  wants(ruleId: string): boolean {
    return this.readers.has(ruleId);
  }

  /** Feeds one base-rule match; returns the hits to output that it completes (suppressed ones excluded). */
  push(m: BaseMatch): CorrelationHit[] {
    if (Number.isNaN(m.timestamp)) {
      this.counters.untimed++;
      return [];
    }
    if (m.timestamp < this.watermark) {
      this.counters.outOfOrder++;
      return [];
    }
    this.counters.matches++;
    this.watermark = m.timestamp;
    if (++this.pushes % SWEEP_EVERY === 0) this.sweep();
    const out: CorrelationHit[] = [];
    this.feed({ ruleId: m.ruleId, ts: m.timestamp, fields: m.fields, hitId: m.hitId, source: m.source }, out);
    return out;
  }

  /** Releases every open window; returns the final counters. */
  finish(): EngineStats {
    const s = this.stats();
    for (const r of this.running) r.groups.clear();
    return s;
  }

  stats(): EngineStats {
    let openGroups = 0;
    let heldMatches = 0;
    for (const r of this.running) {
      openGroups += r.groups.size;
      for (const g of r.groups.values()) heldMatches += g.size;
    }
    return { ...this.counters, openGroups, heldMatches };
  }

  /** Drops groups whose newest match has left the timespan: no later window can include it. */
  private sweep(): void {
    for (const r of this.running) {
      const cutoff = this.watermark - r.c.timespanMs;
      for (const [key, g] of r.groups) {
        if (g.lastTs >= cutoff) break;
        r.groups.delete(key);
      }
    }
  }

  private feed(input: Input, out: CorrelationHit[]): void {
    const list = this.readers.get(input.ruleId);
    if (!list) return;
    for (const i of list) {
      const r = this.running[i]!;
      const hit = this.update(r, input);
      if (!hit) continue;
      if (r.output) out.push(hit);
      if (this.readers.has(r.c.id)) {
        const fields: Record<string, string | null> = Object.create(null);
        for (const k of Object.keys(hit.group)) fields[k] = hit.group[k]!;
        this.feed({ ruleId: r.c.id, ts: input.ts, fields, hitId: hit.hitId, source: null }, out);
      }
    }
  }

  private update(r: Running, m: Input): CorrelationHit | undefined {
    const c = r.c;
    const spec = c.fieldsByInput[m.ruleId]!;
    const entry: Entry = { ruleId: m.ruleId, ts: m.ts, hitId: m.hitId, source: m.source };
    if (spec.value !== undefined) {
      const text = read(m.fields, spec.value);
      if (text === null) {
        this.counters.noValue++;
        return undefined;
      }
      if (c.type === 'value_count') entry.value = text;
      else {
        const n = parseNumber(text);
        if (!Number.isFinite(n)) {
          this.counters.noValue++;
          return undefined;
        }
        entry.value = n;
      }
    }
    const keyValues = spec.groupBy.map((f) => read(m.fields, f));
    const key = keyValues.length === 0 ? '' : JSON.stringify(keyValues);
    let g = r.groups.get(key);
    if (g) r.groups.delete(key);
    else g = new GroupWindow(keyValues, c.type === 'value_percentile');
    r.groups.set(key, g);

    const cutoff = m.ts - c.timespanMs;
    g.evictBefore(cutoff);
    g.add(entry);

    let aggregate: number;
    switch (c.type) {
      case 'event_count':
        aggregate = g.size;
        break;
      case 'value_count':
        aggregate = g.distinctValues();
        break;
      case 'value_sum':
        aggregate = g.total();
        break;
      case 'value_avg':
        aggregate = g.total() / g.size;
        break;
      case 'value_percentile':
        aggregate = g.percentile(c.percentile ?? 50);
        break;
      case 'temporal':
        aggregate = g.distinctRules();
        break;
      case 'temporal_ordered':
        aggregate = orderedPrefix(g.entries(), c.inputs);
        break;
    }
    if (!testCondition(c.condition, aggregate)) {
      g.burstLastTs = Number.NaN;
      return undefined;
    }
    // Same burst: the previous qualifying window's last match is still inside this one.
    if (!Number.isNaN(g.burstLastTs) && g.burstLastTs >= cutoff) {
      g.burstLastTs = m.ts;
      return undefined;
    }
    g.burstLastTs = m.ts;

    const entries = g.entries();
    let members: Entry[];
    if (c.type === 'temporal') members = latestPerRule(entries);
    else if (c.type === 'temporal_ordered') members = latestChain(entries, c.inputs, aggregate);
    else members = entries;
    const group: Record<string, string | null> = Object.create(null);
    c.groupBy.forEach((name, k) => {
      group[name] = g.key[k] ?? null;
    });
    const isCount = c.type === 'event_count' || c.type === 'temporal' || c.type === 'temporal_ordered';
    const events: HitMember[] = members
      .slice(0, this.maxEvents)
      .map((e) => ({ ruleId: e.ruleId, hitId: e.hitId, timestamp: e.ts, source: e.source }));
    return {
      ruleId: c.id,
      title: c.title,
      level: c.level,
      tags: c.tags,
      path: c.path,
      type: c.type,
      timestamp: members.length > 0 ? members[0]!.ts : m.ts,
      endTimestamp: m.ts,
      group,
      ...(isCount ? { count: aggregate } : { value: aggregate }),
      events,
      eventsTotal: members.length,
      hitId: groupHitId(
        c.id,
        members.map((e) => e.hitId),
      ),
    };
  }
}
