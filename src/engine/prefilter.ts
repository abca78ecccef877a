import type { ConditionIR, FieldItem, SelectionIR, ValueTest } from '../sigma/index.js';
import type { CompilableRule } from './messages.js';

/** Slot number that stands for "any field" (keyword searches). */
export const ANY_FIELD = -1;

/** One way a rule can be satisfied: this literal occurs in this field (lower-cased). */
export interface Alternative {
  slot: number;
  lit: string;
}

/**
 * A necessary condition for a rule: if it matches an event, at least one alternative holds.
 * null when no such literal condition can be derived (the rule is always evaluated).
 */
export type Requirement = Alternative[] | null;

const MAX_ALTERNATIVES = 5000;

function union(parts: Requirement[]): Requirement {
  const out: Alternative[] = [];
  for (const p of parts) {
    if (!p) return null;
    out.push(...p);
  }
  return out.length > MAX_ALTERNATIVES ? null : out;
}

/** Among conjuncts, the requirement with the fewest and longest literals. */
function best(parts: Requirement[]): Requirement {
  let pick: Alternative[] | null = null;
  let score = -Infinity;
  for (const p of parts) {
    if (!p || p.length === 0) continue;
    const minLen = Math.min(...p.map((a) => a.lit.length));
    const s = Math.min(minLen, 8) * 4 - p.length;
    if (s > score) {
      score = s;
      pick = p;
    }
  }
  return pick;
}

/** Long enough to be selective: two characters, or one outside ASCII (emoji, lookalike letters). */
export function usefulLiteral(lit: string): boolean {
  return lit.length >= 2 || (lit.length === 1 && lit.charCodeAt(0) >= 128);
}

function testLit(t: ValueTest): string | undefined {
  if (t.t === 'str' || t.t === 're') return t.lit && usefulLiteral(t.lit) ? t.lit : undefined;
  return undefined;
}

function itemReq(it: FieldItem, slotOf: (field: string) => number): Requirement {
  if (it.neg) return null;
  const slot = it.field === null ? ANY_FIELD : slotOf(it.field);
  const groups = it.values.map((g): Requirement => {
    const alts: Alternative[] = [];
    for (const t of g) {
      const lit = testLit(t);
      if (!lit) return null;
      alts.push({ slot, lit });
    }
    return alts;
  });
  return it.all ? best(groups) : union(groups);
}

function selReq(s: SelectionIR, slotOf: (field: string) => number): Requirement {
  return union(s.maps.map((m) => best(m.map((it) => itemReq(it, slotOf)))));
}

/** The literal requirement of a rule's detection on one source. */
export function ruleRequirement(rule: CompilableRule, slotOf: (field: string) => number): Requirement {
  const sels = rule.detection.selections.map((s) => selReq(s, slotOf));
  const walk = (c: ConditionIR): Requirement => {
    switch (c.t) {
      case 'sel':
        return sels[c.i]!;
      case 'not':
        return null;
      case 'or':
        return union(c.c.map(walk));
      case 'and':
        return best(c.c.map(walk));
    }
  };
  return walk(rule.detection.condition);
}
