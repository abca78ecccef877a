import type { Event } from '../event/index.js';
import type { AutomatonCache } from './automaton-cache.js';
import { FieldAccess } from './field-access.js';
import type { CompilableRule } from './messages.js';
import { type PackedDetections, unpackDetection } from './packed-detections.js';
import { walkJson, warmJsonWalk } from './raw-json.js';
import type { RawForm } from './raw-literal.js';
import { RawRecord } from './raw-record.js';
import { walkXml } from './raw-xml.js';
import { type Gate, RuleIndex, Variant } from './rule-index.js';
import { JsonWalker } from './wasm-walk.js';

export type RecordFormat = 'xml' | 'ndjson';

export interface CompiledSigma {
  count: number;
  /** Calls `onMatch(ruleIndex)` once per matching rule, in rule order. */
  match(ev: Event, onMatch: (ruleIndex: number) => void): void;
  /**
   * The pre-filter on a raw record, its bytes b[from, to), before it is parsed: false when no rule
   * can match it (it need not be parsed at all). `b` undefined means the record's bytes cannot be
   * given (it is parsed and its values scanned). The record is remembered for the `matchScreened`
   * call that follows, which must be for the event parsed from it.
   */
  screen(b: Uint8Array | undefined, from: number, to: number, format: RecordFormat): boolean;
  /** `match` for the event parsed from the record last given to `screen` (its scan is reused). */
  matchScreened(ev: Event, onMatch: (ruleIndex: number) => void): void;
  /**
   * Whether `screen` can turn a record of this format away or learn anything from its bytes. Over
   * XML with a rule that reads every channel it cannot (no key is turned away, and the values are
   * scanned after parsing), and a parser can spare itself finding each record's bytes for it.
   */
  screens(format: RecordFormat): boolean;
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
   * match are not parsed at all, and the candidates it finds are the ones evaluated (default
   * true). Without it, `screen` turns away only records whose channel and event id no rule
   * reads, and the literal scan runs over the parsed values. See docs/performance.md.
   */
  rawScan?: boolean;
  /**
   * Scan raw XML records too (default false). XML is mostly markup, so walking a record costs about
   * what parsing it does, and over SigmaHQ's rules the raw scan was slower than parsing every record
   * (docs/performance.md). Without it, an XML record is only turned away when no rule reads its
   * channel and event id, read from its System block (when some channel has no rule at all).
   */
  rawXml?: boolean;
  /** The detections of rules given without one (rule i's is the i-th). */
  detections?: PackedDetections;
  /**
   * Called for every rule evaluated (after the index and the pre-filter) with whether it matched,
   * for measuring what the pre-filter lets through (bench/screen.mjs); a rule with several sources
   * may be evaluated more than once on an event.
   */
  onEvaluated?: (ruleIndex: number, matched: boolean) => void;
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
  const rawScan = opts.rawScan !== false && usePrefilter;
  const rawXml = opts.rawXml === true;
  const index = new RuleIndex(usePrefilter);
  const packed = opts.detections;
  rules.forEach((rule, ri) => {
    // Read (or decoded) for each variant that is compiled, not before: a rule from the rule cache
    // decodes its detection on first read, and a packed one is decoded afresh and then dropped
    // (the closures keep what they need).
    const missing = (): never => {
      throw new Error(`rule ${rule.id}: no detection to compile`);
    };
    if (!('detection' in rule) && packed === undefined) missing();
    const detection = () =>
      rule.detection ?? (packed !== undefined ? unpackDetection(packed, ri) : missing());
    rule.sources.forEach((spec, si) => {
      const ids = eventIdsFor(spec.eventIds, rule.eventIds);
      if (ids === 'none') return;
      const variant = new Variant(ri, detection, spec, rule.requirements?.[si], index.automata);
      for (const ch of spec.channels ?? ['*']) {
        const chan = ch === '*' ? '*' : ch.toLowerCase();
        for (const id of ids ?? ['*']) index.add(chan, id, variant);
      }
    });
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

  // The record last screened: its bytes and what the raw walk found, and the gate of its key.
  const raw = new RawRecord();
  if (rawScan) warmJsonWalk();
  // The walk in WebAssembly where this thread has an arena (walkJson otherwise, and for what it leaves).
  const walker = JsonWalker.current();
  let rawBytes: Uint8Array | undefined;
  let rawForm: RawForm = 'plain';
  let rawGate: Gate | undefined;

  const onEvaluated = opts.onEvaluated;
  /** Evaluates the candidates on the event already in `fa`. */
  const run = (g: Gate, cand: number[], onMatch: (ruleIndex: number) => void): void => {
    gen = (gen + 1) | 0;
    const vs = g.variants;
    evaluated += cand.length;
    for (let k = 0; k < cand.length; k++) {
      const v = vs[cand[k]!]!;
      const hit = v.pred(fa)(fa);
      if (onEvaluated !== undefined) onEvaluated(v.rule, hit);
      if (hit && matchedAt[v.rule] !== gen) {
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
    screen(b, from, to, format) {
      rawGate = undefined;
      rawBytes = undefined;
      if (b === undefined) return true;
      rawForm = FORM[format];
      if (format === 'xml' && !(rawXml && rawScan)) {
        // Every key reaches some rule when a rule reads every channel: nothing to turn away.
        if (index.everyChannel) return true;
        walkXml(b, from, to, raw, true);
        if (raw.channel === undefined || raw.eventId === undefined) return true;
        return !index.gate(lower(raw.channel), raw.eventId).empty;
      }
      if (format === 'xml') walkXml(b, from, to, raw);
      else if (walker === undefined || !walker.walk(b, from, to, raw)) walkJson(b, from, to, raw);
      if (raw.ok && rawScan) rawBytes = b;
      if (raw.channel === undefined || raw.eventId === undefined) return true;
      const g = index.gate(lower(raw.channel), raw.eventId);
      if (g.empty) return false;
      if (rawBytes === undefined) return true;
      if (g.rawCandidates(rawBytes, raw, rawForm).length === 0) return false;
      rawGate = g;
      return true;
    },
    screens(format) {
      return format === 'ndjson' || (rawXml && rawScan) || !index.everyChannel;
    },
    matchScreened(ev, onMatch) {
      // A record the raw scan could not read (or was not asked to) has its values scanned instead.
      if (rawBytes === undefined) {
        this.match(ev, onMatch);
        return;
      }
      const g = gateOf(ev);
      if (g.empty) return;
      // The key read from the raw record is confirmed by the parsed event before its candidates
      // are trusted; otherwise the record text is scanned again for the event's own key.
      const cand = g === rawGate ? g.cand : g.rawCandidates(rawBytes, raw, rawForm);
      if (cand.length === 0) return;
      fa.begin(ev);
      run(g, cand, onMatch);
    },
  };
}
