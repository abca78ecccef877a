import type { RuleMeta, RuleProblem } from '../common/index.js';
import type { CorrelationIR } from '../correlation/index.js';
import type { SourceSpec } from '../mapping/index.js';

/** How a string test compares: the wildcard pattern reduced to the cheapest operation. */
export type StrOp = 'eq' | 'prefix' | 'suffix' | 'contains' | 'glob';
export type NumOp = 'eq' | 'lt' | 'lte' | 'gt' | 'gte';
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/**
 * One test of one value. Strings are already lower-cased unless `cased`; for `glob`, `value` is
 * the source of an anchored regular expression over the (lower-cased) field value.
 * `lit` is a substring every matching field value contains (lower-cased), when one exists.
 */
export type ValueTest =
  | { t: 'str'; op: StrOp; value: string; cased: boolean; lit?: string }
  | { t: 're'; source: string; flags: string; lit?: string }
  | { t: 'num'; op: NumOp; value: number }
  | { t: 'cidr'; cidr: string }
  | { t: 'null' }
  | { t: 'exists'; value: boolean }
  | { t: 'ref'; field: string; op: Exclude<StrOp, 'glob'>; cased: boolean }
  | { t: 'time'; part: TimePart; op: NumOp; value: number };

/**
 * One `field|modifiers: values` entry. `values` holds one group per value written in the rule;
 * a group is the OR of the alternatives a value expands into (windash, base64offset, expand).
 * Groups are OR-ed, or AND-ed with `all`. `neg` (the `neq` modifier) negates the whole item.
 * `field` is null for keyword searches over every field value.
 */
export interface FieldItem {
  field: string | null;
  values: ValueTest[][];
  all: boolean;
  neg: boolean;
}

/** A search identifier: an OR of maps, each map an AND of items. */
export interface SelectionIR {
  name: string;
  maps: FieldItem[][];
}

export type ConditionIR =
  | { t: 'sel'; i: number }
  | { t: 'and'; c: ConditionIR[] }
  | { t: 'or'; c: ConditionIR[] }
  | { t: 'not'; c: ConditionIR };

export interface DetectionIR {
  selections: SelectionIR[];
  condition: ConditionIR;
}

export interface LogsourceIR {
  product?: string;
  category?: string;
  service?: string;
  definition?: string;
}

/** A loaded Sigma rule: plain, JSON-serialisable data that each worker compiles. */
export interface SigmaRuleIR extends RuleMeta {
  name?: string;
  /** 1-based line of the rule document in its file. */
  line: number;
  logsource: LogsourceIR;
  author?: string;
  description?: string;
  falsepositives?: string[];
  references?: string[];
  date?: string;
  modified?: string;
  fields?: string[];
  detection: DetectionIR;
  /** Event sources the rule runs against (channel/event-id preconditions, field renames). */
  sources: SourceSpec[];
  /**
   * For each source, the literal clauses every event the rule matches satisfies (each clause: one
   * of its lower-cased literals occurs in some value), for the pre-filter; see requirement.ts.
   */
  requirements?: string[][][];
  /** Event ids the detection itself requires (null when any id can match). */
  eventIds: string[] | null;
  /** Every field name the detection reads (keyword searches read all fields and are not listed). */
  reads: string[];
  /** Filter documents applied to this rule (titles). */
  filters?: string[];
}

export type { RuleProblem };

export interface LoadOptions {
  /** Placeholder values for the `expand` modifier: name (without %) → values. */
  expand?: Record<string, string[]>;
  /** Match on detection alone, without logsource preconditions. */
  ignoreLogsource?: boolean;
  /** Use the IR cache (default true; `SPOOR_RULE_CACHE=off` also turns it off). */
  cache?: boolean;
}

export interface LoadResult {
  rules: SigmaRuleIR[];
  problems: RuleProblem[];
  files: number;
  /**
   * Correlation rules met while loading, parsed but not yet resolved against the base rules
   * (references may point into other files): v2 correlation documents and v1 aggregation rules
   * (`selection | count() by X > N`) translated into their equivalent correlation.
   */
  correlations: CorrelationIR[];
}
