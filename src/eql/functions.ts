import { cidrContains, parseCidrOnce, parseIpOnce } from './cidr.js';
import { anyOf, first, isNullValue, type Scalar, toNumber, toText, type Value } from './values.js';

/**
 * Evaluates an EQL function over already-evaluated arguments. Null in gives null out, except
 * where Elastic documents otherwise. `floats[i]` is true when argument i is a float literal,
 * which makes `divide` a float division.
 */
export type FunctionImpl = (args: Value[], insensitive: boolean, floats: boolean[]) => Value;

function text(v: Value): string | null {
  return toText(first(v));
}

function num(v: Value): number | null {
  return toNumber(first(v));
}

function fold(s: string, insensitive: boolean): string {
  return insensitive ? s.toLowerCase() : s;
}

/** Integer division truncates (as in Elasticsearch) unless either side is a float. */
export function divideNumbers(a: number, b: number, float: boolean): number | null {
  if (b === 0) return null;
  if (!float && Number.isInteger(a) && Number.isInteger(b)) return Math.trunc(a / b);
  return a / b;
}

function arith(args: Value[], f: (a: number, b: number) => number | null): Value {
  const a = num(args[0]);
  const b = num(args[1]);
  if (a === null || b === null) return null;
  return f(a, b);
}

/** A string predicate applied to each value of a multi-valued first argument. */
function stringTest(args: Value[], insensitive: boolean, test: (s: string, arg: string) => boolean): Value {
  const needle = text(args[1]);
  if (needle === null) return null;
  const n = fold(needle, insensitive);
  return anyOf(args[0], (x: Scalar) => {
    const s = toText(x);
    return s === null ? null : test(fold(s, insensitive), n);
  });
}

/** Parses an integer in base 2–36; null unless every digit is valid in that base. */
function parseIntStrict(s: string, base: number): number | null {
  if (!Number.isInteger(base) || base < 2 || base > 36) return null;
  const m = /^([+-]?)([0-9a-zA-Z]+)$/.exec(s);
  if (m === null) return null;
  let n = 0;
  for (const ch of m[2].toLowerCase()) {
    const d = Number.parseInt(ch, 36);
    if (d >= base) return null;
    n = n * base + d;
  }
  return m[1] === '-' ? -n : n;
}

/** Python-style slice bounds: negative positions count from the end. */
function sliceBound(i: number, len: number): number {
  if (i < 0) return Math.max(0, len + i);
  return Math.min(i, len);
}

export const FUNCTIONS: Record<string, FunctionImpl> = {
  add: (args) => arith(args, (a, b) => a + b),
  subtract: (args) => arith(args, (a, b) => a - b),
  multiply: (args) => arith(args, (a, b) => a * b),
  divide: (args, _i, floats) => arith(args, (a, b) => divideNumbers(a, b, floats[0] || floats[1])),
  modulo: (args) => arith(args, (a, b) => (b === 0 ? null : a % b)),

  between: (args, insensitive) => {
    const s = text(args[0]);
    const left = text(args[1]);
    const right = text(args[2]);
    if (s === null || left === null || right === null) return null;
    const greedy = args.length > 3 ? first(args[3]) === true || first(args[3]) === 'true' : false;
    const src = fold(s, insensitive);
    const l = src.indexOf(fold(left, insensitive));
    if (l < 0) return '';
    const start = l + left.length;
    const r = fold(right, insensitive);
    const end = greedy ? src.lastIndexOf(r) : src.indexOf(r, start);
    if (end < start) return '';
    return s.slice(start, end);
  },

  cidrMatch: (args) => {
    const cidrs = args.slice(1).map((a) => {
      const t = text(a);
      return t === null ? null : parseCidrOnce(t);
    });
    return anyOf(args[0], (x) => {
      const t = toText(x);
      if (t === null) return null;
      const ip = parseIpOnce(t);
      if (ip === null) return false;
      return cidrs.some((c) => c !== null && cidrContains(c, ip));
    });
  },

  concat: (args) => {
    let out = '';
    for (const a of args) {
      const t = text(a);
      if (t === null) return null;
      out += t;
    }
    return out;
  },

  endsWith: (args, insensitive) => stringTest(args, insensitive, (s, n) => s.endsWith(n)),
  startsWith: (args, insensitive) => stringTest(args, insensitive, (s, n) => s.startsWith(n)),
  stringContains: (args, insensitive) => stringTest(args, insensitive, (s, n) => s.includes(n)),

  indexOf: (args, insensitive) => {
    const s = text(args[0]);
    const sub = text(args[1]);
    if (s === null || sub === null) return null;
    let from = 0;
    if (args.length > 2) {
      const f = num(args[2]);
      if (f !== null) from = Math.max(0, Math.trunc(f));
    }
    const i = fold(s, insensitive).indexOf(fold(sub, insensitive), from);
    return i < 0 ? null : i;
  },

  length: (args) => {
    const v = args[0];
    if (Array.isArray(v)) return isNullValue(v) ? null : v.length;
    const t = text(v);
    return t === null ? null : t.length;
  },

  number: (args) => {
    const t = text(args[0]);
    if (t === null) return null;
    const base = args.length > 1 ? num(args[1]) : null;
    const s = t.trim();
    if (base === null || base === 10) {
      if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) return Number.parseInt(s, 16);
      return toNumber(s);
    }
    const digits = base === 16 ? s.replace(/^([+-]?)0[xX]/, '$1') : s;
    return parseIntStrict(digits, base);
  },

  string: (args) => text(args[0]),

  substring: (args) => {
    const s = text(args[0]);
    if (s === null) return null;
    const start = num(args[1]) ?? 0;
    const endArg = args.length > 2 ? num(args[2]) : null;
    const a = sliceBound(Math.trunc(start), s.length);
    const b = endArg === null ? s.length : sliceBound(Math.trunc(endArg), s.length);
    return b <= a ? '' : s.slice(a, b);
  },
};
