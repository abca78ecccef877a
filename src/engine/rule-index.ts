import type { SourceSpec } from '../mapping/index.js';
import { type DetectionIR, decodeLiteral, detectionRequirement, sourceClauses } from '../sigma/index.js';
import { AutomatonCache } from './automaton-cache.js';
import type { FieldAccess } from './field-access.js';
import { type AhoCorasick, endsWithBytes, latin1Bytes, MAX_LITERAL } from './prefilter-ac.js';
import { type RawForm, rawLiteral } from './raw-literal.js';
import type { RawRecord } from './raw-record.js';
import { compileVariant, type Pred } from './sigma-compile.js';

/** Candidate lists up to this long are sorted in place by insertion (see finish). */
const INSERTION_SORT_MAX = 64;

/**
 * A rule compiled for one event source. Nothing is compiled until it is needed: the predicate on
 * its first evaluation, the literal requirement when the first event of its bucket is seen, so a
 * hunt pays only for the rules its events can reach.
 */
export class Variant {
  private compiled: Pred | undefined;
  /** `detection` gives the rule's detection (decoded on demand: see PackedDetections). */
  constructor(
    readonly rule: number,
    private readonly detection: () => DetectionIR,
    private readonly spec: SourceSpec,
    private readonly given?: string[][],
    private readonly automata?: AutomatonCache,
  ) {}

  pred(fa: FieldAccess): Pred {
    this.compiled ??= compileVariant(this.detection(), this.spec, fa, this.automata);
    return this.compiled;
  }

  /**
   * The rule's necessary literal condition on this source: clauses of literals (lower-cased), each
   * clause holding (one of its literals occurring in some value as the view gives it) on every
   * event the rule matches; empty when there is none. Derived by the loader (cached with the IR),
   * or here for IR that lacks it.
   */
  clauses(): string[][] {
    return this.given ?? sourceClauses(detectionRequirement(this.detection()), this.spec);
  }
}

interface FormScan {
  ac: AhoCorasick;
  /** literal id → owners: ownPos[k] (a position) and ownBit[k] (its clause's bit), k from ownStart[id] up to ownStart[id + 1] */
  ownStart: Int32Array;
  ownPos: Int32Array;
  ownBit: Int32Array;
  /** position → the bits of all its clauses: a position is a candidate once every bit is seen. */
  need: Int32Array;
  /** Positions with no literal requirement, or none usable in this form. */
  always: number[];
  /**
   * The scan a literal was last reported in, by literal id: a literal reported again in the same
   * scan (a path's every backslash) has marked its owners already. Over SigmaHQ's rules, 55 % of
   * the reports on a process-creation record are repeats.
   */
  seenIn: Int32Array;
  /** The current scan's number (see seenIn). */
  scanNo: number;
  /**
   * By literal id, the literals longer than the automaton keeps (MAX_LITERAL), in a raw form: a
   * report of their last characters counts only when the whole literal is there. Undefined for the
   * others, and for the parsed form. Over SigmaHQ's rules and the shared corpus this turns away
   * 8 % of the records the raw screen let through (`c:\windows \system32\` ends in `\system32\`).
   */
  whole: (string | undefined)[] | undefined;
  /**
   * By owner (as ownPos), where its literal must sit in the value it is reported in: A_START,
   * A_END, both, or anywhere (0). By literal id, whether any owner's is pinned (`pinned`), and the
   * literal's length in the scan's units (`length`: bytes for raw forms, characters for values).
   * `SMB Create Remote File Admin Share` wants a share name that ends in `c$`, not a `c$` anywhere.
   */
  ownAnchor: Int32Array;
  pinned: Uint8Array;
  length: Int32Array;
}

/** Owner anchors (FormScan.ownAnchor): the literal starts its value, ends it, or both. */
const A_START = 1;
const A_END = 2;
const ANCHOR_BITS = { start: A_START, end: A_END, whole: A_START | A_END } as const;

