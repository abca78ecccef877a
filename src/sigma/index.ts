export { parseCondition } from './condition.js';
export { describeLogsource, loadSigma } from './loader.js';
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
