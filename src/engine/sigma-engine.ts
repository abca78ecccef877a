import type { Event } from '../event/index.js';
import type { SigmaRuleIR } from '../sigma/index.js';
import { FieldAccess } from './field-access.js';
import { ruleRequirement } from './prefilter.js';
import { type RuleGroup, RuleIndex } from './rule-index.js';
import { compileVariant, slotResolver } from './sigma-compile.js';

export interface CompiledSigma {
  count: number;
  /** Calls `onMatch(ruleIndex)` once per matching rule, in rule order within each index bucket. */
  match(ev: Event, onMatch: (ruleIndex: number) => void): void;
  /** Rules evaluated so far after the index and the literal pre-filter (for profiling). */
  readonly evaluated: number;
}

export interface CompileOptions {
  /** Use the literal pre-filter (default true); off only to measure or to cross-check it. */
  prefilter?: boolean;
}

function eventIdsFor(source: string[] | null, rule: string[] | null): string[] | null | 'none' {
  if (!source) return rule;
  if (!rule) return source;
  const both = source.filter((id) => rule.includes(id));
  return both.length ? both : 'none';
}

/**
 * Compiles rule IR into closures: each rule once per event source it runs against, placed in
 * the (channel, event id) buckets it can match, with a per-bucket literal pre-filter.
 */
export function compileSigma(rules: SigmaRuleIR[], opts: CompileOptions = {}): CompiledSigma {
  const fa = new FieldAccess();
  const index = new RuleIndex();
  rules.forEach((rule, ri) => {
    for (const spec of rule.sources) {
      const ids = eventIdsFor(spec.eventIds, rule.eventIds);
      if (ids === 'none') continue;
      const pred = compileVariant(rule, spec, fa);
      const req = ruleRequirement(rule, slotResolver(fa, spec));
      const variant = { rule: ri, pred, req };
      for (const ch of spec.channels ?? ['*']) {
        const chan = ch === '*' ? '*' : ch.toLowerCase();
        for (const id of ids ?? ['*']) index.group(chan, id).add(variant);
      }
    }
  });
  const usePrefilter = opts.prefilter !== false;
  for (const g of index.groups()) g.seal(usePrefilter);
  const groups: RuleGroup[] = [];
  const matchedAt = new Int32Array(rules.length).fill(-1);
  let gen = 0;
  let evaluated = 0;
  let lastChannel = '';
  let lastLower = '';
  let sink: (ruleIndex: number) => void = () => {};
  const emit = (r: number) => {
    if (matchedAt[r] !== gen) {
      matchedAt[r] = gen;
      sink(r);
    }
  };
  return {
    count: rules.length,
    get evaluated() {
      return evaluated;
    },
    match(ev, onMatch) {
      gen = (gen + 1) | 0;
      const ch = ev.channel;
      if (ch !== lastChannel) {
        lastChannel = ch;
        lastLower = ch.toLowerCase();
      }
      index.lookup(lastLower, ev.eventId, groups);
      if (groups.length === 0) return;
      fa.begin(ev);
      sink = onMatch;
      for (const g of groups) evaluated += g.run(fa, emit);
    },
  };
}
