import { ecsView } from '../ecs/index.js';
import {
  type CompiledEql,
  compileEql,
  type EqlRuleIR,
  type FieldSource,
  type StageHit,
} from '../eql/index.js';
import type { Event } from '../event/index.js';
import { valueNeed } from './eql-index.js';

export interface EqlRunnerOptions {
  /** Index rules by a value their condition needs (eql-index.ts); on by default. */
  index?: boolean;
}

/** Rules of one category (or of `any`), and the fields whose values index some of them. */
interface Group {
  rules: number[];
  paths: string[];
}

/**
 * Runs compiled EQL rules over events in a worker, tried only when the event's category can match:
 * event queries report a match; sequence rules report the stages the event fills and its join keys.
 * A rule whose condition needs a field to hold one of a few values (`process.name : "x.exe"`,
 * `registry.value in (…)`, either of two such fields; for a sequence, every stage needing one) is
 * tried only on the events that hold one of them: most of Elastic's Windows rules have such a need.
 */
export class EqlRunner {
  private readonly compiled: CompiledEql[];
  private readonly byCategory = new Map<string, Group>();
  private readonly anyCategory: Group = { rules: [], paths: [] };
  /** Field path → lower-cased value → the indexed rules that need it. */
  private readonly byValue = new Map<string, Map<string, number[]>>();
  private readonly indexed: Uint8Array;
  /** Per rule, the last event (`epoch`) it was a candidate for, and the last it was tried on. */
  private readonly candidate: Uint32Array;
  private readonly tried: Uint32Array;
  private epoch = 0;

  constructor(rules: EqlRuleIR[], opts: EqlRunnerOptions = {}) {
    this.compiled = rules.map((r) => compileEql(r));
    const n = rules.length;
    this.indexed = new Uint8Array(n);
    this.candidate = new Uint32Array(n);
    this.tried = new Uint32Array(n);
    const groupOf = (cat: string): Group => {
      let g = this.byCategory.get(cat);
      if (!g) {
        g = { rules: [], paths: [] };
        this.byCategory.set(cat, g);
      }
      return g;
    };
    this.compiled.forEach((c, i) => {
      const groups = c.categories === null ? [this.anyCategory] : c.categories.map(groupOf);
      for (const g of groups) g.rules.push(i);
      const need = opts.index === false ? null : valueNeed(rules[i]!.ast);
      if (need === null) return;
      this.indexed[i] = 1;
      for (const { path, keys } of need.choices) {
        for (const g of groups) if (!g.paths.includes(path)) g.paths.push(path);
        let byKey = this.byValue.get(path);
        if (!byKey) {
          byKey = new Map();
          this.byValue.set(path, byKey);
        }
        for (const k of keys) {
          const list = byKey.get(k);
          if (list === undefined) byKey.set(k, [i]);
          else if (list[list.length - 1] !== i) list.push(i);
        }
      }
    });
  }

  get empty(): boolean {
    return this.compiled.length === 0;
  }

  /** Marks the indexed rules of `g` whose needed value the event holds. */
  private mark(g: Group, view: FieldSource, epoch: number): void {
    for (const path of g.paths) {
      const v = view.get(path);
      if (v === undefined || v === null) continue;
      const byKey = this.byValue.get(path)!;
      const list = Array.isArray(v) ? (v as readonly unknown[]) : [v];
      for (const x of list) {
        if (x === null) continue;
        const ids = byKey.get(String(x).toLowerCase());
        if (ids !== undefined) for (const id of ids) this.candidate[id] = epoch;
      }
    }
  }

  run(ev: Event, onMatch: (rule: number) => void, onStages: (rule: number, hits: StageHit[]) => void): void {
    const view = ecsView(ev);
    const cat = view.get('event.category');
    const { indexed, candidate, tried } = this;
    if (this.epoch === 0xffffffff) {
      candidate.fill(0);
      tried.fill(0);
      this.epoch = 0;
    }
    const epoch = ++this.epoch;
    const groups: Group[] = [this.anyCategory];
    if (typeof cat === 'string') {
      const g = this.byCategory.get(cat);
      if (g) groups.push(g);
    } else if (Array.isArray(cat)) {
      for (const c of cat) {
        const g = typeof c === 'string' ? this.byCategory.get(c) : undefined;
        if (g) groups.push(g);
      }
    }
    for (const g of groups) this.mark(g, view, epoch);
    for (const g of groups) {
      for (const i of g.rules) {
        if (tried[i] === epoch || (indexed[i] === 1 && candidate[i] !== epoch)) continue;
        tried[i] = epoch;
        const c = this.compiled[i]!;
        if (c.kind === 'event') {
          if (c.matches(view)) onMatch(i);
          continue;
        }
        const hits = c.stageHits(view);
        if (hits && hits.length > 0) onStages(i, hits);
      }
    }
  }
}
