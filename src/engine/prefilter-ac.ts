/** Classes given to characters outside ASCII: they share a few classes by their low bits. */
const WIDE_CLASSES = 16;
/** Literals longer than this are matched on their last characters only (a necessary condition still). */
export const MAX_LITERAL = 12;

let lowerTable: Uint16Array | undefined;

/** Each BMP code unit's lower case when that is one code unit, else the unit itself. */
function lowerUnits(): Uint16Array {
  if (lowerTable !== undefined) return lowerTable;
  lowerTable = new Uint16Array(0x10000);
  for (let u = 0; u < 0x10000; u++) {
    lowerTable[u] = u;
    if (u >= 0xd800 && u <= 0xdfff) continue;
    const l = String.fromCharCode(u).toLowerCase();
    if (l.length === 1) lowerTable[u] = l.charCodeAt(0);
  }
  // Capital I with dot above lower-cases to `i` and a combining dot (two units): read as `i`, the
  // text then differs from the lower-cased value only by dropped combining dots, which literals
  // are cut at (raw-literal.ts).
  lowerTable[0x130] = 0x69;
  return lowerTable;
}

/**
 * Lists of numbers kept as two typed arrays instead of an array per list (few objects for the
 * collector): list i is items[start[i]] up to items[start[i + 1]].
 */
export function flatLists(lists: readonly (readonly number[])[]): { start: Int32Array; items: Int32Array } {
  const start = new Int32Array(lists.length + 1);
  let total = 0;
  lists.forEach((l, i) => {
    start[i] = total;
    total += l.length;
  });
  start[lists.length] = total;
  const items = new Int32Array(total);
  lists.forEach((l, i) => {
    items.set(l, start[i]!);
  });
  return { start, items };
}

/** An automaton's tables on shared memory, as `toShared` gives them and the constructor takes them. */
export interface SharedAutomaton {
  ascii: Uint16Array<ArrayBufferLike>;
  wideBase: number;
  width: number;
  delta: Uint16Array<ArrayBufferLike> | Int32Array<ArrayBufferLike>;
  accept: Uint8Array<ArrayBufferLike>;
  outStart: Int32Array<ArrayBufferLike>;
  outIds: Int32Array<ArrayBufferLike>;
  fold: boolean;
}

type Table = Uint8Array<ArrayBufferLike> | Uint16Array<ArrayBufferLike> | Int32Array<ArrayBufferLike>;
type TypedArrayOf<T> = { new (buffer: ArrayBufferLike): T };

/** `a` itself when it lives on shared memory already, else a copy of it that does. */
function onShared<T extends Table>(a: T, Kind: TypedArrayOf<T>): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = new Kind(new SharedArrayBuffer(a.byteLength));
  copy.set(a);
  return copy;
}

/**
 * Aho–Corasick automaton over lower-cased literals, compiled to a dense DFA over character
 * classes: each ASCII character of some literal has its own class, characters outside ASCII
 * share a few classes by their low bits, and every other character is class 0. Sharing a class
 * can only add matches, never lose one, which is all a pre-filter needs; it keeps the table small
 * whatever alphabets the rules use. A scan is one table lookup per character.
 */
export class AhoCorasick {
  /** Class of each code unit below 128. */
  private ascii: Uint16Array<ArrayBufferLike> = new Uint16Array(128);
  private readonly wideBase: number;
  private readonly width: number;
  private delta: Uint16Array<ArrayBufferLike> | Int32Array<ArrayBufferLike>;
  private accept: Uint8Array<ArrayBufferLike>;
  /** The literals reported in state s: outIds[outStart[s]] up to outIds[outStart[s + 1]] (flat, few objects). */
  private outStart: Int32Array<ArrayBufferLike>;
  private outIds: Int32Array<ArrayBufferLike>;
  private readonly lower: Uint16Array | undefined;

