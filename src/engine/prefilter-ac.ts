import { scratchInt32 } from '../common/index.js';
import { sharedArray } from './wasm-arena.js';
import { ScanKernel } from './wasm-scan.js';

/** Classes given to characters outside ASCII: they share a few classes by their low bits. */
const WIDE_CLASSES = 4;
/** Classes of their own for ASCII characters: with class 0 and the wide ones, 64 in all. */
const ASCII_CLASSES = 64 - 1 - WIDE_CLASSES;
/**
 * Literals longer than this enter an automaton by their last characters only, which keeps its
 * tables small: a report is then a necessary condition only, which `endsWithBytes` makes exact
 * for the raw screen (see rule-index.ts).
 */
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
  /** The id of the arena (wasm-arena.ts) that `delta` lives in, if it does. */
  arena?: number;
  /** The id of the arena that `outStart` and `outIds` live in, if they do. */
  outArena?: number;
}

/** One of an automaton's tables. */
export type Table = Uint8Array<ArrayBufferLike> | Uint16Array<ArrayBufferLike> | Int32Array<ArrayBufferLike>;
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
  private readonly shift: number;
  private delta: Uint16Array<ArrayBufferLike> | Int32Array<ArrayBufferLike>;
  private accept: Uint8Array<ArrayBufferLike>;
  /** No state below this one accepts (see the constructor). */
  private readonly acceptFrom: number;
  /** The literals reported in state s: outIds[outStart[s]] up to outIds[outStart[s + 1]] (flat, few objects). */
  private outStart: Int32Array<ArrayBufferLike>;
  private outIds: Int32Array<ArrayBufferLike>;
  private readonly lower: Uint16Array | undefined;
  private bytes: Uint8Array | undefined;
  /** The arena `delta` lives in (see wasm-arena.ts), and this thread's copy of `bytes` there. */
  private readonly arena: number | undefined;
  private classesAt = -1;
  /** The arena `outStart` and `outIds` live in, if they do. */
  private readonly outArena: number | undefined;
  /** Where `outStart` and `outIds` are in the arena (for the kernel's marks): theirs, or copies. */
  private outAt = -1;
  private idsAt = -1;

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
      this.shift = Math.log2(t.width);
      this.delta = t.delta;
      this.accept = t.accept;
      this.outStart = t.outStart;
      this.outIds = t.outIds;
      this.lower = t.fold ? lowerUnits() : undefined;
      this.arena = t.arena;
      this.outArena = t.outArena;
      // Correct whatever the numbering: every accepting state is at or past the first one.
      const first = t.accept.indexOf(1);
      this.acceptFrom = first < 0 ? t.accept.length : first;
      return;
    }
    const lits = literals.map((l) => (l.length > MAX_LITERAL ? l.slice(-MAX_LITERAL) : l));
    // Each ASCII character of some literal gets a class; past ASCII_CLASSES of them, the rarest
    // share the last one (sharing only adds matches), so rows stay 64 wide.
    const seen = new Int32Array(128);
    for (const lit of lits) {
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        if (c < 128) seen[fold && c >= 65 && c <= 90 ? c + 32 : c]! += 1;
      }
    }
    const used: number[] = [];
    for (let c = 0; c < 128; c++) if (seen[c]! > 0) used.push(c);
    used.sort((a, b) => seen[b]! - seen[a]! || a - b);
    let classes = 0;
    for (const c of used) this.ascii[c] = classes < ASCII_CLASSES ? ++classes : ASCII_CLASSES;
    this.wideBase = classes + 1;
    // Rows are a power of two wide, so a scan finds one with a shift instead of a multiplication
    // (the state chain is what a scan waits on: 3.2 → 2.5 ns a character on the largest automaton).
    let shift = 1;
    while (1 << shift < this.wideBase + WIDE_CLASSES) shift++;
    const width = 1 << shift;
    this.width = width;
    this.shift = shift;
    this.lower = fold ? lowerUnits() : undefined;
    if (fold) {
      for (let c = 65; c <= 90; c++) this.ascii[c] = this.ascii[c + 32]!;
      // A tab or line break reads as a space: XML normalises them to spaces in attribute values,
      // so a literal's space may stand for one in the raw record (elsewhere this only adds matches).
      for (const c of [9, 10, 13]) this.ascii[c] = this.ascii[32]!;
    }
    // The trie is built straight into the transition table (0 = no child: no edge leads back to the
    // root, and a child is always numbered after its parent); no object per state. Its worst case is
    // one state per literal character; when large, it is on paged memory, where only the rows written
    // take memory and freeing it leaves the C heap's thresholds alone (common/paged.ts): multi-MB
    // tables grown and freed on the C heap kept a hunt's peak ~30 MiB higher on its first run.
    let total = 1;
    for (const lit of lits) total += lit.length;
    const trie = scratchInt32(total << shift);
    let states = 1;
    const endOf = new Int32Array(lits.length);
    lits.forEach((lit, id) => {
      let st = 0;
      for (let i = 0; i < lit.length; i++) {
        const at = (st << shift) | this.classOf(lit.charCodeAt(i));
        let n = trie[at]!;
        if (n === 0) {
          n = states++;
          trie[at] = n;
        }
        st = n;
      }
      endOf[id] = st;
    });
    // The other working lists, one scratch block: fail, queue, own, count, outStart, fill, order, perm.
    const work = scratchInt32(8 * states + 1);
    let taken = 0;
    const part = (n: number): Int32Array => {
      const a = work.subarray(taken, taken + n);
      taken += n;
      return a;
    };
    // Breadth first, each state's missing transitions become its failure state's (final by then:
    // it is shallower). A row holds only trie children until its state is reached.
    const fail = part(states);
    const queue = part(states);
    let tail = 0;
    for (let k = 0; k < width; k++) if (trie[k]! !== 0) queue[tail++] = trie[k]!;
    for (let head = 0; head < tail; head++) {
      const st = queue[head]!;
      const row = st << shift;
      const frow = fail[st]! << shift;
      for (let k = 0; k < width; k++) {
        const c = trie[row | k]!;
        if (c === 0) trie[row | k] = trie[frow | k]!;
        else {
          // The root's children fail to the root; deeper ones to where the failure state goes.
          fail[c] = st === 0 ? 0 : trie[frow | k]!;
          queue[tail++] = c;
        }
      }
    }
    // A state reports its own literals and those of its failure state (flattened, in state order).
    const own = part(states);
    for (const e of endOf) own[e]!++;
    const count = part(states);
    for (let i = 0; i < tail; i++) {
      const st = queue[i]!;
      count[st] = own[st]! + count[fail[st]!]!;
    }
    const outStart = part(states + 1);
    for (let st = 0; st < states; st++) outStart[st + 1] = outStart[st]! + count[st]!;
    const outIds = scratchInt32(outStart[states]!);
    const fill = part(states);
    fill.set(outStart.subarray(0, states));
    endOf.forEach((e, id) => {
      outIds[fill[e]!++] = id;
    });
    for (let i = 0; i < tail; i++) {
      const st = queue[i]!;
      const f = fail[st]!;
      outIds.copyWithin(fill[st]!, outStart[f]!, outStart[f + 1]!);
    }
    // States are renumbered so that the accepting ones come last: a scan then tells one by a
    // comparison with the first of them instead of a load from \`accept\`. The root stays 0 (where
    // a scan starts); when it accepts (an empty literal), every state is checked.
    const order = part(states);
    let n = 1;
    for (let st = 1; st < states; st++) if (count[st] === 0) order[n++] = st;
    this.acceptFrom = count[0]! > 0 ? 0 : n;
    for (let st = 1; st < states; st++) if (count[st]! > 0) order[n++] = st;
    const perm = part(states);
    for (let i = 0; i < states; i++) perm[order[i]!] = i;
    // The tables the automaton keeps go on shared memory at once (see toShared).
    const accept = new Uint8Array(new SharedArrayBuffer(states));
    // In the hunt's arena too where it has room (the kernel's marks read them there: wasm-scan.ts).
    const startPlaced = sharedArray(Int32Array, states + 1);
    const start = startPlaced.array;
    for (let i = 0; i < states; i++) {
      const st = order[i]!;
      if (count[st]! > 0) accept[i] = 1;
      start[i + 1] = start[i]! + count[st]!;
    }
    const idsPlaced = sharedArray(Int32Array, outIds.length);
    const ids = idsPlaced.array;
    this.outArena =
      startPlaced.arena !== undefined && startPlaced.arena === idsPlaced.arena
        ? startPlaced.arena
        : undefined;
    for (let i = 0; i < states; i++) {
      const st = order[i]!;
      ids.set(outIds.subarray(outStart[st]!, outStart[st + 1]!), start[i]!);
    }
    // Stored in 16 bits whenever the automaton is small enough, and then in the hunt's arena, where
    // the scan kernel reads it (wasm-scan.ts).
    const size = states << shift;
    let next: Uint16Array<ArrayBufferLike> | Int32Array<ArrayBufferLike>;
    if (states <= 0xffff) {
      const placed = sharedArray(Uint16Array, size);
      next = placed.array;
      this.arena = placed.arena;
    } else {
      next = new Int32Array(new SharedArrayBuffer(4 * size));
      this.arena = undefined;
    }
    for (let i = 0; i < states; i++) {
      const from = order[i]! << shift;
      const to = i << shift;
      for (let k = 0; k < width; k++) next[to | k] = perm[trie[from | k]!]!;
    }
    this.outStart = start;
    this.outIds = ids;
    this.delta = next;
    this.accept = accept;
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
      arena: this.arena,
      outArena: this.outArena,
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
  scanValues(values: readonly string[], found: Found): void {
    for (let v = 0; v < values.length; v++) this.scan(values[v]!, found);
  }

  /**
   * Calls `found(id, end, 0, text.length)` for each literal occurrence in `text` from `from` on,
   * `end` being the index of its last character (an id may be reported more than once).
   */
  scan(text: string, found: Found, from = 0): void {
    const { delta, acceptFrom, outStart, outIds, ascii, wideBase, lower, shift } = this;
    let s = 0;
    for (let i = from; i < text.length; i++) {
      let c = text.charCodeAt(i);
      let k: number;
      if (c < 128) k = ascii[c]!;
      else {
        if (lower !== undefined) c = lower[c]!;
        k = c < 128 ? ascii[c]! : wideBase + (c & (WIDE_CLASSES - 1));
      }
      s = delta[(s << shift) | k]!;
      if (s >= acceptFrom) {
        const end = outStart[s + 1]!;
        for (let j = outStart[s]!; j < end; j++) found(outIds[j]!, i, 0, text.length);
      }
    }
  }

  /** The class of each byte, for scans over encoded text (literals given as their bytes). */
  private byteClasses(): Uint8Array {
    if (this.bytes !== undefined) return this.bytes;
    const t = new Uint8Array(256);
    for (let b = 0; b < 256; b++) t[b] = b < 128 ? this.ascii[b]! : this.wideBase + (b & (WIDE_CLASSES - 1));
    this.bytes = t;
    return t;
  }

  /**
   * This thread's stamp table for the scan kernel (wasm-scan.ts) in the arena of this automaton's
   * tables: an i32 per accepting state, 0 for a state whose every literal `once` accepts (reported
   * once a scan, as nothing a repeat of it reports would add), -1 for the others; its offset, or 0
   * where the kernel does not scan this automaton.
   */
  stampTable(once: (id: number) => boolean): number {
    if (this.arena === undefined || !(this.delta instanceof Uint16Array)) return 0;
    const k = ScanKernel.of(this.arena);
    if (k === undefined) return 0;
    const { outStart, outIds, acceptFrom } = this;
    const states = outStart.length - 1;
    const t = new Int32Array(Math.max(states - acceptFrom, 1));
    for (let s = acceptFrom; s < states; s++) {
      for (let j = outStart[s]!; j < outStart[s + 1]!; j++) {
        if (!once(outIds[j]!)) {
          t[s - acceptFrom] = -1;
          break;
        }
      }
    }
    const at = k.place(t);
    return at < 0 ? 0 : at;
  }

  /**
   * `scan` over byte ranges of `b` (ranges[2i] up to ranges[2i + 1], for i below `count`), the
   * automaton starting afresh at each; for an automaton whose literals are byte strings (each
   * character one byte, as `latin1Bytes` gives them). ASCII letters are folded to lower case.
   * `stamps` and `scanNo`, when given, are the kernel's (see `stampTable`), and `marks` takes the
   * kernel's reports where it can.
   */
  scanRanges(
    b: Uint8Array,
    ranges: Int32Array,
    count: number,
    found: Found,
    stamps = 0,
    scanNo = 0,
    marks?: KernelMarks,
  ): void {
    const { delta, acceptFrom, outStart, outIds, shift } = this;
    const cls = this.byteClasses();
    if (this.arena !== undefined && count > 0 && delta instanceof Uint16Array) {
      const k = ScanKernel.of(this.arena);
      if (k !== undefined) {
        if (this.classesAt < 0) this.classesAt = k.place(cls);
        const n =
          this.classesAt < 0
            ? -1
            : k.run(b, ranges, count, delta.byteOffset, this.classesAt, shift, acceptFrom, stamps, scanNo);
        if (n >= 0) {
          if (marks !== undefined) {
            if (this.outAt < 0) {
              const inPlace = this.outArena === k.arena.id;
              this.outAt = inPlace ? outStart.byteOffset : k.place(outStart as Int32Array);
              this.idsAt = inPlace ? outIds.byteOffset : k.place(outIds as Int32Array);
            }
            if (this.outAt >= 0 && this.idsAt >= 0 && marks(k, n, this.outAt, this.idsAt)) return;
          }
          // The kernel reports in its own order (two ranges at a time); a report's meaning does not
          // depend on it (see Gate's mark).
          const rep = k.reports;
          for (let q = 0; q < 3 * n; q += 3) {
            const s = rep[q]!;
            const i = rep[q + 1]!;
            const r = rep[q + 2]!;
            const end = outStart[s + 1]!;
            for (let j = outStart[s]!; j < end; j++) found(outIds[j]!, i, ranges[2 * r]!, ranges[2 * r + 1]!);
          }
          return;
        }
      }
    }
    for (let r = 0; r < count; r++) {
      const from = ranges[2 * r]!;
      const to = ranges[2 * r + 1]!;
      let s = 0;
      for (let i = from; i < to; i++) {
        s = delta[(s << shift) | cls[b[i]!]!]!;
        if (s >= acceptFrom) {
          const end = outStart[s + 1]!;
          for (let j = outStart[s]!; j < end; j++) found(outIds[j]!, i, from, to);
        }
      }
    }
  }
}

