import type { SourceSpec } from '../mapping/index.js';
import { type DetectionIR, detectionRequirement, sourceClauses } from '../sigma/index.js';
import { AutomatonCache } from './automaton-cache.js';
import type { FieldAccess } from './field-access.js';
import { A_END, A_START, buildScan, type FormScan, placeMarks, type ScanEntry } from './gate-scan.js';
import { endsWithBytes, type KernelMarks } from './prefilter-ac.js';
import type { RawForm } from './raw-literal.js';
import type { RawRecord } from './raw-record.js';
import { compileVariant, type Pred } from './sigma-compile.js';
import type { ScanKernel } from './wasm-scan.js';

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
  private stamp: Int32Array;
  private mask: Int32Array;
  /**
   * The kernel's room for this gate's marks (`kernelMarks`): the arena's id, where `stamp` and
   * `mask` (views of it from then on) and the candidates are, and each position table placed.
   */
  private marksArena = 0;
  private stampAt = -1;
  private maskAt = -1;
  private candAt = -1;
  private candView: Int32Array = new Int32Array(0);
  private readonly posAt = new Map<Int32Array, number>();
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

  /** The kernel's marks of a raw scan's reports (see KernelMarks), into this gate's arena room. */
  private readonly kernelMarks: KernelMarks = (k, n, outStart, outIds) => {
    const sc = this.sc!;
    if (this.marksArena !== k.arena.id && !this.placeMarks(k)) return false;
    if (sc.marksAt < 0) sc.marksAt = placeMarks(sc, k);
    if (sc.marksAt === 0) return false;
    let pos = this.posAt.get(this.pos);
    if (pos === undefined) {
      pos = k.place(this.pos);
      this.posAt.set(this.pos, pos);
    }
    if (pos < 0) return false;
    const found = k.mark(
      n,
      outStart,
      outIds,
      sc.marksAt,
      sc.scanNo,
      pos,
      this.stampAt,
      this.maskAt,
      this.gen,
      this.candAt,
    );
    const c = this.candView;
    for (let q = 0; q < found; q++) this.cand.push(c[q]!);
    return true;
  };

  /** Moves `stamp` and `mask` into k's arena, with room for the candidates; false without room. */
  private placeMarks(k: ScanKernel): boolean {
    if (this.marksArena !== 0) return false;
    const stampAt = k.place(this.stamp);
    const maskAt = k.place(this.mask);
    const candAt = k.place(new Int32Array(this.stamp.length));
    if (stampAt < 0 || maskAt < 0 || candAt < 0) return false;
    const buf = k.arena.buffer;
    this.stamp = new Int32Array(buf, stampAt, this.stamp.length);
    this.mask = new Int32Array(buf, maskAt, this.mask.length);
    this.candView = new Int32Array(buf, candAt, this.stamp.length);
    this.stampAt = stampAt;
    this.maskAt = maskAt;
    this.candAt = candAt;
    this.marksArena = k.arena.id;
    return true;
  }

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
      const entries: ScanEntry[] = [];
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
        // The kernel's stamps hold scan numbers too: a new table (once in 2^31 scans).
        if (sc.stampsAt > 0) sc.stampsAt = -1;
      }
      this.sc = sc;
      this.pos = pos;
      if (this.values !== undefined) sc.ac.scanValues(this.values, this.mark);
      else {
        if (sc.stampsAt < 0)
          sc.stampsAt = sc.ac.stampTable((id) => sc.pinned[id] === 0 && sc.whole?.[id] === undefined);
        sc.ac.scanRanges(
          this.bytes!,
          this.rec!.ranges,
          this.rec!.count,
          this.mark,
          sc.stampsAt,
          sc.scanNo,
          this.kernelMarks,
        );
      }
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
