/**
 * EQL runtime values and their comparison rules.
 *
 * Three-valued logic: a comparison with a null operand is null, `and`/`or` are Kleene's, and a
 * condition matches only when it is `true`. Windows events carry every value as text, so a
 * number compared with a numeric string compares as numbers, and "true"/"false" compare with
 * booleans. A field with several values (a list) satisfies a comparison when any value does.
 */

export type Scalar = string | number | boolean | null;
/** What a field can hold: a scalar or a list of scalars. */
export type FieldData = Scalar | readonly Scalar[];
/** A runtime value: a field's data or the result of an expression. */
export type Value = FieldData;

/** Whatever the evaluator reads fields from; undefined and null both mean absent. */
export interface FieldSource {
  get(name: string): FieldData | undefined;
}

export type Tri = boolean | null;

const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** The number a value stands for, or null when it is not numeric. */
export function toNumber(v: Scalar): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  return null;
}

export function toBool(v: Scalar): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}

/** The text form used by string functions and wildcard matching. */
export function toText(v: Scalar): string | null {
  if (v === null) return null;
  return typeof v === 'string' ? v : String(v);
}

/** A list value reduced to its first element (string functions read single values). */
export function first(v: Value | undefined): Scalar {
  if (v === undefined) return null;
  if (Array.isArray(v)) return (v as readonly Scalar[]).find((x) => x !== null) ?? null;
  return v as Scalar;
}

export function isNullValue(v: Value | undefined): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return (v as readonly Scalar[]).every((x) => x === null);
  return false;
}

/** Orders two scalars: negative, zero, positive; null when they are of different kinds. */
export type ScalarOrder = (a: Scalar, b: Scalar) => number | null;

export function compareScalars(a: Scalar, b: Scalar): number | null {
  if (a === null || b === null) return null;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = toNumber(a);
    const y = toNumber(b);
    if (x === null || y === null) return null;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') {
    const x = toBool(a);
    const y = toBool(b);
    if (x === null || y === null) return null;
    return x === y ? 0 : x ? 1 : -1;
  }
  return null;
}

/** Semantic-version order (Elasticsearch's `version` field type): invalid versions sort last. */
export function compareVersions(a: Scalar, b: Scalar): number | null {
  if (typeof a !== 'string' || typeof b !== 'string') return compareScalars(a, b);
  const pa = parseVersion(a);
  const pb = parseVersion(b);
  if (pa === null || pb === null) {
    if (pa !== null) return -1;
    if (pb !== null) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const n = Math.max(pa.parts.length, pb.parts.length);
  for (let i = 0; i < n; i++) {
    const d = (pa.parts[i] ?? 0) - (pb.parts[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (pa.pre === pb.pre) return 0;
  if (pa.pre === null) return 1;
  if (pb.pre === null) return -1;
  return pa.pre < pb.pre ? -1 : 1;
}

function parseVersion(s: string): { parts: number[]; pre: string | null } | null {
  const m = /^(\d+(?:\.\d+)*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(s);
  if (m === null) return null;
  return { parts: m[1].split('.').map(Number), pre: m[2] ?? null };
}

/** Applies a scalar predicate to a value: lists give true when any element does. */
export function anyOf(v: Value | undefined, test: (s: Scalar) => Tri): Tri {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v)) return test(v as Scalar);
  let sawNull = false;
  for (const x of v as readonly Scalar[]) {
    if (x === null) continue;
    const r = test(x);
    if (r === true) return true;
    if (r === null) sawNull = true;
  }
  return sawNull || (v as readonly Scalar[]).every((x) => x === null) ? null : false;
}

export function not(v: Tri): Tri {
  return v === null ? null : !v;
}

/** The truth of a value used as a condition: true, false, or null when it is not a boolean. */
export function truth(v: Value | undefined): Tri {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return anyOf(v, toBool);
  return toBool(v as Scalar);
}
