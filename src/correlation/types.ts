import type { Level, RuleMeta, RuleProblem } from '../common/index.js';

export const CORRELATION_TYPES = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
] as const;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];

/** Types whose condition tests an aggregate of `field` (value_count and the numeric ones). */
export const FIELD_TYPES: readonly CorrelationType[] = [
  'value_count',
  'value_sum',
  'value_avg',
  'value_percentile',
];

export const CONDITION_OPS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** One `op: threshold` entry of a correlation condition. Entries are AND-ed. */
export interface ConditionTest {
  op: ConditionOp;
  value: number;
}

/** A problem found while parsing or resolving correlations (same shape as the Sigma loader's problems). */
export type CorrelationProblem = RuleProblem;

/**
 * A parsed correlation document: plain, JSON-serialisable data.
 * `rules` and the rule keys of `aliases` are references as written (an id or a name).
 */
export interface CorrelationIR extends RuleMeta {
  /** (`id`: the document's `id`; when it has none, its `name`, else `<path>#<title>`.) */
  name?: string;
  description?: string;
  line?: number;
  type: CorrelationType;
  rules: string[];
  /** Field (or alias) names; empty means one group for every match. */
  groupBy: string[];
  timespanMs: number;
  /** The timespan as written (`5m`). */
  timespan: string;
  /** AND of tests. For temporal types without a condition: `gte` the number of distinct rules. */
  condition: ConditionTest[];
  /** The aggregated field (value_* types only). May be an alias name. */
  field?: string;
  /** value_percentile only: the percentile (0–100), nearest-rank. */
  percentile?: number;
  /** alias name → (rule reference as written → event field name). */
  aliases: Record<string, Record<string, string>>;
  generate: boolean;
}

/** Where an event was read: file and byte offset (XML) or 1-based line (NDJSON). */
export interface MatchSource {
  file: string;
  offset?: number;
  line?: number;
}

/**
 * What a worker sends the main thread for one base-rule match. Plain and serialisable.
 * `fields` holds only the fields the plan asks for this rule (`plan.fieldsByRule[ruleId]`);
 * an absent or empty field is left out.
 */
export interface BaseMatch {
  ruleId: string;
  /** Milliseconds since the epoch (UTC). NaN: the event has no time and cannot be windowed. */
  timestamp: number;
  fields: Record<string, string>;
  hitId: string;
  source: MatchSource;
}

/** One member of a correlation hit: a base-rule match or the hit of an inner correlation. */
export interface HitMember {
  ruleId: string;
  hitId: string;
  timestamp: number;
  source: MatchSource | null;
}

/** A correlation hit, in engine form (see `toHitRecord` for the JSONL contract). */
export interface CorrelationHit {
  ruleId: string;
  title: string;
  level: Level;
  tags: string[];
  path: string;
  type: CorrelationType;
  /** Time of the first member of the window (ms). */
  timestamp: number;
  /** Time of the match that completed the window (ms); also the hit's time when fed to a chain. */
  endTimestamp: number;
  /** group-by name → value (null: the field was absent). */
  group: Record<string, string | null>;
  /** event_count, temporal and temporal_ordered (distinct rules or ordered prefix length). */
  count?: number;
  /** value_count (distinct values), value_sum, value_avg, value_percentile. */
  value?: number;
  /** Members in time order, at most `maxEvents` of them. */
  events: HitMember[];
  /** How many members the window held. */
  eventsTotal: number;
  /** groupHitId(rule id, every member's hit id): stable across runs, thread counts and file splits. */
  hitId: string;
}

/** How one input of a correlation reads the fields it needs from that input's matches. */
export interface InputFields {
  /** Field name to read for each `groupBy` entry (aliases resolved), same order. */
  groupBy: string[];
  /** Field name to read for the value (value_* types). */
  value?: string;
}

/** A correlation ready to run: references resolved to rule ids. */
export interface PlannedCorrelation extends CorrelationIR {
  /** Referenced rule ids (base or correlation), in the order of `rules`. */
  inputs: string[];
  /** Input rule id → how to read its matches. */
  fieldsByInput: Record<string, InputFields>;
}

/** The evaluation plan: plain data, safe to send to workers. */
export interface CorrelationPlan {
  /** Correlations in dependency order: every correlation comes after those it reads. */
  correlations: PlannedCorrelation[];
  /** Base rule ids whose matches the engine needs. */
  baseRules: string[];
  /** Base rule id → event fields the worker must copy into `BaseMatch.fields`. */
  fieldsByRule: Record<string, string[]>;
  /** Rule ids (base and correlation) whose own hits are not output (`generate: false`). */
  suppressed: string[];
}

export interface ResolveResult {
  plan: CorrelationPlan;
  problems: CorrelationProblem[];
}

export interface EngineOptions {
  /** Members listed per hit (the total is always given). Default 100. */
  maxEvents?: number;
}

export interface EngineStats {
  /** Matches accepted. */
  matches: number;
  /** Matches dropped because their time was earlier than a match already pushed. */
  outOfOrder: number;
  /** Matches dropped because they carry no time. */
  untimed: number;
  /** Matches a value_* correlation ignored: the field was absent or (numeric types) not a number. */
  noValue: number;
  /** Groups currently open across all correlations. */
  openGroups: number;
  /** Matches currently held in open windows. */
  heldMatches: number;
}
