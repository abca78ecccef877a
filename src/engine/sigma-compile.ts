import type { FieldValue } from '../event/index.js';
import type { SourceSpec } from '../mapping/index.js';
import type { ConditionIR, DetectionIR, FieldItem, ValueTest } from '../sigma/index.js';
import type { AutomatonCache } from './automaton-cache.js';
import type { FieldAccess } from './field-access.js';
import { orderedPieces, orderedTest } from './ordered-pieces.js';
import { AhoCorasick, MAX_LITERAL } from './prefilter-ac.js';
import { cidrMatcher, compareNum, parseDate, parseNum, timePart } from './sigma-values.js';

export type Pred = (fa: FieldAccess) => boolean;
/** Tests one text value; `low` is its lower-cased form. */
type TextPred = (raw: string, low: string) => boolean;

function anyOf(v: FieldValue, lv: FieldValue, p: TextPred): boolean {
  if (typeof v === 'string') return p(v, lv as string);
  const l = lv as readonly string[];
  for (let i = 0; i < v.length; i++) if (p(v[i]!, l[i]!)) return true;
  return false;
}

/** A text predicate for tests that look at one value; undefined for null/exists/ref. */
function textPred(t: ValueTest): TextPred | undefined {
  switch (t.t) {
    case 'str': {
      const v = t.value;
      if (t.cased) {
        switch (t.op) {
          case 'eq':
            return (r) => r === v;
          case 'prefix':
            return (r) => r.startsWith(v);
          case 'suffix':
            return (r) => r.endsWith(v);
          case 'contains':
            return (r) => r.includes(v);
          case 'glob': {
            const rx = new RegExp(`^${v}$`);
            return (r) => rx.test(r);
          }
        }
      }
      switch (t.op) {
        case 'eq':
          return (_r, l) => l === v;
        case 'prefix':
          return (_r, l) => l.startsWith(v);
        case 'suffix':
          return (_r, l) => l.endsWith(v);
        case 'contains':
          return (_r, l) => l.includes(v);
        case 'glob': {
          const rx = new RegExp(`^${v}$`);
          return (_r, l) => rx.test(l);
        }
      }
      break;
    }
    case 're': {
      const pieces = orderedPieces(t.source, t.flags);
      const test = pieces ? orderedTest(pieces, t.flags) : undefined;
      const rx = test ? undefined : new RegExp(t.source, t.flags);
      const run = test ?? ((r: string) => rx!.test(r));
      const lit = t.lit;
      if (lit) return (r, l) => l.includes(lit) && run(r);
      return (r) => run(r);
    }
    case 'num': {
      const { op, value } = t;
      return (r) => {
        const n = parseNum(r);
        return !Number.isNaN(n) && compareNum(op, n, value);
      };
    }
    case 'cidr': {
      const m = cidrMatcher(t.cidr);
      return (r) => m(r);
    }
    case 'time': {
      const { part, op, value } = t;
      return (r) => {
        const d = parseDate(r);
        return d !== undefined && compareNum(op, timePart(part, d), value);
      };
    }
    default:
      return undefined;
  }
  return undefined;
}

function needsLow(t: ValueTest): boolean {
  return (t.t === 'str' && !t.cased) || (t.t === 're' && t.lit !== undefined);
}

/** Compiles one value test of a field item into a predicate over the event. */
function valuePred(t: ValueTest, slot: number, resolve: (field: string) => number): Pred {
  if (t.t === 'null') return (fa) => fa.raw(slot) === undefined;
  if (t.t === 'exists') {
    const want = t.value;
    return (fa) => (fa.raw(slot) !== undefined) === want;
  }
  if (t.t === 'ref') {
    const other = resolve(t.field);
    const { op, cased } = t;
    const cmp = (a: string, b: string): boolean => {
      const x = cased ? a : a.toLowerCase();
      const y = cased ? b : b.toLowerCase();
      return op === 'eq'
        ? x === y
        : op === 'prefix'
          ? x.startsWith(y)
          : op === 'suffix'
            ? x.endsWith(y)
            : x.includes(y);
    };
    return (fa) => {
      const a = fa.raw(slot);
      const b = fa.raw(other);
      if (a === undefined || b === undefined) return false;
      const as = typeof a === 'string' ? [a] : a;
      const bs = typeof b === 'string' ? [b] : b;
      for (const x of as) for (const y of bs) if (cmp(x, y)) return true;
      return false;
    };
  }
  const p = textPred(t)!;
  if (needsLow(t)) {
    return (fa) => {
      const v = fa.raw(slot);
      return v !== undefined && anyOf(v, fa.low(slot)!, p);
    };
  }
  return (fa) => {
    const v = fa.raw(slot);
    return v !== undefined && anyOf(v, v, p);
  };
}

