import type { ValueTest } from './types.js';

/** A parsed Sigma string: literal text and the two wildcards. */
export type Token = string | typeof STAR | typeof ONE;
export const STAR: unique symbol = Symbol('*');
export const ONE: unique symbol = Symbol('?');

/**
 * Parses a Sigma string value into literals and wildcards. A backslash escapes `*`, `?` and
 * a backslash; before any other character it is a plain backslash (spec "Escape Character").
 */
export function parseSigmaString(raw: string): Token[] {
  const out: Token[] = [];
  let acc = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      const n = raw[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        acc += n;
        i++;
      } else {
        acc += c;
      }
    } else if (c === '*' || c === '?') {
      if (acc) out.push(acc);
      acc = '';
      if (c === '?') out.push(ONE);
      else if (out[out.length - 1] !== STAR) out.push(STAR);
    } else {
      acc += c;
    }
  }
  if (acc) out.push(acc);
  return out;
}

export function hasWildcard(tokens: Token[]): boolean {
  return tokens.some((t) => typeof t !== 'string');
}

export function literalText(tokens: Token[]): string {
  return tokens.filter((t): t is string => typeof t === 'string').join('');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Adds the wildcards of contains / startswith / endswith. */
export function wrap(tokens: Token[], how: 'contains' | 'startswith' | 'endswith' | undefined): Token[] {
  let t = tokens;
  if (how === 'contains' || how === 'endswith') t = t[0] === STAR ? t : [STAR, ...t];
  if (how === 'contains' || how === 'startswith') t = t[t.length - 1] === STAR ? t : [...t, STAR];
  return t;
}

/**
 * Reduces a token list to the cheapest string test: equality, prefix, suffix, substring, or an
 * anchored pattern when the wildcards are in the middle. An empty equality means "absent or
 * empty", which the event view represents as absent.
 */
export function toStrTest(tokens: Token[], cased: boolean): ValueTest {
  const low = (s: string) => (cased ? s : s.toLowerCase());
  const lits = tokens.filter((t): t is string => typeof t === 'string');
  let longest = '';
  for (const l of lits) if (l.length > longest.length) longest = l;
  const lit = longest ? longest.toLowerCase() : undefined;
  const withLit = (t: ValueTest): ValueTest => {
    if (lit !== undefined && t.t === 'str') t.lit = lit;
    return t;
  };
  const n = tokens.length;
  if (n === 0) return { t: 'null' };
  if (!hasWildcard(tokens)) return withLit({ t: 'str', op: 'eq', value: low(tokens.join('')), cased });
  const inner = tokens.slice(tokens[0] === STAR ? 1 : 0, tokens[n - 1] === STAR ? n - 1 : n);
  if (inner.length <= 1 && (inner.length === 0 || typeof inner[0] === 'string')) {
    const v = low((inner[0] as string | undefined) ?? '');
    const starts = tokens[0] === STAR;
    const ends = tokens[n - 1] === STAR;
    if (starts && ends) return withLit({ t: 'str', op: 'contains', value: v, cased });
    if (starts) return withLit({ t: 'str', op: 'suffix', value: v, cased });
    return withLit({ t: 'str', op: 'prefix', value: v, cased });
  }
  let src = '';
  for (const t of tokens) {
    if (t === STAR) src += '[\\s\\S]*';
    else if (t === ONE) src += '[\\s\\S]';
    else src += escapeRegex(low(t));
  }
  return withLit({ t: 'str', op: 'glob', value: src, cased });
}

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];

/**
 * All variants of a value where each command-line flag dash (a dash or slash at the start of a
 * word, after a non-word character) is any of `-` `/` `–` `—` `―`.
 */
export function windash(raw: string): string[] {
  const positions: number[] = [];
  const re = /\B[-/\u2013\u2014\u2015]\b/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) positions.push(m.index);
  let out = [raw];
  for (const p of positions) {
    const next: string[] = [];
    for (const v of out) for (const d of DASHES) next.push(v.slice(0, p) + d + v.slice(p + 1));
    out = next;
  }
  return out;
}

export type Encoding = 'utf16le' | 'utf16be' | 'utf16';

export function encodeText(text: string, enc: Encoding | 'utf8'): Buffer {
  if (enc === 'utf8') return Buffer.from(text, 'utf8');
  const le = Buffer.from(text, 'utf16le');
  if (enc === 'utf16le') return le;
  const be = Buffer.from(le);
  be.swap16();
  if (enc === 'utf16be') return be;
  return Buffer.concat([Buffer.from([0xff, 0xfe]), le]);
}

/** Plain base64 of the bytes. */
export function base64(bytes: Buffer): string {
  return bytes.toString('base64');
}

/**
 * The three forms the bytes take inside a longer base64 text, depending on their offset
 * modulo 3; the characters that depend on the neighbouring bytes are cut off.
 */
export function base64Offsets(bytes: Buffer): string[] {
  const out: string[] = [];
  const startCut = [0, 2, 3];
  const endCut = [0, 3, 2];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i, 0x20), bytes]).toString('base64');
    const cut = endCut[(bytes.length + i) % 3]!;
    out.push(enc.slice(startCut[i]!, enc.length - cut));
  }
  return out;
}
