import type { SourceSpec } from '../mapping/index.js';
import { AutomatonCache } from './automaton-cache.js';
import type { FieldAccess } from './field-access.js';
import type { CompilableRule } from './messages.js';
import { ANY_FIELD, ruleRequirement } from './prefilter.js';
import { type AhoCorasick, flatLists } from './prefilter-ac.js';
import { type RawForm, rawLiteral } from './raw-literal.js';
import { compileVariant, type Pred, slotResolver } from './sigma-compile.js';

/**
 * A rule compiled for one event source. Nothing is compiled until it is needed: the predicate on
 * its first evaluation, the literal requirement when the first event of its bucket is seen, so a
 * hunt pays only for the rules its events can reach.
 */
export class Variant {
  private compiled: Pred | undefined;
  constructor(
    readonly rule: number,
    private readonly ir: CompilableRule,
    private readonly spec: SourceSpec,
  ) {}

  pred(fa: FieldAccess): Pred {
    this.compiled ??= compileVariant(this.ir, this.spec, fa);
    return this.compiled;
  }

  /**
   * The literals (lower-cased), at least one of which an event the rule matches contains in some
   * value as the view gives it; undefined when the rule has no such requirement, or when a
   * requirement reads a converted field (the converted text is not in the record).
   */
  literals(fa: FieldAccess): string[] | undefined {
    const req = ruleRequirement(this.ir, slotResolver(fa, this.spec));
    if (!req || req.length === 0) return undefined;
    const out: string[] = [];
    for (const alt of req) {
      if (alt.slot !== ANY_FIELD && fa.isConverted(alt.slot)) return undefined;
      out.push(alt.lit);
    }
    return out;
  }
}

interface FormScan {
  ac: AhoCorasick;
  /** literal id → variant positions: ownPos[ownStart[id]] up to ownPos[ownStart[id + 1]] */
  ownStart: Int32Array;
  ownPos: Int32Array;
  /** Positions with no literal requirement, or one with no usable piece in this form. */
  always: number[];
}

/** Builds the scan of one form over variants given as (literal list or undefined, position). */
function buildScan(
  automata: AutomatonCache,
  entries: { lits: string[] | undefined; pos: number }[],
  form: RawForm,
): FormScan {
  const ids = new Map<string, number>();
  const owners: number[][] = [];
  const always: number[] = [];
  for (const { lits, pos } of entries) {
    if (!lits) {
      always.push(pos);
      continue;
    }
    const pieces: string[] = [];
    for (const lit of lits) {
      const p = rawLiteral(lit, form);
      if (p === undefined) break;
      pieces.push(p);
    }
    if (pieces.length < lits.length) {
      always.push(pos);
      continue;
    }
    for (const p of pieces) {
      let id = ids.get(p);
      if (id === undefined) {
        id = owners.length;
        ids.set(p, id);
        owners.push([]);
      }
      const o = owners[id]!;
      if (o[o.length - 1] !== pos) o.push(pos);
    }
  }
  always.sort((a, b) => a - b);
  const flat = flatLists(owners);
  return { ac: automata.get([...ids.keys()]), ownStart: flat.start, ownPos: flat.items, always };
}

/**
 * The variants of one index bucket (a channel and event id, or a channel and any id), their
 * literal requirements (derived on first use), and for a large bucket that many keys reach, one
 * automaton per text form shared by all of them.
 */
class Bucket {
  readonly variants: Variant[] = [];
  private lits: (string[] | undefined)[] | undefined;
  private readonly forms = new Map<RawForm, FormScan>();

  constructor(
    readonly shared: boolean,
    private readonly automata: AutomatonCache,
  ) {}

  literals(fa: FieldAccess, usePrefilter: boolean): (string[] | undefined)[] {
    this.lits ??= this.variants.map((v) => (usePrefilter ? v.literals(fa) : undefined));
    return this.lits;
  }

  scan(form: RawForm, fa: FieldAccess, usePrefilter: boolean): FormScan {
    let sc = this.forms.get(form);
    if (sc === undefined) {
      sc = buildScan(
        this.automata,
        this.literals(fa, usePrefilter).map((lits, pos) => ({ lits, pos })),
        form,
      );
      this.forms.set(form, sc);
    }
    return sc;
  }
}

/** Buckets reached by many keys (any event id) and this large get an automaton of their own. */
const SHARED_SCAN = 200;

interface GatePart {
  bucket: Bucket;
  /** bucket position → gate position */
  pos: Int32Array;
}

/**
 * Everything one (channel, event id) needs: the variants of every bucket the key reaches, in rule
 * order, and a way to pick those worth evaluating on a record from its text: one automaton over
 * the literals of all its buckets (one pass over the record), except large shared buckets, which
 * keep their own.
 */
export class Gate {
  readonly variants: Variant[];
  private readonly parts: GatePart[];
  private readonly forms = new Map<RawForm, { merged: FormScan; shared: GatePart[] }>();
  private readonly identity: Int32Array;
  private stamp: Int32Array;
  private gen = 0;
  /** Candidate positions of the last `candidates` call (reused). */
  readonly cand: number[] = [];
  private ownStart: Int32Array = new Int32Array(1);
  private ownPos: Int32Array = new Int32Array(0);
  private pos: Int32Array = new Int32Array(0);
  private readonly mark = (id: number): void => {
    const end = this.ownStart[id + 1]!;
    for (let k = this.ownStart[id]!; k < end; k++) {
      const v = this.pos[this.ownPos[k]!]!;
      if (this.stamp[v] !== this.gen) {
        this.stamp[v] = this.gen;
        this.cand.push(v);
      }
    }
  };

