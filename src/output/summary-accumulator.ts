import { type Dict, dict, LEVELS, type Level, levelRank } from '../common/index.js';
import { hitTime } from './time-format.js';
import type { HitRecord } from './types.js';

const HOUR_MS = 3_600_000;
/** Distinct computers tracked by name; beyond this, hits count under "(other computers)". */
export const MAX_COMPUTERS = 10_000;
export const OTHER_COMPUTERS = '(other computers)';

export interface RuleTally {
  id: string;
  title: string;
  level: Level;
  count: number;
}

export interface ComputerTally {
  name: string;
  count: number;
  /** The most severe level among its hits. */
  level: Level;
}

function newTally(hit: HitRecord): RuleTally {
  return { id: hit.rule.id, title: hit.rule.title, level: hit.level, count: 1 };
}

function zeroLevels(): Record<Level, number> {
  return { informational: 0, low: 0, medium: 0, high: 0, critical: 0 };
}

/**
 * What the summary needs from the hits, gathered one hit at a time in memory bounded by the number
 * of rules, computers and hours with hits — never the hits themselves.
 */
export class SummaryAccumulator {
  total = 0;
  readonly byLevel: Record<Level, number> = zeroLevels();
  /** Hits with no usable timestamp (not in first/last or the chart). */
  undated = 0;
  first = Number.NaN;
  last = Number.NaN;
  /** Rules by id (the first title seen with it), and by id and title for any other title. */
  private readonly rules = new Map<string, RuleTally>();
  private readonly retitled = new Map<string, RuleTally>();
  private readonly computers: Dict<ComputerTally> = dict();
  private computerCount = 0;
  /** Hour index (ms / 1 h) → hits per level, indexed as LEVELS. */
  private readonly hours = new Map<number, number[]>();

  add(hit: HitRecord): void {
    this.total++;
    this.byLevel[hit.level]++;

    // Keyed by the rule's id alone (a string the rule's metadata holds, its hash computed once):
    // a key joined from id and title was a new string to hash at every hit.
    const id = hit.rule.id;
    const byId = this.rules.get(id);
    if (byId === undefined) this.rules.set(id, newTally(hit));
    else if (byId.title === hit.rule.title) this.count(byId, hit.level);
    else {
      const key = `${id}\u0000${hit.rule.title}`;
      const other = this.retitled.get(key);
      if (other === undefined) this.retitled.set(key, newTally(hit));
      else this.count(other, hit.level);
    }

    if (hit.computer !== null && hit.computer !== '') {
      let name = hit.computer;
      if (this.computers[name] === undefined && this.computerCount >= MAX_COMPUTERS) name = OTHER_COMPUTERS;
      const c = this.computers[name];
      if (c === undefined) {
        this.computers[name] = { name, count: 1, level: hit.level };
        this.computerCount++;
      } else {
        c.count++;
        if (levelRank(hit.level) > levelRank(c.level)) c.level = hit.level;
      }
    }

    const t = hit.ms ?? hitTime(hit.timestamp);
    if (Number.isNaN(t)) {
      this.undated++;
      return;
    }
    if (!(t >= this.first)) this.first = t;
    if (!(t <= this.last)) this.last = t;
    const hour = Math.floor(t / HOUR_MS);
    let counts = this.hours.get(hour);
    if (counts === undefined) {
      counts = [0, 0, 0, 0, 0];
      this.hours.set(hour, counts);
    }
    counts[levelRank(hit.level)]!++;
  }

  /** Rules with hits, most severe first, then by hit count, then title. */
  topRules(limit: number): RuleTally[] {
    return [...this.rules.values(), ...this.retitled.values()]
      .sort(
        (a, b) =>
          levelRank(b.level) - levelRank(a.level) ||
          b.count - a.count ||
          (a.title < b.title ? -1 : a.title > b.title ? 1 : 0),
      )
      .slice(0, limit);
  }

  get ruleCount(): number {
    return this.rules.size + this.retitled.size;
  }

  private count(rule: RuleTally, level: Level): void {
    rule.count++;
    if (levelRank(level) > levelRank(rule.level)) rule.level = level;
  }

  /** Computers by hit count, then name. */
  topComputers(limit: number): ComputerTally[] {
    return Object.values(this.computers)
      .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .slice(0, limit);
  }

  get computerTotal(): number {
    return this.computerCount;
  }

  /**
   * Hits of one level per time bucket from the first hit's bucket to the last's; a bucket is
   * `bucketHours` long and starts at a multiple of it counted from `originHour`.
   */
  series(level: Level, bucketHours: number, originHour: number, buckets: number): number[] {
    const out = new Array<number>(buckets).fill(0);
    const li = LEVELS.indexOf(level);
    for (const [hour, counts] of this.hours) {
      const i = Math.floor((hour - originHour) / bucketHours);
      if (i >= 0 && i < buckets) out[i]! += counts[li]!;
    }
    return out;
  }
}
