import type { SourceSpec } from '../mapping/index.js';
import type { ConditionIR, DetectionIR, FieldItem, SelectionIR, ValueTest } from './types.js';

/**
 * Where a literal sits in the value that holds it, when the test pins it: at the start (a
 * `startswith`), at the end (`endswith`), or as the whole value (a plain comparison).
 */
export type Anchor = 'start' | 'end' | 'whole';

/**
 * One way a clause can hold: this literal occurs in this field (lower-cased; null: any field), at
 * the place `anchor` says when it is given.
 */
export interface Alternative {
  field: string | null;
  lit: string;
  anchor?: Anchor;
}

/** At least one alternative holds on every event the rule matches. */
export type Clause = Alternative[];

/**
 * A necessary condition for a rule, in conjunctive form: if the rule matches an event, every
 * clause holds. An empty list means no literal condition could be derived (the rule is always
 * evaluated). Requiring every clause, not just the best one, is what keeps "Image ends with
 * \cmd.exe and CommandLine contains /c del" from being evaluated on every cmd.exe event.
 */
export type Requirement = Clause[];

/** Alternatives a clause may have before it stops being worth scanning for. */
const MAX_ALTERNATIVES = 5000;
/** Clauses a requirement keeps (the most selective): the candidate check holds them in one int32 mask. */
export const MAX_CLAUSES = 31;
/**
 * Clauses an OR may multiply out into (then trimmed to the MAX_CLAUSES most selective) before it
 * falls back to one clause joining each branch's best. 8 before: over SigmaHQ's Windows rules and
 * the shared NDJSON corpus, 256 cut rule evaluations 27,551 -> 23,587 and records parsed 5,921 ->
 * 5,847 (`Suspicious PowerShell Invocations - Specific`: three branches of three `contains|all`).
 */
const MAX_PRODUCT = 256;

/** How selective a clause is likely to be: few and long literals score high. */
export function clauseScore(c: Clause): number {
  let minLen = Number.POSITIVE_INFINITY;
  for (const a of c) minLen = Math.min(minLen, a.lit.length);
  return Math.min(minLen, 8) * 4 - c.length;
}

function bestClause(r: Requirement): Clause {
  let pick = r[0]!;
  for (const c of r) if (clauseScore(c) > clauseScore(pick)) pick = c;
  return pick;
}

