import type { RuleMeta } from '../common/index.js';
import { parseTimespan } from './timespan.js';
import type { ConditionOp, CorrelationIR, CorrelationType } from './types.js';

/** The parts of a Sigma v1 aggregation condition (`selection | count(User) by Computer > 5`). */
export interface LegacyAggregation {
  /** The search part, before `|`: compile it as the base rule's condition. */
  search: string;
  type: CorrelationType;
  field?: string;
  groupBy: string[];
  op: ConditionOp;
  value: number;
}

const OPS: Record<string, ConditionOp> = {
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
  '=': 'eq',
  '==': 'eq',
  '!=': 'neq',
};

const AGG =
  /^\s*(count|sum|avg|min|max)\s*\(\s*([A-Za-z0-9_.-]*)\s*\)\s*(?:by\s+([A-Za-z0-9_.-]+(?:\s*,\s*[A-Za-z0-9_.-]+)*)\s*)?(>=|<=|==|!=|>|<|=)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*$/i;

/**
 * Parses the aggregation of a Sigma v1 condition. Returns undefined when the condition has no
 * `|` (a plain condition), the parsed aggregation, or a refusal saying precisely why it cannot be
 * run as a correlation.
 */
export function parseLegacyAggregation(
  condition: string,
): LegacyAggregation | { refusal: string } | undefined {
  const bar = condition.indexOf('|');
  if (bar < 0) {
    if (/\bnear\b/i.test(condition))
      return { refusal: 'the v1 `near` operator is obsolete; write a temporal correlation instead' };
    return undefined;
  }
  const search = condition.slice(0, bar).trim();
  const tail = condition.slice(bar + 1);
  if (/^\s*near\b/i.test(tail))
    return { refusal: 'the v1 `near` operator is obsolete; write a temporal correlation instead' };
  if (search === '') return { refusal: 'the aggregation has no search before `|`' };
  if (tail.includes('|')) return { refusal: 'only one `|` aggregation is allowed in a condition' };
  const m = AGG.exec(tail);
  if (!m)
    return {
      refusal:
        `cannot read the aggregation \`${tail.trim()}\`; ` +
        'expected `count([field]) [by field] <op> N` or sum/avg(field), op one of > >= < <= == !=',
    };
  const fn = m[1]!.toLowerCase();
  const field = m[2] || undefined;
  const groupBy = m[3] ? m[3].split(',').map((s) => s.trim()) : [];
  const op = OPS[m[4]!]!;
  const value = Number(m[5]);
  let type: CorrelationType;
  if (fn === 'count') type = field === undefined ? 'event_count' : 'value_count';
  else if (fn === 'sum') type = 'value_sum';
  else if (fn === 'avg') type = 'value_avg';
  else
    return {
      refusal: `\`${fn}()\` has no Sigma correlation equivalent (event_count, value_count, value_sum and value_avg do)`,
    };
  if (fn !== 'count' && field === undefined) return { refusal: `\`${fn}()\` needs a field` };
  return { search, type, ...(field !== undefined ? { field } : {}), groupBy, op, value };
}

/** The rule a v1 aggregation belongs to (what the loader knows of it). */
export interface LegacyRuleMeta extends RuleMeta {
  name?: string;
  line?: number;
}

export interface LegacyTranslation {
  /** Id for the base rule the loader builds from the same detection with `condition: search`. */
  baseId: string;
  search: string;
  /** The equivalent correlation: it keeps the rule's id, title and level and suppresses the base rule. */
  rule: CorrelationIR;
}

/**
 * Translates a v1 aggregation rule into a base rule (the search) plus an equivalent correlation
 * reading it (`generate: false`). Refuses when there is no `timeframe`: v1 then aggregates over the
 * whole search period, which a streaming engine with bounded memory does not reproduce exactly.
 */
export function translateLegacyAggregation(
  meta: LegacyRuleMeta,
  condition: string,
  timeframe: string | undefined,
): LegacyTranslation | { refusal: string } | undefined {
  const agg = parseLegacyAggregation(condition);
  if (agg === undefined || 'refusal' in agg) return agg;
  if (timeframe === undefined)
    return {
      refusal:
        'the aggregation has no `timeframe`: Sigma v1 then counts over the whole input, which spoor does ' +
        'not do; add a timeframe or write a correlation rule',
    };
  const timespanMs = parseTimespan(timeframe);
  if (timespanMs === undefined)
    return {
      refusal: `timeframe \`${timeframe}\` is not a positive number followed by one of s m h d w M y`,
    };
  const baseId = `${meta.id}/search`;
  const rule: CorrelationIR = {
    id: meta.id,
    ...(meta.name !== undefined ? { name: meta.name } : {}),
    title: meta.title,
    level: meta.level,
    status: meta.status,
    tags: meta.tags,
    path: meta.path,
    ...(meta.line !== undefined ? { line: meta.line } : {}),
    type: agg.type,
    rules: [baseId],
    groupBy: agg.groupBy,
    timespanMs,
    timespan: timeframe,
    condition: [{ op: agg.op, value: agg.value }],
    ...(agg.field !== undefined ? { field: agg.field } : {}),
    aliases: Object.create(null),
    generate: false,
  };
  return { baseId, search: agg.search, rule };
}
