export { parseCondition } from './condition.js';
export { detachDetection } from './detection-text.js';
export { cacheDir } from './ir-cache.js';
export { describeLogsource, loadSigma } from './loader.js';
export {
  type Anchor,
  decodeLiteral,
  detectionRequirement,
  encodeLiteral,
  MAX_CLAUSES,
  sourceClauses,
  usefulLiteral,
} from './requirement.js';
export type {
  ConditionIR,
  DetectionIR,
  FieldItem,
  LoadOptions,
  LoadResult,
  LogsourceIR,
  NumOp,
  RuleProblem,
  SelectionIR,
  SigmaRuleIR,
  StrOp,
  TimePart,
  ValueTest,
} from './types.js';