  constructor(
    buckets: Bucket[],
    private readonly fa: FieldAccess,
    private readonly usePrefilter: boolean,
    private readonly automata: AutomatonCache,
  ) {
    const all: { v: Variant; b: number; i: number }[] = [];
    buckets.forEach((bk, b) => {
      bk.variants.forEach((v, i) => {
        all.push({ v, b, i });
      });
    });
    all.sort((x, y) => x.v.rule - y.v.rule || x.b - y.b || x.i - y.i);
    this.variants = all.map((x) => x.v);
    this.parts = buckets.map((bucket) => ({ bucket, pos: new Int32Array(bucket.variants.length) }));
    all.forEach((x, g) => {
      this.parts[x.b]!.pos[x.i] = g;
    });
    this.stamp = new Int32Array(all.length);
    this.identity = Int32Array.from(all, (_x, g) => g);
  }

  get empty(): boolean {
    return this.variants.length === 0;
  }

  private scans(form: RawForm): { merged: FormScan; shared: GatePart[] } {
    let f = this.forms.get(form);
    if (f === undefined) {
      const entries: { lits: string[] | undefined; pos: number }[] = [];
      const shared: GatePart[] = [];
      for (const part of this.parts) {
        const b = part.bucket;
        if (b.shared && b.variants.length > SHARED_SCAN) {
          shared.push(part);
          continue;
        }
        b.literals(this.fa, this.usePrefilter).forEach((lits, i) => {
          entries.push({ lits, pos: part.pos[i]! });
        });
      }
      f = { merged: buildScan(this.automata, entries, form), shared };
      this.forms.set(form, f);
    }
    return f;
  }

  /**
   * Fills `cand` with the positions of the variants worth evaluating on a record whose text (in
   * the given form) is `text`, in rule order; `text` undefined means every variant. In the
   * `plain` form, `text` is the event's values, each scanned apart.
   */
  candidates(text: string | readonly string[] | undefined, form: RawForm): number[] {
    const cand = this.cand;
    cand.length = 0;
    if (text === undefined) {
      for (let i = 0; i < this.variants.length; i++) cand.push(i);
      return cand;
    }
    this.gen = (this.gen + 1) | 0;
    if (this.gen === 0) {
      this.stamp.fill(-1);
      this.gen = 1;
    }
    const { merged, shared } = this.scans(form);
    this.run(merged, this.identity, text);
    for (const part of shared) this.run(part.bucket.scan(form, this.fa, this.usePrefilter), part.pos, text);
    if (cand.length > 1) cand.sort((a, b) => a - b);
    return cand;
  }

  private run(sc: FormScan, pos: Int32Array, text: string | readonly string[]): void {
    const gen = this.gen;
    for (const i of sc.always) {
      const g = pos[i]!;
      if (this.stamp[g] !== gen) {
        this.stamp[g] = gen;
        this.cand.push(g);
      }
    }
    if (sc.ownPos.length > 0) {
      this.ownStart = sc.ownStart;
      this.ownPos = sc.ownPos;
      this.pos = pos;
      if (typeof text === 'string') sc.ac.scan(text, this.mark);
      else sc.ac.scanValues(text, this.mark);
    }
  }
}

interface ChannelEntry {
  any: Bucket | undefined;
  byId: Map<string, Bucket>;
}

const NO_GATE_KEY = '\u0000';

/** Rules by channel (lower-cased, `*` for any) and event id (`*` for any), with a gate per key seen. */
export class RuleIndex {
  private readonly channels = new Map<string, ChannelEntry>();
  private readonly gates = new Map<string, Gate>();
  private readonly wildcardIds = new Set<string>();
  readonly automata = new AutomatonCache();

  constructor(
    private readonly fa: FieldAccess,
    private readonly usePrefilter: boolean,
  ) {}

  add(channel: string, eventId: string, v: Variant): void {
    let c = this.channels.get(channel);
    if (!c) {
      c = { any: undefined, byId: new Map() };
      this.channels.set(channel, c);
    }
    if (eventId === '*') {
      c.any ??= new Bucket(true, this.automata);
      c.any.variants.push(v);
      return;
    }
    let b = c.byId.get(eventId);
    if (!b) {
      b = new Bucket(channel === '*', this.automata);
      c.byId.set(eventId, b);
    }
    b.variants.push(v);
    if (channel === '*') this.wildcardIds.add(eventId);
  }

  /** The gate of a (lower-cased channel, event id) pair: built on first use, then reused. */
  gate(channelLower: string, eventId: string): Gate {
    const c = this.channels.get(channelLower);
    // Event ids no bucket names share one gate per channel, so odd ids cannot grow the map.
    const idKnown = (c?.byId.has(eventId) ?? false) || this.wildcardIds.has(eventId);
    const key = `${c ? channelLower : NO_GATE_KEY}\u0000${idKnown ? eventId : NO_GATE_KEY}`;
    let g = this.gates.get(key);
    if (g === undefined) {
      const bs: Bucket[] = [];
      for (const e of [c, this.channels.get('*')]) {
        if (!e) continue;
        const byId = e.byId.get(eventId);
        if (byId) bs.push(byId);
        if (e.any) bs.push(e.any);
      }
      g = new Gate(bs, this.fa, this.usePrefilter, this.automata);
      this.gates.set(key, g);
    }
    return g;
  }
}