/** A keyword test: some value of some field of the event passes. */
function keywordPred(t: ValueTest): Pred {
  const p = textPred(t);
  if (!p) return () => false;
  return (fa) => {
    const raw = fa.allValues();
    const low = needsLow(t) ? fa.allLowValues() : raw;
    for (let i = 0; i < raw.length; i++) if (p(raw[i]!, low[i]!)) return true;
    return false;
  };
}

function or(ps: Pred[]): Pred {
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Pred, Pred];
    return (fa) => a(fa) || b(fa);
  }
  return (fa) => {
    for (const p of ps) if (p(fa)) return true;
    return false;
  };
}

function and(ps: Pred[]): Pred {
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Pred, Pred];
    return (fa) => a(fa) && b(fa);
  }
  return (fa) => {
    for (const p of ps) if (!p(fa)) return false;
    return true;
  };
}

/** Maps Sigma field names to slots for one source (renames and conversions applied). */
export function slotResolver(fa: FieldAccess, spec: SourceSpec): (field: string) => number {
  return (field) => {
    const alias = spec.fields && Object.hasOwn(spec.fields, field) ? spec.fields[field] : undefined;
    return alias ? fa.slot(alias.from, alias.convert) : fa.slot(field);
  };
}

type FusableOp = 'eq' | 'prefix' | 'suffix' | 'contains';

/** From this many substrings on, an OR list is scanned with an automaton instead of one search each. */
const AC_MIN_LITERALS = 12;

function fusable(t: ValueTest): t is ValueTest & { t: 'str'; op: FusableOp; value: string; cased?: boolean } {
  return t.t === 'str' && !t.cased && t.op !== 'glob';
}

/**
 * The case-insensitive equality / prefix / suffix / substring tests of an OR list on one field, as one
 * predicate: the field is looked up and lower-cased once, equality is a set lookup, long substring
 * and suffix lists are scanned once with an automaton, and the other literals are tried in a plain
 * loop instead of one closure call each.
 */
