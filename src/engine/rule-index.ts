import type { FieldAccess } from './field-access.js';
import { ANY_FIELD, type Requirement } from './prefilter.js';
import { AhoCorasick } from './prefilter-ac.js';
import type { Pred } from './sigma-compile.js';

/** A rule compiled for one source, with its literal requirement. */
export interface Variant {
  rule: number;
  pred: Pred;
  req: Requirement;
}

interface Scan {
  slot: number;
  ac: AhoCorasick;
  /** literal id → variant positions */
  owners: number[][];
}

/**
 * The rules that can apply to one (channel, event id) bucket, with one Aho–Corasick automaton
 * per field over the literals the rules require: an event is evaluated only against the rules
 * without a requirement and the rules whose required literal occurs.
 */
export class RuleGroup {
  private readonly variants: Variant[] = [];
  private always: number[] = [];
  private scans: Scan[] = [];
  private stamp: Int32Array = new Int32Array(0);
  private gen = 0;
  private cand: number[] = [];
  private readonly mark = (id: number): void => {
    const owners = this.curOwners![id]!;
    for (let k = 0; k < owners.length; k++) {
      const v = owners[k]!;
      if (this.stamp[v] !== this.gen) {
        this.stamp[v] = this.gen;
        this.cand.push(v);
      }
    }
  };
  private curOwners: number[][] | undefined;

  add(v: Variant): void {
    this.variants.push(v);
  }

  get size(): number {
    return this.variants.length;
  }

  /** Builds the automata; call once after all variants are added. */
  seal(usePrefilter: boolean): void {
    this.variants.sort((a, b) => a.rule - b.rule);
    this.stamp = new Int32Array(this.variants.length);
    const bySlot = new Map<number, { lits: Map<string, number>; owners: number[][] }>();
    this.variants.forEach((v, i) => {
      if (!usePrefilter || !v.req) {
        this.always.push(i);
        return;
      }
      for (const alt of v.req) {
        let s = bySlot.get(alt.slot);
        if (!s) {
          s = { lits: new Map(), owners: [] };
          bySlot.set(alt.slot, s);
        }
        let id = s.lits.get(alt.lit);
        if (id === undefined) {
          id = s.owners.length;
          s.lits.set(alt.lit, id);
          s.owners.push([]);
        }
        const o = s.owners[id]!;
        if (o[o.length - 1] !== i) o.push(i);
      }
    });
    this.scans = [...bySlot].map(([slot, s]) => ({
      slot,
      ac: new AhoCorasick([...s.lits.keys()]),
      owners: s.owners,
    }));
  }

  /** Evaluates the group on the event in `fa`; returns how many rules were evaluated. */
  run(fa: FieldAccess, emit: (rule: number) => void): number {
    this.gen++;
    const cand = this.cand;
    cand.length = 0;
    for (const i of this.always) cand.push(i);
    for (const sc of this.scans) {
      this.curOwners = sc.owners;
      if (sc.slot === ANY_FIELD) {
        for (const v of fa.allLowValues()) sc.ac.scan(v, this.mark);
        continue;
      }
      const v = fa.low(sc.slot);
      if (v === undefined) continue;
      if (typeof v === 'string') sc.ac.scan(v, this.mark);
      else for (const x of v) sc.ac.scan(x, this.mark);
    }
    if (this.scans.length > 0) cand.sort((a, b) => a - b);
    const vs = this.variants;
    for (let k = 0; k < cand.length; k++) {
      const v = vs[cand[k]!]!;
      if (v.pred(fa)) emit(v.rule);
    }
    return cand.length;
  }
}

interface ChannelEntry {
  any: RuleGroup | undefined;
  byId: Map<string, RuleGroup>;
}

/** Rules by channel (lower-cased, `*` for any) and event id (`*` for any). */
export class RuleIndex {
  private readonly channels = new Map<string, ChannelEntry>();

  group(channel: string, eventId: string): RuleGroup {
    let c = this.channels.get(channel);
    if (!c) {
      c = { any: undefined, byId: new Map() };
      this.channels.set(channel, c);
    }
    if (eventId === '*') {
      if (!c.any) c.any = new RuleGroup();
      return c.any;
    }
    let g = c.byId.get(eventId);
    if (!g) {
      g = new RuleGroup();
      c.byId.set(eventId, g);
    }
    return g;
  }

  groups(): RuleGroup[] {
    const out: RuleGroup[] = [];
    for (const c of this.channels.values()) {
      if (c.any) out.push(c.any);
      out.push(...c.byId.values());
    }
    return out;
  }

  /** The (up to four) groups an event with this channel and event id can hit. */
  lookup(channelLower: string, eventId: string, out: RuleGroup[]): void {
    out.length = 0;
    const c = this.channels.get(channelLower);
    if (c) {
      const g = c.byId.get(eventId);
      if (g) out.push(g);
      if (c.any) out.push(c.any);
    }
    const s = this.channels.get('*');
    if (s) {
      const g = s.byId.get(eventId);
      if (g) out.push(g);
      if (s.any) out.push(s.any);
    }
  }
}
