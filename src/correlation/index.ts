export { describeCondition, testCondition } from './condition.js';
export { CorrelationEngine } from './engine.js';
export {
  type LegacyAggregation,
  type LegacyRuleMeta,
  type LegacyTranslation,
  parseLegacyAggregation,
  translateLegacyAggregation,
} from './legacy.js';
export { compareMatches } from './order.js';
export { type ParseResult, parseCorrelation } from './parse.js';
export { toHitRecord } from './record.js';
export { type BaseRuleRef, resolveCorrelations } from './resolve.js';
export { parseTimespan } from './timespan.js';
export {
  type BaseMatch,
  CONDITION_OPS,
  CORRELATION_TYPES,
  type ConditionOp,
  type ConditionTest,
  type CorrelationHit,
  type CorrelationIR,
  type CorrelationPlan,
  type CorrelationProblem,
  type CorrelationType,
  type EngineOptions,
  type EngineStats,
  type HitMember,
  type InputFields,
  type MatchSource,
  type PlannedCorrelation,
  type ResolveResult,
} from './types.js';