/** `lit` as JSON writes it inside a string (what rawLiteral gives for a piece it did not cut). */
function jsonEscaped(lit: string): string {
  return lit.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * The anchor bits of a requirement literal in a form, when the form's value ranges are the view's
 * values and the piece scanned is the whole literal; 0 otherwise. An XML record's ranges are cut by
 * entities, CDATA and comments, so anchors hold only for JSON records and parsed values.
 */
function anchorBits(
  anchor: keyof typeof ANCHOR_BITS | undefined,
  lit: string,
  piece: string,
  form: RawForm,
): number {
  if (anchor === undefined || form === 'xml') return 0;
  const whole = form === 'json' ? jsonEscaped(lit) : lit;
  return piece === whole ? ANCHOR_BITS[anchor] : 0;
}

/** A clause's pieces and anchor bits, filled again for each clause (buildScan). */
const clausePieces: string[] = [];
const clausePins: number[] = [];

/**
 * Builds the scan of one form over variants given as (clauses, position). Owners are gathered as
 * flat (literal id, position, clause bit, anchor) entries and sorted by literal id once at the end,
 * rather than as three small arrays per literal (45k literals over the benchmark's gates with
 * SigmaHQ's rules, built by each matching thread while its code still runs unoptimised).
 */
function buildScan(
  automata: AutomatonCache,
  entries: { clauses: string[][]; pos: number }[],
  form: RawForm,
): FormScan {
  const ids = new Map<string, number>();
  // Owner entries in the order made, four numbers each; by literal id, its last entry (or -1).
  let ent = new Int32Array(4096);
  let count = 0;
  const lastOf: number[] = [];
  const always: number[] = [];
  let size = 0;
  for (const { pos } of entries) size = Math.max(size, pos + 1);
  const need = new Int32Array(size);
  for (const { clauses, pos } of entries) {
    let k = 0;
    for (const clause of clauses) {
      clausePieces.length = 0;
      clausePins.length = 0;
      for (const text of clause) {
        const { lit, anchor } = decodeLiteral(text);
        const p = rawLiteral(lit, form);
        if (p === undefined) break;
        clausePieces.push(p);
        clausePins.push(anchorBits(anchor, lit, p, form));
      }
      // A clause with an alternative this form cannot see holds for all the scan can tell.
      if (clausePieces.length < clause.length) continue;
      const bit = 1 << k++;
      need[pos]! |= bit;
      for (let n = 0; n < clausePieces.length; n++) {
        const p = clausePieces[n]!;
        const pin = clausePins[n]!;
        let id = ids.get(p);
        if (id === undefined) {
          id = lastOf.length;
          ids.set(p, id);
          lastOf.push(-1);
        }
        const e = lastOf[id]!;
        // The same owner again (another literal of the clause, or the same in another clause).
        if (e >= 0 && ent[4 * e + 1] === pos && ent[4 * e + 3] === pin) ent[4 * e + 2]! |= bit;
        else {
          if (4 * count + 4 > ent.length) {
            const bigger = new Int32Array(ent.length * 2);
            bigger.set(ent);
            ent = bigger;
          }
          ent[4 * count] = id;
          ent[4 * count + 1] = pos;
          ent[4 * count + 2] = bit;
          ent[4 * count + 3] = pin;
          lastOf[id] = count;
          count++;
        }
      }
    }
    if (k === 0) always.push(pos);
  }
  always.sort((a, b) => a - b);
  // Entries by literal id, each literal's in the order made (a counting sort).
  const literalCount = lastOf.length;
  const ownStart = new Int32Array(literalCount + 1);
  for (let i = 0; i < count; i++) ownStart[ent[4 * i]! + 1]!++;
  for (let id = 0; id < literalCount; id++) ownStart[id + 1]! += ownStart[id]!;
  const ownPos = new Int32Array(count);
  const ownBit = new Int32Array(count);
  const ownAnchor = new Int32Array(count);
  const pinned = new Uint8Array(literalCount);
  const fill = ownStart.slice(0, literalCount);
  for (let i = 0; i < count; i++) {
    const id = ent[4 * i]!;
    const at = fill[id]!++;
    ownPos[at] = ent[4 * i + 1]!;
    ownBit[at] = ent[4 * i + 2]!;
    const a = ent[4 * i + 3]!;
    ownAnchor[at] = a;
    if (a !== 0) pinned[id] = 1;
  }
  // Raw forms are scanned as bytes: their literals are given as byte strings. Pushed into one array
  // literal, so every scan's list has the same elements kind (a spread for one form and a `map` for
  // the others gave two, and the optimised code walking the list deoptimised on each change).
  const literals: string[] = [];
  let whole: (string | undefined)[] | undefined;
  for (const key of ids.keys()) {
    const lit = form === 'plain' ? key : latin1Bytes(key);
    // Raw forms only: a parsed event's values are scanned one by one, and the report does not say which.
    if (form !== 'plain' && lit.length > MAX_LITERAL) {
      whole ??= new Array<string | undefined>(ids.size).fill(undefined);
      whole[literals.length] = lit;
    }
    literals.push(lit);
  }
  return {
    ac: automata.get(literals),
    ownStart,
    ownPos,
    ownBit,
    need,
    always,
    seenIn: new Int32Array(ids.size),
    scanNo: 0,
    whole,
    ownAnchor,
    pinned,
    length: Int32Array.from(literals, (lit) => lit.length),
  };
}

/**
 * The variants of one index bucket (a channel and event id, or a channel and any id), their
 * literal requirements (derived on first use), and for a large bucket that many keys reach, one
 * automaton per text form shared by all of them.
 */
class Bucket {
  readonly variants: Variant[] = [];
  private clauses: string[][][] | undefined;
  private readonly forms = new Map<RawForm, FormScan>();

  constructor(
    readonly shared: boolean,
    private readonly automata: AutomatonCache,
  ) {}

  requirements(usePrefilter: boolean): string[][][] {
    this.clauses ??= this.variants.map((v) => (usePrefilter ? v.clauses() : []));
    return this.clauses;
  }

  scan(form: RawForm, usePrefilter: boolean): FormScan {
    let sc = this.forms.get(form);
    if (sc === undefined) {
      sc = buildScan(
        this.automata,
        this.requirements(usePrefilter).map((clauses, pos) => ({ clauses, pos })),
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
 * keep their own. A variant is a candidate when every clause of its requirement has a literal in
 * the text.
 */
export class Gate {
  readonly variants: Variant[];
  private readonly parts: GatePart[];
  private readonly forms = new Map<RawForm, { merged: FormScan; shared: GatePart[] }>();
  private readonly identity: Int32Array;
  private readonly stamp: Int32Array;
  private readonly mask: Int32Array;
  private gen = 0;
  /** Candidate positions of the last `candidates` call (reused). */
  readonly cand: number[] = [];
  private sc: FormScan | undefined;
  private pos: Int32Array = new Int32Array(0);
  private readonly mark = (id: number, end: number, from: number, to: number): void => {
    const sc = this.sc!;
    if (sc.seenIn[id] === sc.scanNo) return;
    const whole = sc.whole?.[id];
    // A raw record is checked as a whole, not value by value: a literal read across two values
    // can only let one more candidate through.
    if (whole !== undefined && !endsWithBytes(this.bytes!, end, whole)) return;
    let pins = A_START | A_END;
    // A raw JSON value that starts with `<` may be a list the view splits into items (builder.ts):
    // there a literal's place in the range says nothing of its place in an item.
    if (sc.pinned[id] === 1 && (this.bytes === undefined || this.bytes[from] !== 60)) {
      pins = 0;
      if (end - sc.length[id]! + 1 === from) pins |= A_START;
      if (end === to - 1) pins |= A_END;
    }
    // Reported again in this scan, a literal has nothing left to add once every owner took it.
    if (pins === (A_START | A_END)) sc.seenIn[id] = sc.scanNo;
    const { ownStart, ownPos, ownBit, ownAnchor, need } = sc;
    const last = ownStart[id + 1]!;
    for (let k = ownStart[id]!; k < last; k++) {
      const a = ownAnchor[k]!;
      if ((a & pins) !== a) continue;
      const p = ownPos[k]!;
      const v = this.pos[p]!;
      if (this.stamp[v] !== this.gen) {
        this.stamp[v] = this.gen;
        this.mask[v] = 0;
      }
      const m = this.mask[v]!;
      const full = need[p]!;
      if (m === full) continue;
      const next = m | ownBit[k]!;
      this.mask[v] = next;
      if (next === full) this.cand.push(v);
    }
  };

  constructor(
    buckets: Bucket[],
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
    this.mask = new Int32Array(all.length);
    this.identity = Int32Array.from(all, (_x, g) => g);
  }

  get empty(): boolean {
    return this.variants.length === 0;
  }

  private scans(form: RawForm): { merged: FormScan; shared: GatePart[] } {
    let f = this.forms.get(form);
    if (f === undefined) {
      const entries: { clauses: string[][]; pos: number }[] = [];
      const shared: GatePart[] = [];
      for (const part of this.parts) {
        const b = part.bucket;
        if (b.shared && b.variants.length > SHARED_SCAN) {
          shared.push(part);
          continue;
        }
        b.requirements(this.usePrefilter).forEach((clauses, i) => {
          entries.push({ clauses, pos: part.pos[i]! });
        });
      }
      f = { merged: buildScan(this.automata, entries, form), shared };
      this.forms.set(form, f);
    }
    return f;
  }

  /** Starts a candidate search: `cand` empty, a fresh generation for the marks. */
  private begin(): void {
    this.cand.length = 0;
    this.gen = (this.gen + 1) | 0;
    if (this.gen === 0) {
      this.stamp.fill(-1);
      this.gen = 1;
    }
  }

  private finish(): number[] {
    const c = this.cand;
    const n = c.length;
    if (n > INSERTION_SORT_MAX) c.sort((a, b) => a - b);
    else {
      // Array.prototype.sort copies into a work array of its own on every call; a record has 16
      // candidates on average, and sorting them in place allocates nothing.
      for (let i = 1; i < n; i++) {
        const v = c[i]!;
        let j = i - 1;
        while (j >= 0 && c[j]! > v) {
          c[j + 1] = c[j]!;
          j--;
        }
        c[j + 1] = v;
      }
    }
    return c;
  }

  /**
   * Fills `cand` with the positions of the variants worth evaluating on an event whose values are
   * `values` (each scanned apart), in rule order; `values` undefined means every variant.
   */
  candidates(values: readonly string[] | undefined, form: RawForm): number[] {
    if (values === undefined) {
      this.begin();
      for (let i = 0; i < this.variants.length; i++) this.cand.push(i);
      return this.cand;
    }
    this.values = values;
    return this.search(form);
  }

  /** `candidates` for a raw record: the value ranges a walk found in its bytes (see RawRecord). */
  rawCandidates(b: Uint8Array, rec: RawRecord, form: RawForm): number[] {
    this.bytes = b;
    this.rec = rec;
    return this.search(form);
  }

  // What `search` scans: the values of a parsed event, or else the ranges of a raw record.
  private values: readonly string[] | undefined;
  private bytes: Uint8Array | undefined;
  private rec: RawRecord | undefined;

  private search(form: RawForm): number[] {
    this.begin();
    const { merged, shared } = this.scans(form);
    this.run(merged, this.identity);
    for (const part of shared) this.run(part.bucket.scan(form, this.usePrefilter), part.pos);
    this.values = undefined;
    this.bytes = undefined;
    this.rec = undefined;
    return this.finish();
  }

  private run(sc: FormScan, pos: Int32Array): void {
    const gen = this.gen;
    for (const i of sc.always) {
      const g = pos[i]!;
      if (this.stamp[g] !== gen) {
        this.stamp[g] = gen;
        this.mask[g] = 0;
        this.cand.push(g);
      }
    }
    if (sc.ownPos.length > 0) {
      sc.scanNo = (sc.scanNo + 1) | 0;
      if (sc.scanNo === 0) {
        sc.seenIn.fill(-1);
        sc.scanNo = 1;
      }
      this.sc = sc;
      this.pos = pos;
      if (this.values !== undefined) sc.ac.scanValues(this.values, this.mark);
      else sc.ac.scanRanges(this.bytes!, this.rec!.ranges, this.rec!.count, this.mark);
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

  constructor(private readonly usePrefilter: boolean) {}

  /** Whether some rule reads every channel (then every key reaches a rule). */
  get everyChannel(): boolean {
    return this.channels.has('*');
  }

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

  // The last key asked for and its gate: a record's key is asked for twice (raw screen, then the
  // parsed event), and consecutive records mostly share theirs.
  private lastChannel = '';
  private lastId = '';
  private lastGate: Gate | undefined;

  /** The gate of a (lower-cased channel, event id) pair: built on first use, then reused. */
  gate(channelLower: string, eventId: string): Gate {
    if (this.lastGate !== undefined && channelLower === this.lastChannel && eventId === this.lastId)
      return this.lastGate;
    const g = this.lookup(channelLower, eventId);
    this.lastChannel = channelLower;
    this.lastId = eventId;
    this.lastGate = g;
    return g;
  }

  private lookup(channelLower: string, eventId: string): Gate {
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
      g = new Gate(bs, this.usePrefilter, this.automata);
      this.gates.set(key, g);
    }
    return g;
  }
}