/** Keeps the most selective clauses and drops duplicates (both only weaken the condition). */
function trim(r: Requirement): Requirement {
  const seen = new Set<string>();
  const out: Requirement = [];
  for (const c of r) {
    if (c.length === 0 || c.length > MAX_ALTERNATIVES) continue;
    const key = c
      .map((a) => `${a.field ?? ''}\u0000${a.anchor ?? ''}\u0000${a.lit}`)
      .sort()
      .join('\u0001');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  if (out.length <= MAX_CLAUSES) return out;
  return out
    .map((c, i) => ({ c, i, s: clauseScore(c) }))
    .sort((x, y) => y.s - x.s || x.i - y.i)
    .slice(0, MAX_CLAUSES)
    .sort((x, y) => x.i - y.i)
    .map((x) => x.c);
}

/** Conjunction: every clause of every part. */
function and(parts: Requirement[]): Requirement {
  return trim(parts.flat());
}

/**
 * Disjunction: (a1 ∧ a2) ∨ (b1 ∧ b2) holds exactly when every (ai ∨ bj) does. Multiplied out
 * while small; beyond that, one clause per branch (its best) joined into one clause, which each
 * branch still implies. A branch without clauses makes the whole disjunction unconstrained.
 */
function or(parts: Requirement[]): Requirement {
  if (parts.length === 0 || parts.some((p) => p.length === 0)) return [];
  let acc: Requirement = [[]];
  for (const p of parts) {
    const next: Requirement = [];
    for (const a of acc) for (const c of p) next.push([...a, ...c]);
    acc = next;
    if (acc.length > MAX_PRODUCT) return trim([parts.flatMap(bestClause)]);
  }
  return trim(acc);
}

/** Long enough to be selective: two characters, or one outside ASCII (emoji, lookalike letters). */
export function usefulLiteral(lit: string): boolean {
  return lit.length >= 2 || (lit.length === 1 && lit.charCodeAt(0) >= 128);
}

const ANCHORS: Partial<Record<string, Anchor>> = { prefix: 'start', suffix: 'end', eq: 'whole' };

function testLit(t: ValueTest): { lit: string; anchor?: Anchor } | undefined {
  if (t.t !== 'str' && t.t !== 're') return undefined;
  if (!t.lit || !usefulLiteral(t.lit)) return undefined;
  // A string test's literal is anchored when it is the test's whole value (no wildcard cut it).
  const anchor = t.t === 'str' ? ANCHORS[t.op] : undefined;
  if (anchor !== undefined && t.t === 'str' && t.lit === (t.cased ? t.value.toLowerCase() : t.value))
    return { lit: t.lit, anchor };
  return { lit: t.lit };
}

function itemReq(it: FieldItem): Requirement {
  if (it.neg) return [];
  const field = it.field;
  const groups = it.values.map((g): Clause | undefined => {
    const alts: Clause = [];
    for (const t of g) {
      const found = testLit(t);
      if (!found) return undefined;
      alts.push(found.anchor === undefined ? { field, lit: found.lit } : { field, ...found });
    }
    return alts;
  });
  // `all`: every value holds, so each one's alternatives are a clause; otherwise one value does.
  if (it.all) return trim(groups.filter((g): g is Clause => g !== undefined));
  if (groups.some((g) => g === undefined)) return [];
  return trim([(groups as Clause[]).flat()]);
}

function selReq(s: SelectionIR): Requirement {
  return or(s.maps.map((m) => and(m.map(itemReq))));
}

/** The literal requirement of a detection (see Requirement), fields as the rule names them. */
export function detectionRequirement(detection: DetectionIR): Requirement {
  const sels = detection.selections.map(selReq);
  const walk = (c: ConditionIR): Requirement => {
    switch (c.t) {
      case 'sel':
        return sels[c.i]!;
      case 'not':
        return [];
      case 'or':
        return or(c.c.map(walk));
      case 'and':
        return and(c.c.map(walk));
    }
  };
  return walk(detection.condition);
}

/**
 * The requirement of a detection (as `detectionRequirement` gives it) on one source, as literal
 * clauses: a clause that reads a field this source converts (its text is not the record's) is left
 * out. Empty: no requirement.
 */
export function sourceClauses(req: Requirement, spec: SourceSpec): string[][] {
  const out: string[][] = [];
  for (const clause of req) {
    const converted = clause.some((a) => {
      if (a.field === null || !spec.fields || !Object.hasOwn(spec.fields, a.field)) return false;
      return spec.fields[a.field]!.convert !== undefined;
    });
    if (!converted) out.push(clause.map((a) => encodeLiteral(a.lit, a.anchor)));
  }
  return out;
}

/**
 * A requirement's literals travel as strings (in the rule cache, to the matching threads): an
 * anchored one is written after a NUL and a letter for its anchor. NUL is never part of a literal
 * any scan uses (raw-literal.ts cuts there), and a literal that starts with one is marked too ('a'),
 * so every text decodes one way.
 */
const ANCHOR_CODES: Record<Anchor, string> = { start: 's', end: 'e', whole: 'w' };

export function encodeLiteral(lit: string, anchor?: Anchor): string {
  if (anchor !== undefined) return `\u0000${ANCHOR_CODES[anchor]}${lit}`;
  return lit.charCodeAt(0) === 0 ? `\u0000a${lit}` : lit;
}

/** The literal and anchor of a text `encodeLiteral` wrote. */
export function decodeLiteral(text: string): { lit: string; anchor: Anchor | undefined } {
  if (text.charCodeAt(0) !== 0) return { lit: text, anchor: undefined };
  const c = text.charAt(1);
  const anchor = c === 's' ? 'start' : c === 'e' ? 'end' : c === 'w' ? 'whole' : undefined;
  return { lit: text.slice(2), anchor };
}
