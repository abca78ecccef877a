import type { CompareExpr, Expr, InExpr, MatchExpr } from './ast.js';
import { divideNumbers, FUNCTIONS } from './functions.js';
import { luceneToRegExp } from './regex.js';
import {
  anyOf,
  compareScalars,
  compareVersions,
  type FieldSource,
  first,
  isNullValue,
  not,
  type Scalar,
  type ScalarOrder,
  type Tri,
  toNumber,
  toText,
  truth,
  type Value,
} from './values.js';
import { compileWildcards, type TextTest } from './wildcard.js';

export type Evaluator = (src: FieldSource) => Value;
export type Predicate = (src: FieldSource) => Tri;

/** Field types that change how values compare (Elasticsearch mapping types). */
export type FieldType = 'version';

export interface CompileOptions {
  /** Fields to compare with a type other than their literal one, e.g. `{ version: 'version' }`. */
  fieldTypes?: Readonly<Record<string, FieldType>>;
}

function isFloatExpr(e: Expr): boolean {
  if (e.type === 'literal') return e.float === true;
  if (e.type === 'arith') return isFloatExpr(e.left) || isFloatExpr(e.right);
  if (e.type === 'neg') return isFloatExpr(e.expr);
  return false;
}

function fieldType(e: Expr, opts: CompileOptions): FieldType | undefined {
  if (e.type !== 'field' || opts.fieldTypes === undefined) return undefined;
  return Object.hasOwn(opts.fieldTypes, e.path) ? opts.fieldTypes[e.path] : undefined;
}

function isNullLiteral(e: Expr): boolean {
  return e.type === 'literal' && e.value === null;
}

function compileCompare(e: CompareExpr, opts: CompileOptions): Predicate {
  if (isNullLiteral(e.left) || isNullLiteral(e.right)) {
    const other = compileValue(isNullLiteral(e.left) ? e.right : e.left, opts);
    if (e.op === '==') return (src) => isNullValue(other(src));
    if (e.op === '!=') return (src) => !isNullValue(other(src));
    return () => null;
  }
  const left = compileValue(e.left, opts);
  const right = compileValue(e.right, opts);
  const order: ScalarOrder =
    fieldType(e.left, opts) === 'version' || fieldType(e.right, opts) === 'version'
      ? compareVersions
      : compareScalars;
  const test = (accept: (d: number) => boolean) => (src: FieldSource) => {
    const b = right(src);
    return anyOf(left(src), (x) =>
      anyOf(b, (y) => {
        const d = order(x, y);
        return d === null ? null : accept(d);
      }),
    );
  };
  // An absent `?optional` field stands for the null literal, so `?a == ?b` is an is-null test
  // when either is absent (Elasticsearch folds unmapped optional fields to null).
  const optLeft = e.left.type === 'field' && e.left.optional;
  const optRight = e.right.type === 'field' && e.right.optional;
  const equals = (src: FieldSource): Tri => {
    if (optLeft || optRight) {
      const a = left(src);
      const b = right(src);
      if (optLeft && isNullValue(a)) return isNullValue(b);
      if (optRight && isNullValue(b)) return isNullValue(a);
    }
    return eqTest(src);
  };
  const eqTest = test((d) => d === 0);
  switch (e.op) {
    case '==':
      return equals;
    case '!=':
      return (src) => not(equals(src));
    case '<':
      return test((d) => d < 0);
    case '<=':
      return test((d) => d <= 0);
    case '>':
      return test((d) => d > 0);
    case '>=':
      return test((d) => d >= 0);
  }
}

function compileMatch(e: MatchExpr, opts: CompileOptions): Predicate {
  const value = compileValue(e.expr, opts);
  const insensitive = e.op === ':' || e.op === 'like~' || e.op === 'regex~';
  let textTest: TextTest;
  if (e.op === 'regex' || e.op === 'regex~') {
    // Lower-casing is left to the `i` flag for regular expressions.
    const res = e.patterns.map((p) => luceneToRegExp(p, insensitive));
    textTest = (s) => res.some((re) => re.test(s));
    return (src) =>
      anyOf(value(src), (x) => {
        const t = toText(x);
        return t === null ? null : textTest(t);
      });
  }
  textTest = compileWildcards(e.patterns, insensitive);
  return (src) =>
    anyOf(value(src), (x) => {
      const t = toText(x);
      return t === null ? null : textTest(insensitive ? t.toLowerCase() : t);
    });
}

