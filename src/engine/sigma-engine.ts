import type { Event } from '../event/index.js';
import type { AutomatonCache } from './automaton-cache.js';
import { FieldAccess } from './field-access.js';
import type { CompilableRule } from './messages.js';
import { jsonKey, type RawKey, xmlKey } from './raw-key.js';
import { type RawForm, scannable } from './raw-literal.js';
import { type Gate, RuleIndex, Variant } from './rule-index.js';

export type RecordFormat = 'xml' | 'ndjson';

export interface CompiledSigma {
  count: number;
  /** Calls `onMatch(ruleIndex)` once per matching rule, in rule order. */
  match(ev: Event, onMatch: (ruleIndex: number) => void): void;
  /**
   * The pre-filter on a raw record, before it is parsed: false when no rule can match it (it need
   * not be parsed at all). The record is remembered for the `matchScreened` call that follows.
   */
  screen(raw: string, format: RecordFormat): boolean;
  /** `match` for the event parsed from the record last given to `screen` (its text is reused). */
  matchScreened(ev: Event, onMatch: (ruleIndex: number) => void): void;
  /** Rules evaluated so far after the index and the literal pre-filter (for profiling). */
  readonly evaluated: number;
  /** The pre-filter automata, which matching threads share (see AutomatonCache). */
  readonly automata: AutomatonCache;
}

export interface CompileOptions {
  /** Use the literal pre-filter (default true); off only to measure or to cross-check it. */
  prefilter?: boolean;
  /**
   * `screen` also scans the raw record for the required literals, so that records no rule can
   * match are not parsed at all (default false). Without it, `screen` turns away only records
   * whose channel and event id no rule reads, and the literal scan runs over the parsed values.
   * See docs/performance.md for when each wins.
   */
  rawScan?: boolean;
}

function eventIdsFor(source: string[] | null, rule: string[] | null): string[] | null | 'none' {
  if (!source) return rule;
  if (!rule) return source;
  const both = source.filter((id) => rule.includes(id));
  return both.length ? both : 'none';
}

const FORM: Record<RecordFormat, RawForm> = { xml: 'xml', ndjson: 'json' };

/**
 * Places each rule, once per event source it runs against, in the (channel, event id) buckets it
 * can match. Closures and pre-filter automata are built lazily (see rule-index.ts), so start-up
 * costs little whatever the size of the rule set.
 */
export function compileSigma(rules: readonly CompilableRule[], opts: CompileOptions = {}): CompiledSigma {
  const fa = new FieldAccess();
  const usePrefilter = opts.prefilter !== false;
  const rawScan = opts.rawScan === true && usePrefilter;
  const index = new RuleIndex(fa, usePrefilter);
  rules.forEach((rule, ri) => {
    for (const spec of rule.sources) {
      const ids = eventIdsFor(spec.eventIds, rule.eventIds);
      if (ids === 'none') continue;
      const variant = new Variant(ri, rule, spec);
      for (const ch of spec.channels ?? ['*']) {
        const chan = ch === '*' ? '*' : ch.toLowerCase();
        for (const id of ids ?? ['*']) index.add(chan, id, variant);
      }
    }
  });
  const matchedAt = new Int32Array(rules.length).fill(-1);
  let gen = 0;
  let evaluated = 0;
  let lastChannel = '';
  let lastLower = '';
  const lower = (ch: string): string => {
    if (ch !== lastChannel) {
      lastChannel = ch;
      lastLower = ch.toLowerCase();
    }
    return lastLower;
  };

  // The record last screened: its text, form, and the gate and candidates found for its key.
  let rawText: string | undefined;
  let rawForm: RawForm = 'plain';
  let rawGate: Gate | undefined;

  /** Evaluates the candidates on the event already in `fa`. */
  const run = (g: Gate, cand: number[], onMatch: (ruleIndex: number) => void): void => {
    gen = (gen + 1) | 0;
    const vs = g.variants;
    evaluated += cand.length;
    for (let k = 0; k < cand.length; k++) {
      const v = vs[cand[k]!]!;
      if (v.pred(fa)(fa) && matchedAt[v.rule] !== gen) {
        matchedAt[v.rule] = gen;
        onMatch(v.rule);
      }
    }
  };

  const gateOf = (ev: Event): Gate => index.gate(lower(ev.channel), ev.eventId);

  return {
    count: rules.length,
    automata: index.automata,
    get evaluated() {
      return evaluated;
    },
    match(ev, onMatch) {
      const g = gateOf(ev);
      if (g.empty) return;
      fa.begin(ev);
      const cand = g.candidates(usePrefilter ? fa.allValues() : undefined, 'plain');
      if (cand.length > 0) run(g, cand, onMatch);
    },
    screen(raw, format) {
      rawGate = undefined;
      rawText = undefined;
      if (rawScan) {
        rawForm = FORM[format];
        if (scannable(raw, rawForm)) rawText = raw;
      }
      const key: RawKey | undefined = format === 'xml' ? xmlKey(raw) : jsonKey(raw);
      if (key === undefined) return true;
      const g = index.gate(lower(key.channel), key.eventId);
      if (g.empty) return false;
      if (!rawScan) return true;
      if (g.candidates(rawText, rawForm).length === 0) return false;
      rawGate = g;
      return true;
    },
    matchScreened(ev, onMatch) {
      if (!rawScan) {
        this.match(ev, onMatch);
        return;
      }
      const g = gateOf(ev);
      if (g.empty) return;
      // The key read from the raw record is confirmed by the parsed event before its candidates
      // are trusted; otherwise the record text is scanned again for the event's own key.
      const cand = g === rawGate ? g.cand : g.candidates(rawText, rawForm);
      if (cand.length === 0) return;
      fa.begin(ev);
      run(g, cand, onMatch);
    },
  };
}