/**
 * Marks a kernel scan's `n` reports in the arena itself (ScanKernel.mark), given where this
 * automaton's outputs are there; false to have them handed to `found` one by one instead.
 */
export type KernelMarks = (kernel: ScanKernel, n: number, outStart: number, outIds: number) => boolean;

/**
 * A report of literal `id` ending at index `end` (its last character) of the value that spans
 * [from, to): a value string (from 0), or a byte range of a raw record.
 */
export type Found = (id: number, end: number, from: number, to: number) => void;

/** An ASCII byte as a folding automaton reads it: lower case, tabs and line breaks as spaces. */
function readAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c === 9 || c === 10 || c === 13 ? 32 : c;
}

/**
 * Whether the bytes b, read as a folding automaton reads them (ASCII folded, the rest as it is),
 * hold `lit` ending at b[end]: what a report of a long literal's last characters leaves to check
 * (see rule-index.ts). `lit` is a raw literal as bytes (`latin1Bytes`): lower-case, without
 * control characters (raw-literal.ts cuts them), so a tab or line break in b can stand only for a
 * space, as in an XML attribute.
 */
export function endsWithBytes(b: Uint8Array, end: number, lit: string): boolean {
  const start = end - lit.length + 1;
  if (start < 0) return false;
  for (let k = 0; k < lit.length; k++) {
    const c = b[start + k]!;
    if ((c < 128 ? readAscii(c) : c) !== lit.charCodeAt(k)) return false;
  }
  return true;
}

/** A literal as the string of its UTF-8 bytes, one character a byte (for `scanRanges`). */
export function latin1Bytes(lit: string): string {
  return Buffer.from(lit, 'utf8').toString('latin1');
}