function compileIn(e: InExpr, opts: CompileOptions): Predicate {
  const value = compileValue(e.expr, opts);
  const fold = (s: string): string => (e.insensitive ? s.toLowerCase() : s);
  let member: (x: Scalar, src: FieldSource) => Tri;
  if (e.list.every((x) => x.type === 'literal')) {
    const strings = new Set<string>();
    const numbers = new Set<number>();
    const bools = new Set<boolean>();
    for (const item of e.list) {
      const v = (item as { value: Scalar }).value;
      if (typeof v === 'string') strings.add(fold(v));
      else if (typeof v === 'number') numbers.add(v);
      else if (typeof v === 'boolean') bools.add(v);
    }
    member = (x) => {
      if (typeof x === 'string') {
        if (strings.has(fold(x))) return true;
        if (numbers.size > 0) {
          const n = toNumber(x);
          if (n !== null && numbers.has(n)) return true;
        }
        if (bools.size > 0 && (x === 'true' || x === 'false')) return bools.has(x === 'true');
        return false;
      }
      if (typeof x === 'number') return numbers.has(x) || strings.has(String(x));
      if (typeof x === 'boolean') return bools.has(x) || strings.has(String(x));
      return null;
    };
  } else {
    const items = e.list.map((x) => compileValue(x, opts));
    member = (x, src) => {
      let sawNull = false;
      for (const item of items) {
        const r = anyOf(item(src), (y) => {
          if (typeof x === 'string' && typeof y === 'string') return fold(x) === fold(y);
          const d = compareScalars(x, y);
          return d === null ? null : d === 0;
        });
        if (r === true) return true;
        if (r === null) sawNull = true;
      }
      return sawNull ? null : false;
    };
  }
  const test: Predicate = (src) => anyOf(value(src), (x) => member(x, src));
  return e.negated ? (src) => not(test(src)) : test;
}

/** Compiles an expression used as a condition: true, false or null (no match). */
export function compilePredicate(e: Expr, opts: CompileOptions = {}): Predicate {
  switch (e.type) {
    case 'and': {
      const args = e.args.map((a) => compilePredicate(a, opts));
      return (src) => {
        let sawNull = false;
        for (const a of args) {
          const r = a(src);
          if (r === false) return false;
          if (r === null) sawNull = true;
        }
        return sawNull ? null : true;
      };
    }
    case 'or': {
      const args = e.args.map((a) => compilePredicate(a, opts));
      return (src) => {
        let sawNull = false;
        for (const a of args) {
          const r = a(src);
          if (r === true) return true;
          if (r === null) sawNull = true;
        }
        return sawNull ? null : false;
      };
    }
    case 'not': {
      const inner = compilePredicate(e.expr, opts);
      return (src) => not(inner(src));
    }
    case 'compare':
      return compileCompare(e, opts);
    case 'match':
      return compileMatch(e, opts);
    case 'in':
      return compileIn(e, opts);
    case 'literal': {
      const t = truth(e.value);
      return () => t;
    }
    default: {
      const v = compileValue(e, opts);
      return (src) => truth(v(src));
    }
  }
}

/** Compiles an expression to the value it yields for an event. */
export function compileValue(e: Expr, opts: CompileOptions = {}): Evaluator {
  switch (e.type) {
    case 'literal': {
      const v = e.value;
      return () => v;
    }
    case 'field': {
      const path = e.path;
      return (src) => src.get(path) ?? null;
    }
    case 'neg': {
      const inner = compileValue(e.expr, opts);
      return (src) => {
        const n = toNumber(first(inner(src)));
        return n === null ? null : -n;
      };
    }
    case 'arith': {
      const l = compileValue(e.left, opts);
      const r = compileValue(e.right, opts);
      const float = isFloatExpr(e.left) || isFloatExpr(e.right);
      const op = e.op;
      return (src) => {
        const a = toNumber(first(l(src)));
        const b = toNumber(first(r(src)));
        if (a === null || b === null) return null;
        switch (op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            return divideNumbers(a, b, float);
          case '%':
            return b === 0 ? null : a % b;
        }
      };
    }
    case 'call': {
      const impl = FUNCTIONS[e.name];
      const args = e.args.map((a) => compileValue(a, opts));
      const floats = e.args.map(isFloatExpr);
      const insensitive = e.insensitive;
      return (src) =>
        impl(
          args.map((a) => a(src)),
          insensitive,
          floats,
        );
    }
    default: {
      const p = compilePredicate(e, opts);
      return (src) => p(src);
    }
  }
}
