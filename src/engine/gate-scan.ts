import { decodeLiteral } from '../sigma/index.js';
import type { AutomatonCache } from './automaton-cache.js';
import { type AhoCorasick, latin1Bytes, MAX_LITERAL } from './prefilter-ac.js';
import { type RawForm, rawLiteral } from './raw-literal.js';
import { scanKey } from './scan-store.js';
import type { ScanKernel } from './wasm-scan.js';

/** One variant's literal requirement (its clauses) and its position in the gate. */
export interface ScanEntry {
  clauses: string[][];
  pos: number;
}

export interface FormScan {
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
   * This thread's stamp table for the scan kernel (AhoCorasick.stampTable: a state whose literals
   * are all neither pinned nor checked whole is reported once a scan); -1 until made, 0 for none.
   */
  stampsAt: number;
  /**
   * Where this thread placed the tables the kernel's marks read (`placeMarks`: nine offsets in the
   * arena); -1 until placed, 0 for none. Once placed, `seenIn` is a view of the arena's copy.
   */
  marksAt: number;
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
export const A_START = 1;
export const A_END = 2;
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
/** What a scan is made of (`assemble` derives the rest): its owner tables and its literals. */
interface Built {
  owners: Pick<FormScan, 'ownStart' | 'ownPos' | 'ownBit' | 'ownAnchor' | 'need' | 'always'>;
  literals: string[];
}

function build(entries: readonly ScanEntry[], form: RawForm): Built {
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
  const fill = ownStart.slice(0, literalCount);
  for (let i = 0; i < count; i++) {
    const id = ent[4 * i]!;
    const at = fill[id]!++;
    ownPos[at] = ent[4 * i + 1]!;
    ownBit[at] = ent[4 * i + 2]!;
    ownAnchor[at] = ent[4 * i + 3]!;
  }
  // Raw forms are scanned as bytes: their literals are given as byte strings. Pushed into one array
  // literal, so every scan's list has the same elements kind (a spread for one form and a `map` for
  // the others gave two, and the optimised code walking the list deoptimised on each change).
  const literals: string[] = [];
  for (const key of ids.keys()) literals.push(form === 'plain' ? key : latin1Bytes(key));
  return { owners: { ownStart, ownPos, ownBit, ownAnchor, need, always }, literals };
}

/**
 * A scan from its owner tables and literals, built or kept: its automaton, which literals any owner
 * pins, their lengths, the long ones a raw form checks whole, and fresh marks.
 */
function assemble(
  automata: AutomatonCache,
  { owners, literals }: Built,
  literalKey: string,
  form: RawForm,
): FormScan {
  const n = literals.length;
  const { ownStart, ownAnchor } = owners;
  const pinned = new Uint8Array(n);
  for (let id = 0; id < n; id++)
    for (let k = ownStart[id]!; k < ownStart[id + 1]!; k++) if (ownAnchor[k] !== 0) pinned[id] = 1;
  // Raw forms only: a parsed event's values are scanned one by one, and the report does not say which.
  let whole: (string | undefined)[] | undefined;
  if (form !== 'plain')
    literals.forEach((lit, id) => {
      if (lit.length > MAX_LITERAL) {
        whole ??= new Array<string | undefined>(n).fill(undefined);
        whole[id] = lit;
      }
    });
  return {
    ...owners,
    ac: automata.get(literals, literalKey),
    seenIn: new Int32Array(n),
    scanNo: 0,
    stampsAt: -1,
    marksAt: -1,
    whole,
    pinned,
    length: Int32Array.from(literals, (lit) => lit.length),
  };
}

/**
 * The scan of one form over variants given as (clauses, position): loaded from the store when one
 * was kept for the same entries (what building it takes is in `build`), else built and kept. Each
 * matching thread used to build every gate's scan of a hunt while its code still ran unoptimised:
 * 113 gates, 68,825 literal occurrences over the benchmark's input with SigmaHQ's rules.
 */
export function buildScan(automata: AutomatonCache, entries: readonly ScanEntry[], form: RawForm): FormScan {
  const store = automata.store;
  const key = store === undefined ? undefined : scanKey(entries, form);
  const kept = key === undefined ? undefined : store?.loadScan(key);
  if (kept !== undefined) {
    const { literalKey, literalCount, always, ...owners } = kept;
    const literals = literalCount === 0 && literalKey === '' ? [] : literalKey.split('\u0000');
    if (literals.length === literalCount)
      return assemble(
        automata,
        { owners: { ...owners, always: Array.from(always) }, literals },
        literalKey,
        form,
      );
  }
  const built = build(entries, form);
  const literalKey = built.literals.join('\u0000');
  const sc = assemble(automata, built, literalKey, form);
  if (key !== undefined) store?.saveScan(key, { ...sc, literalKey });
  return sc;
}

/**
 * Places in the kernel's arena what its marks read of `sc` (scan-kernel.wat's `mark`): the owner
 * tables, `need`, `pinned`, `length`, each long literal's bytes (and their offsets), and `seenIn`,
 * all of which are views of their copies there from then on (the JavaScript marks and the kernel's
 * share them, and the thread keeps no other).
 * The offset of the nine tables' offsets, or 0 when the arena has no room.
 */
export function placeMarks(sc: FormScan, k: ScanKernel): number {
  const n = sc.length.length;
  const wholeAt = new Int32Array(Math.max(n, 1));
  const whole = sc.whole;
  if (whole !== undefined) {
    // Every long literal's bytes (one byte a character: latin1Bytes) in one piece of the arena.
    let total = 0;
    for (let id = 0; id < n; id++) total += whole[id]?.length ?? 0;
    const at = k.arena.alloc(total);
    if (at < 0) return 0;
    const bytes = new Uint8Array(k.arena.buffer, at, total);
    let off = 0;
    for (let id = 0; id < n; id++) {
      const lit = whole[id];
      if (lit === undefined) continue;
      wholeAt[id] = at + off;
      for (let i = 0; i < lit.length; i++) bytes[off + i] = lit.charCodeAt(i);
      off += lit.length;
    }
  }
  const seenIn = k.place(sc.seenIn);
  const tables = [
    k.place(sc.ownStart),
    k.place(sc.ownPos),
    k.place(sc.ownBit),
    k.place(sc.ownAnchor),
    k.place(sc.need),
    seenIn,
    k.place(sc.pinned),
    k.place(sc.length),
    k.place(wholeAt),
  ];
  if (tables.some((at) => at < 0)) return 0;
  const at = k.place(Int32Array.from(tables));
  if (at < 0) return 0;
  // The scan reads the arena's copies from now on, and the thread keeps no other.
  const buf = k.arena.buffer;
  const view = (i: number, n: number): Int32Array => new Int32Array(buf, tables[i]!, n);
  sc.ownStart = view(0, sc.ownStart.length);
  sc.ownPos = view(1, sc.ownPos.length);
  sc.ownBit = view(2, sc.ownBit.length);
  sc.ownAnchor = view(3, sc.ownAnchor.length);
  sc.need = view(4, sc.need.length);
  sc.seenIn = view(5, sc.seenIn.length);
  sc.pinned = new Uint8Array(buf, tables[6]!, sc.pinned.length);
  sc.length = view(7, sc.length.length);
  return at;
}
