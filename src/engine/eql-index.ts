import type { EqlQuery, Expr } from '../eql/index.js';

/**
 * What an EQL event query's condition needs of one event, found in its text: the query can be true
 * only when some field `path` holds a value whose lower-cased text (`String(x).toLowerCase()`) is
 * one of `keys`. Each choice is one side of an `or`; a list value needs one element in the set.
 */
export interface ValueNeed {
  choices: { path: string; keys: string[] }[];
}

/** Conjuncts every match of the query must satisfy. */
function conjuncts(e: Expr): Expr[] {
  return e.type === 'and' ? e.args.flatMap(conjuncts) : [e];
}

/**
 * A string `==` compares as a string only with another string: a number or a boolean on the
 * other side turns the comparison numeric or boolean (`values.ts`), where the text may differ
 * (`4` and `"4.0"`). Such literals are not used.
 */
function plainText(v: string): boolean {
  const t = v.trim().toLowerCase();
  return t !== 'true' && t !== 'false' && (t === '' || Number.isNaN(Number(t)));
}

/**
 * One field and the lower-cased values it must hold for `e` to be true, or null. Exact on the text:
 * `:` without `*` or `?` compares lower-cased text; `in` / `in~` over string literals compare
 * `String(x)` (folded or not) with the set; `==` with a plain-text literal compares strings. Each is
 * true only when the value's lower-cased text is one of the keys.
 */
function choice(e: Expr): { path: string; keys: string[] } | null {
  if (e.type === 'match' && e.op === ':' && e.expr.type === 'field') {
    if (e.patterns.some((p) => p.includes('*') || p.includes('?'))) return null;
    return { path: e.expr.path, keys: e.patterns.map((p) => p.toLowerCase()) };
  }
  if (e.type === 'in' && !e.negated && e.expr.type === 'field') {
    const keys: string[] = [];
    for (const x of e.list) {
      if (x.type !== 'literal' || typeof x.value !== 'string') return null;
      keys.push(x.value.toLowerCase());
    }
    return { path: e.expr.path, keys };
  }
  if (e.type === 'compare' && e.op === '==') {
    const [f, l] = e.left.type === 'field' ? [e.left, e.right] : [e.right, e.left];
    if (f.type !== 'field' || l.type !== 'literal' || typeof l.value !== 'string') return null;
    if (!plainText(l.value)) return null;
    return { path: f.path, keys: [l.value.toLowerCase()] };
  }
  return null;
}

function need(e: Expr): ValueNeed | null {
  if (e.type === 'or') {
    const choices: ValueNeed['choices'] = [];
    for (const a of e.args) {
      const n = need(a);
      if (n === null) return null;
      choices.push(...n.choices);
    }
    return { choices };
  }
  const c = choice(e);
  return c === null ? null : { choices: [c] };
}

/**
 * Fields nearly every event of a category holds the required value of (Elastic's rules open with
 * `host.os.type == "windows" and event.type == "start"`): an index on them turns nothing away.
 */
const UNSELECTIVE = new Set(['host.os.type', 'event.type', 'event.category', 'event.kind', 'event.action']);

/** The most selective need of one condition (the fewest keys, fields that separate events only). */
function bestNeed(where: Expr): ValueNeed | null {
  let best: ValueNeed | null = null;
  let bestKeys = Number.POSITIVE_INFINITY;
  for (const c of conjuncts(where)) {
    const n = need(c);
    if (n === null || n.choices.some((x) => UNSELECTIVE.has(x.path))) continue;
    const keys = n.choices.reduce((sum, x) => sum + x.keys.length, 0);
    if (keys < bestKeys) {
      best = n;
      bestKeys = keys;
    }
  }
  return best;
}

/**
 * What an event must hold for the query to report anything about it, or null when the query may
 * report on any event of its categories. An event query needs its condition's most selective need;
 * a sequence or sample reports the stages an event fills (its `until` and missing-event stages
 * too), so it needs what one of its stages needs, and nothing when one of them needs nothing.
 */
export function valueNeed(q: EqlQuery): ValueNeed | null {
  if (q.kind === 'event') return bestNeed(q.where);
  const stages = q.kind === 'sequence' && q.until !== null ? [...q.stages, q.until] : q.stages;
  const choices: ValueNeed['choices'] = [];
  for (const s of stages) {
    const n = bestNeed(s.where);
    if (n === null) return null;
    choices.push(...n.choices);
  }
  return { choices };
}
