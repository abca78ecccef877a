import type { MatchSource } from './types.js';

/** One match held in an open window. */
export interface Entry {
  ruleId: string;
  ts: number;
  hitId: string;
  source: MatchSource | null;
  /** value_count: the text; numeric types: the number. */
  value?: string | number;
}

/**
 * The matches of one group that are still inside the timespan, oldest first, with the running
 * aggregates every correlation type needs. Eviction and insertion are O(1) except for the
 * percentile's sorted list (O(window)).
 */
export class GroupWindow {
  readonly key: readonly (string | null)[];
  private items: Entry[] = [];
  private head = 0;
  lastTs = Number.NEGATIVE_INFINITY;
  /** Time of the last arrival whose window met the condition; NaN when no burst is running. */
  burstLastTs = Number.NaN;
  private sum = 0;
  private readonly distinct = new Map<string, number>();
  private readonly perRule = new Map<string, number>();
  private sorted: number[] | undefined;

  constructor(key: readonly (string | null)[], keepSorted: boolean) {
    this.key = key;
    if (keepSorted) this.sorted = [];
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** A copy of the entries in arrival order (called only when a hit is built). */
  entries(): Entry[] {
    return this.items.slice(this.head);
  }

  /** Removes every entry older than `cutoff` (entries at exactly `cutoff` stay). */
  evictBefore(cutoff: number): void {
    while (this.head < this.items.length && this.items[this.head]!.ts < cutoff) {
      const e = this.items[this.head]!;
      this.head++;
      this.forget(e);
    }
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
      this.sum = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  add(e: Entry): void {
    this.items.push(e);
    this.lastTs = e.ts;
    this.perRule.set(e.ruleId, (this.perRule.get(e.ruleId) ?? 0) + 1);
    if (typeof e.value === 'string') this.distinct.set(e.value, (this.distinct.get(e.value) ?? 0) + 1);
    else if (typeof e.value === 'number') {
      this.sum += e.value;
      if (this.sorted) this.sorted.splice(lowerBound(this.sorted, e.value), 0, e.value);
    }
  }

  private forget(e: Entry): void {
    decrement(this.perRule, e.ruleId);
    if (typeof e.value === 'string') decrement(this.distinct, e.value);
    else if (typeof e.value === 'number') {
      this.sum -= e.value;
      if (this.sorted) this.sorted.splice(lowerBound(this.sorted, e.value), 1);
    }
  }

  distinctValues(): number {
    return this.distinct.size;
  }

  distinctRules(): number {
    return this.perRule.size;
  }

  total(): number {
    return this.sum;
  }

  /** Nearest-rank percentile (p in 0–100) of the numeric values; NaN when there are none. */
  percentile(p: number): number {
    const s = this.sorted ?? [];
    if (s.length === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * s.length));
    return s[rank - 1]!;
  }
}

function decrement(m: Map<string, number>, k: string): void {
  const n = (m.get(k) ?? 0) - 1;
  if (n <= 0) m.delete(k);
  else m.set(k, n);
}

function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Length of the longest prefix of `order` found, in order, as a subsequence of the entries. */
export function orderedPrefix(entries: readonly Entry[], order: readonly string[]): number {
  let j = 0;
  for (const e of entries) {
    if (j < order.length && e.ruleId === order[j]) j++;
  }
  return j;
}

/**
 * The latest-starting chain matching `order[0..n)` in the entries: the last match of the last
 * rule, then the last match of the one before it that comes earlier, and so on.
 */
export function latestChain(entries: readonly Entry[], order: readonly string[], n: number): Entry[] {
  const chain: Entry[] = [];
  let k = n - 1;
  for (let i = entries.length - 1; i >= 0 && k >= 0; i--) {
    if (entries[i]!.ruleId === order[k]) {
      chain.push(entries[i]!);
      k--;
    }
  }
  return chain.reverse();
}

/** The latest match of each rule present, in arrival order. */
export function latestPerRule(entries: readonly Entry[]): Entry[] {
  const seen = new Set<string>();
  const out: Entry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (!seen.has(e.ruleId)) {
      seen.add(e.ruleId);
      out.push(e);
    }
  }
  return out.reverse();
}
