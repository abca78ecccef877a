import type { EqlQuery, EventFilter, JoinKeyField, SequenceStage } from './ast.js';
import { type CompileOptions, compilePredicate, type Predicate } from './compile-expr.js';
import type { FieldSource, Scalar } from './values.js';

/** One value per join-key field; null only for an absent `?optional` key. */
export type JoinKey = (string | number | null)[];

/** A stage an event satisfies, with the join keys it takes part under (several for list values). */
export interface StageHit {
  stage: number;
  keys: JoinKey[];
}

/**
 * The per-event part of an EQL rule, compiled in each worker. Stages are numbered from 0 after
 * `with runs=N` expansion; the `until` clause, when present, is stage `stageCount`.
 */
export interface CompiledEql {
  readonly kind: EqlQuery['kind'];
  readonly stageCount: number;
  /** `stageCount` when the sequence has an `until` clause, otherwise -1. */
  readonly untilStage: number;
  /** The event categories any stage can match (for a rule index); null when a stage is `any`. */
  readonly categories: string[] | null;
  /** Event query: does the event match? Sequence or sample: does it satisfy any stage? */
  matches(ev: FieldSource): boolean;
  /** Stages (0-based, `untilStage` included) the event satisfies, in ascending order. */
  stagesMatched(ev: FieldSource): number[];
  /** The join keys of the event for one stage; empty when a required key is absent. */
  keys(ev: FieldSource, stage: number): JoinKey[];
  /** Both at once, as the small record a worker sends on: null when no stage matched. */
  stageHits(ev: FieldSource): StageHit[] | null;
}

const CATEGORY_FIELD = 'event.category';
const NONE: number[] = [];

function compileFilter(f: EventFilter, opts: CompileOptions): (ev: FieldSource) => boolean {
  const where = compilePredicate(f.where, opts);
  const category = f.category;
  if (category === null) return (ev) => where(ev) === true;
  return (ev) => {
    const c = ev.get(CATEGORY_FIELD);
    if (c === undefined || c === null) return false;
    const ok = Array.isArray(c) ? (c as readonly Scalar[]).includes(category) : c === category;
    return ok && where(ev) === true;
  };
}

function keyValues(v: ReturnType<FieldSource['get']>): (string | number)[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? (v as readonly Scalar[]) : [v as Scalar];
  const out: (string | number)[] = [];
  for (const x of list) {
    if (x === null) continue;
    const k = typeof x === 'boolean' ? String(x) : x;
    if (!out.includes(k)) out.push(k);
  }
  return out;
}

function compileKeys(fields: JoinKeyField[]): (ev: FieldSource) => JoinKey[] {
  if (fields.length === 0) return () => [[]];
  return (ev) => {
    let combos: JoinKey[] = [[]];
    for (const f of fields) {
      const values = keyValues(ev.get(f.path));
      if (values.length === 0) {
        if (!f.optional) return [];
        for (const c of combos) c.push(null);
        continue;
      }
      if (values.length === 1) {
        for (const c of combos) c.push(values[0]);
        continue;
      }
      const next: JoinKey[] = [];
      for (const c of combos) for (const v of values) next.push([...c, v]);
      combos = next;
    }
    return combos;
  };
}

/** Compiles a rule's query (its IR `ast`) into per-event closures. */
export function compileEql(rule: { ast: EqlQuery }, opts: CompileOptions = {}): CompiledEql {
  const q = rule.ast;
  if (q.kind === 'event') {
    const test = compileFilter(q, opts);
    const one = [0];
    return {
      kind: 'event',
      stageCount: 1,
      untilStage: -1,
      categories: q.category === null ? null : [q.category],
      matches: test,
      stagesMatched: (ev) => (test(ev) ? one : NONE),
      keys: () => [[]],
      stageHits: (ev) => (test(ev) ? [{ stage: 0, keys: [[]] }] : null),
    };
  }
  const stages: SequenceStage[] =
    q.kind === 'sequence' && q.until !== null ? [...q.stages, q.until] : q.stages;
  // Stages repeated by `runs` share one compiled filter, evaluated once per event.
  const distinct = new Map<string, number>();
  const filters: ((ev: FieldSource) => boolean)[] = [];
  const filterOf = stages.map((s) => {
    const sig = JSON.stringify([s.category, s.where]);
    let idx = distinct.get(sig);
    if (idx === undefined) {
      idx = filters.length;
      distinct.set(sig, idx);
      filters.push(compileFilter(s, opts));
    }
    return idx;
  });
  const keyFns = stages.map((s) => compileKeys([...q.by, ...s.by]));
  const stagesMatched = (ev: FieldSource): number[] => {
    let results: boolean[] | null = null;
    let out: number[] | null = null;
    for (let i = 0; i < stages.length; i++) {
      const fi = filterOf[i];
      if (results === null) results = new Array<boolean>(filters.length);
      let r = results[fi];
      if (r === undefined) {
        r = filters[fi](ev);
        results[fi] = r;
      }
      if (r) {
        if (out === null) out = [];
        out.push(i);
      }
    }
    return out ?? NONE;
  };
  const keys = (ev: FieldSource, stage: number): JoinKey[] => {
    const fn = keyFns[stage];
    if (fn === undefined) throw new RangeError(`stage ${stage} out of range`);
    return fn(ev);
  };
  return {
    kind: q.kind,
    stageCount: q.stages.length,
    untilStage: q.kind === 'sequence' && q.until !== null ? q.stages.length : -1,
    categories: stages.some((s) => s.category === null)
      ? null
      : [...new Set(stages.map((s) => s.category as string))],
    matches: (ev) => stagesMatched(ev).length > 0,
    stagesMatched,
    keys,
    stageHits: (ev) => {
      const matched = stagesMatched(ev);
      if (matched.length === 0) return null;
      const hits: StageHit[] = [];
      for (const stage of matched) {
        const k = keyFns[stage](ev);
        if (k.length > 0) hits.push({ stage, keys: k });
      }
      return hits.length > 0 ? hits : null;
    },
  };
}

export type { Predicate };