  /**
   * With `fold`, text is matched case-insensitively: a character is read as its lower case
   * (literals are lower-case already). Given the tables of another thread's automaton
   * (`toShared`), uses them as they are: nothing is built or copied.
   */
  constructor(literals: string[] | SharedAutomaton, fold = false) {
    if (!Array.isArray(literals)) {
      const t = literals;
      this.ascii = t.ascii;
      this.wideBase = t.wideBase;
      this.width = t.width;
      this.delta = t.delta;
      this.accept = t.accept;
      this.outStart = t.outStart;
      this.outIds = t.outIds;
      this.lower = t.fold ? lowerUnits() : undefined;
      return;
    }
    let classes = 0;
    const lits = literals.map((l) => (l.length > MAX_LITERAL ? l.slice(-MAX_LITERAL) : l));
    for (const lit of lits) {
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (c < 128 && this.ascii[c] === 0) this.ascii[c] = ++classes;
      }
    }
    this.wideBase = classes + 1;
    const width = this.wideBase + WIDE_CLASSES;
    this.width = width;
    this.lower = fold ? lowerUnits() : undefined;
    if (fold) for (let c = 65; c <= 90; c++) this.ascii[c] = this.ascii[c + 32]!;
    // Trie with sparse children first.
    const children: Map<number, number>[] = [new Map()];
    const out: number[][] = [[]];
    lits.forEach((lit, id) => {
      let s = 0;
      for (let i = 0; i < lit.length; i++) {
        const k = this.classOf(lit.charCodeAt(i));
        let n = children[s]!.get(k);
        if (n === undefined) {
          n = children.length;
          children.push(new Map());
          out.push([]);
          children[s]!.set(k, n);
        }
        s = n;
      }
      out[s]!.push(id);
    });
    // next[s·width + k] is the state after reading class k in state s: every transition a state
    // lacks is its failure state's. Stored in 16 bits whenever the automaton is small enough.
    const states = children.length;
    const next: Uint16Array | Int32Array =
      states <= 0xffff ? new Uint16Array(states * width) : new Int32Array(states * width);
    const fail = new Int32Array(states);
    const queue: number[] = [];
    for (const [k, n] of children[0]!) {
      next[k] = n;
      queue.push(n);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      const f = fail[s]!;
      next.copyWithin(s * width, f * width, f * width + width);
      for (const [k, n] of children[s]!) {
        next[s * width + k] = n;
        fail[n] = next[f * width + k]!;
        const inherited = out[fail[n]!]!;
        if (inherited.length) out[n] = [...out[n]!, ...inherited];
        queue.push(n);
      }
    }
    const accept = new Uint8Array(states);
    for (let st = 0; st < states; st++) if (out[st]!.length > 0) accept[st] = 1;
    const flat = flatLists(out);
    this.delta = next;
    this.accept = accept;
    this.outStart = flat.start;
    this.outIds = flat.items;
  }

  /**
   * The automaton's tables, moved onto shared memory (once; this automaton uses the shared copies
   * from then on), for another thread to scan with without building or copying them.
   */
  toShared(): SharedAutomaton {
    this.ascii = onShared(this.ascii, Uint16Array);
    this.delta =
      this.delta instanceof Uint16Array
        ? onShared(this.delta, Uint16Array)
        : onShared(this.delta, Int32Array);
    this.accept = onShared(this.accept, Uint8Array);
    this.outStart = onShared(this.outStart, Int32Array);
    this.outIds = onShared(this.outIds, Int32Array);
    return {
      ascii: this.ascii,
      wideBase: this.wideBase,
      width: this.width,
      delta: this.delta,
      accept: this.accept,
      outStart: this.outStart,
      outIds: this.outIds,
      fold: this.lower !== undefined,
    };
  }

  private classOf(c: number): number {
    if (c < 128) return this.ascii[c]!;
    return this.wideBase + (c & (WIDE_CLASSES - 1));
  }

  /**
   * `scan` over each value apart (the automaton starts afresh at each), with case folded: the
   * values need not be lower-cased or joined first (case is folded by an automaton built with `fold`).
   */
  scanValues(values: readonly string[], found: (id: number) => void): void {
    for (let v = 0; v < values.length; v++) this.scan(values[v]!, found);
  }

  /** Calls `found(id)` for each literal occurrence in `text` (an id may be reported more than once). */
  scan(text: string, found: (id: number) => void): void {
    const { delta, accept, outStart, outIds, ascii, wideBase, lower, width } = this;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      let k: number;
      if (c < 128) k = ascii[c]!;
      else {
        if (lower !== undefined) c = lower[c]!;
        k = c < 128 ? ascii[c]! : wideBase + (c & (WIDE_CLASSES - 1));
      }
      s = delta[s * width + k]!;
      if (accept[s] === 1) {
        const end = outStart[s + 1]!;
        for (let j = outStart[s]!; j < end; j++) found(outIds[j]!);
      }
    }
  }
}
