import type { RawForm } from './raw-literal.js';

/**
 * A gate's scan as kept on disk (gate-scan.ts builds it, automaton-store.ts keeps it): the owner
 * tables, and the automaton's literal list as AutomatonCache keys it. What else a scan holds is
 * derived from these when it is loaded.
 */
export interface ScanArrays {
  literalKey: string;
  literalCount: number;
  ownStart: Int32Array;
  ownPos: Int32Array;
  ownBit: Int32Array;
  ownAnchor: Int32Array;
  need: Int32Array;
  always: Int32Array;
}

const ARRAYS = ['ownStart', 'ownPos', 'ownBit', 'ownAnchor', 'need', 'always'] as const;
type ArrayName = (typeof ARRAYS)[number];

/**
 * What a scan is built from, spelled without ambiguity (every text after its length): the key a
 * kept scan is found by, so a scan is only ever reused for exactly the entries it was built from.
 */
export function scanKey(entries: readonly { clauses: string[][]; pos: number }[], form: RawForm): string {
  let key = `${form};${entries.length}`;
  for (const { clauses, pos } of entries) {
    key += `;${pos},${clauses.length}`;
    for (const clause of clauses) {
      key += `,${clause.length}`;
      for (const lit of clause) key += `:${lit.length}:${lit}`;
    }
  }
  return key;
}

/** A scan's payload, in parts (nothing joined): its lengths as JSON, then the tables and the key. */
export function encodeScan(
  s: Omit<ScanArrays, 'literalCount' | 'always'> & { always: readonly number[]; length: Int32Array },
): Uint8Array[] {
  // Raw forms' literals are byte strings, kept one byte a character; UTF-16 keeps any other string
  // as it is (a parsed event's literals may hold lone surrogates, which UTF-8 would replace).
  const encoding = isLatin1(s.literalKey) ? 'latin1' : 'utf16le';
  const key = Buffer.from(s.literalKey, encoding);
  const always = Int32Array.from(s.always);
  const head = Buffer.from(
    JSON.stringify({
      literalCount: s.length.length,
      lengths: ARRAYS.map((name) => (name === 'always' ? always : s[name]).length),
      keyBytes: key.length,
      encoding,
    }),
  );
  const size = Buffer.alloc(4);
  size.writeUInt32LE(head.length);
  const parts: Uint8Array[] = [size, head];
  for (const name of ARRAYS) {
    const a = name === 'always' ? always : s[name];
    parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  parts.push(key);
  return parts;
}

/** Whether every character of s is below 256. */
function isLatin1(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/** Int32 values of p[at, at + 4n), copied out (a payload need not be 4-aligned). */
function int32s(p: Buffer, at: number, n: number): Int32Array {
  const a = new Int32Array(n);
  p.copy(new Uint8Array(a.buffer), 0, at, at + 4 * n);
  return a;
}

/**
 * The scan of a payload `encodeScan` wrote (its entry already checked by its hash), or undefined
 * when its parts do not fit together: tables of the wrong lengths, or positions outside them.
 */
export function decodeScan(p: Buffer): ScanArrays | undefined {
  try {
    if (p.length < 4) return undefined;
    const headLength = p.readUInt32LE(0);
    const head = JSON.parse(p.toString('utf8', 4, 4 + headLength)) as {
      literalCount: number;
      lengths: number[];
      keyBytes: number;
      encoding: string;
    };
    const { literalCount, lengths, keyBytes, encoding } = head;
    if (encoding !== 'latin1' && encoding !== 'utf16le') return undefined;
    if (!Number.isInteger(literalCount) || literalCount < 0 || !Array.isArray(lengths)) return undefined;
    if (!Number.isInteger(keyBytes) || keyBytes < 0 || (encoding === 'utf16le' && keyBytes % 2 !== 0))
      return undefined;
    if (lengths.length !== ARRAYS.length || !lengths.every((n) => Number.isInteger(n) && n >= 0))
      return undefined;
    let at = 4 + headLength;
    let total = at + keyBytes;
    for (const n of lengths) total += 4 * n;
    if (total !== p.length) return undefined;
    const arrays = {} as Record<ArrayName, Int32Array>;
    ARRAYS.forEach((name, i) => {
      arrays[name] = int32s(p, at, lengths[i]!);
      at += 4 * lengths[i]!;
    });
    const { ownStart, ownPos, ownBit, ownAnchor, need, always } = arrays;
    const owners = ownPos.length;
    if (ownStart.length !== literalCount + 1 || ownStart[0] !== 0 || ownStart[literalCount] !== owners)
      return undefined;
    if (ownBit.length !== owners || ownAnchor.length !== owners) return undefined;
    for (let i = 0; i < literalCount; i++) if (ownStart[i + 1]! < ownStart[i]!) return undefined;
    for (const v of ownPos) if (v < 0 || v >= need.length) return undefined;
    for (const v of always) if (v < 0 || v >= need.length) return undefined;
    return {
      literalKey: p.toString(encoding, at, at + keyBytes),
      literalCount,
      ownStart,
      ownPos,
      ownBit,
      ownAnchor,
      need,
      always,
    };
  } catch {
    return undefined;
  }
}