function fusedStrPred(
  tests: readonly { op: FusableOp; value: string }[],
  slot: number,
  automata: AutomatonCache | undefined,
): Pred {
  const eq = new Set<string>();
  const prefix: string[] = [];
  const suffix: string[] = [];
  const contains: string[] = [];
  for (const t of tests) {
    if (t.op === 'eq') eq.add(t.value);
    else if (t.op === 'prefix') prefix.push(t.value);
    else if (t.op === 'suffix') suffix.push(t.value);
    else contains.push(t.value);
  }
  // A long substring list is scanned once with an automaton (a necessary condition: it may report a
  // literal that is not there, never miss one), and only the literals it reports are checked. Taken
  // from the pre-filter's cache when there is one: kept on disk between hunts and shared with the
  // other matching threads. Its automata fold case and read tabs and line breaks as spaces, which
  // on an already lower-cased value can only add reports, and every report is checked.
  const listAutomaton = (lits: string[]): AhoCorasick | undefined =>
    lits.length < AC_MIN_LITERALS
      ? undefined
      : automata !== undefined
        ? automata.get(lits)
        : new AhoCorasick(lits);
  const ac = listAutomaton(contains);
  // A long suffix list too: only a literal reported at the value's last character can end it, and
  // the automaton holds no more of a literal than its last MAX_LITERAL characters, so the scan
  // starts that far (or the longest literal's length, if shorter) from the end.
  const acSuffix = listAutomaton(suffix);
  let longestSuffix = 0;
  for (const x of suffix) longestSuffix = Math.max(longestSuffix, Math.min(x.length, MAX_LITERAL));
  let current = '';
  let found = false;
  // A report says where its literal would end: it is checked there, not searched for again.
  const verify = (id: number, end: number): void => {
    if (found) return;
    const lit = contains[id]!;
    const start = end - lit.length + 1;
    if (start >= 0 && current.startsWith(lit, start)) found = true;
  };
  const verifySuffix = (id: number, end: number): void => {
    if (!found && end === current.length - 1 && current.endsWith(suffix[id]!)) found = true;
  };
  const one = (l: string): boolean => {
    if (eq.has(l)) return true;
    for (let i = 0; i < prefix.length; i++) if (l.startsWith(prefix[i]!)) return true;
    if (acSuffix !== undefined) {
      current = l;
      found = false;
      acSuffix.scan(l, verifySuffix, Math.max(0, l.length - longestSuffix));
      if (found) return true;
    } else for (let i = 0; i < suffix.length; i++) if (l.endsWith(suffix[i]!)) return true;
    if (ac !== undefined) {
      current = l;
      found = false;
      ac.scan(l, verify);
      return found;
    }
    for (let i = 0; i < contains.length; i++) if (l.includes(contains[i]!)) return true;
    return false;
  };
  return (fa) => {
    const l = fa.low(slot);
    if (l === undefined) return false;
    if (typeof l === 'string') return one(l);
    for (let i = 0; i < l.length; i++) if (one(l[i]!)) return true;
    return false;
  };
}

function itemPred(
  it: FieldItem,
  resolve: (field: string) => number,
  automata: AutomatonCache | undefined,
): Pred {
  if (it.field !== null && !it.all) {
    // OR over every test of every value: the fusable ones become one predicate.
    const slot = resolve(it.field);
    const tests = it.values.flat();
    const simple = tests.filter(fusable);
    if (simple.length > 1) {
      const rest = tests.filter((t) => !fusable(t)).map((t) => valuePred(t, slot, resolve));
      const p = or([fusedStrPred(simple, slot, automata), ...rest]);
      return it.neg ? (fa) => !p(fa) : p;
    }
  }
  const groups = it.values.map((g) => {
    if (it.field === null) return or(g.map(keywordPred));
    const slot = resolve(it.field);
    return or(g.map((t) => valuePred(t, slot, resolve)));
  });
  const p = it.all ? and(groups) : or(groups);
  return it.neg ? (fa) => !p(fa) : p;
}

function condPred(c: ConditionIR, sels: Pred[]): Pred {
  switch (c.t) {
    case 'sel':
      return sels[c.i]!;
    case 'not': {
      const p = condPred(c.c, sels);
      return (fa) => !p(fa);
    }
    case 'and':
      return and(c.c.map((x) => condPred(x, sels)));
    case 'or':
      return or(c.c.map((x) => condPred(x, sels)));
  }
}

/** The whole rule on one source: extra source conditions AND the detection condition. */
export function compileVariant(
  ir: DetectionIR,
  spec: SourceSpec,
  fa: FieldAccess,
  automata?: AutomatonCache,
): Pred {
  const resolve = slotResolver(fa, spec);
  const sels = ir.selections.map((s) =>
    or(s.maps.map((m) => and(m.map((it) => itemPred(it, resolve, automata))))),
  );
  const detection = condPred(ir.condition, sels);
  const pre = (spec.conditions ?? []).map((c) => {
    const slot = fa.slot(c.field);
    const want = c.values.map((v) => v.toLowerCase());
    return (x: FieldAccess) => {
      const v = x.low(slot);
      if (v === undefined) return false;
      return typeof v === 'string' ? want.includes(v) : v.some((e) => want.includes(e));
    };
  });
  return pre.length ? and([...pre, detection]) : detection;
}
