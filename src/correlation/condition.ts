import { CONDITION_OPS, type ConditionOp, type ConditionTest } from './types.js';

export function isConditionOp(key: string): key is ConditionOp {
  return (CONDITION_OPS as readonly string[]).includes(key);
}

/** True when the aggregate passes every test (the tests are AND-ed). */
export function testCondition(tests: readonly ConditionTest[], x: number): boolean {
  for (const t of tests) {
    switch (t.op) {
      case 'gt':
        if (!(x > t.value)) return false;
        break;
      case 'gte':
        if (!(x >= t.value)) return false;
        break;
      case 'lt':
        if (!(x < t.value)) return false;
        break;
      case 'lte':
        if (!(x <= t.value)) return false;
        break;
      case 'eq':
        if (x !== t.value) return false;
        break;
      case 'neq':
        if (x === t.value) return false;
        break;
    }
  }
  return true;
}

/**
 * True when no number can satisfy every test (for example `gt: 10` with `lt: 5`).
 * Checks the bounds and equalities; `neq` alone never makes a condition empty.
 */
export function isUnsatisfiable(tests: readonly ConditionTest[]): boolean {
  let lo = Number.NEGATIVE_INFINITY;
  let loOpen = false;
  let hi = Number.POSITIVE_INFINITY;
  let hiOpen = false;
  for (const t of tests) {
    if (t.op === 'gt' || t.op === 'gte') {
      const open = t.op === 'gt';
      if (t.value > lo || (t.value === lo && open)) {
        lo = t.value;
        loOpen = open;
      }
    } else if (t.op === 'lt' || t.op === 'lte') {
      const open = t.op === 'lt';
      if (t.value < hi || (t.value === hi && open)) {
        hi = t.value;
        hiOpen = open;
      }
    }
  }
  if (lo > hi || (lo === hi && (loOpen || hiOpen))) return true;
  const eqs = tests.filter((t) => t.op === 'eq');
  for (const e of eqs) if (!testCondition(tests, e.value)) return true;
  return false;
}

/** `gte 10, lt 20` style text for messages and docs. */
export function describeCondition(tests: readonly ConditionTest[]): string {
  return tests.map((t) => `${t.op} ${t.value}`).join(', ');
}
