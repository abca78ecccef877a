export type {
  CompareOp,
  EqlQuery,
  EventFilter,
  EventQuery,
  Expr,
  JoinKeyField,
  MatchOp,
  Pipe,
  SampleQuery,
  SequenceQuery,
  SequenceStage,
} from './ast.js';
export { type CompiledEql, compileEql, type JoinKey, type StageHit } from './compile.js';
export { type CompileOptions, compilePredicate, compileValue, type FieldType } from './compile-expr.js';
export { EqlSyntaxError } from './errors.js';
export { parseEql } from './parser.js';
export {
  type EqlLoadResult,
  type EqlRuleIR,
  type EqlRuleProblem,
  eqlRuleFromQuery,
  eqlRuleFromToml,
  loadEqlRules,
} from './rules.js';
export { applyPipes, SequenceMachine, type SequenceResult, type StageMatch } from './sequence.js';
export type { FieldData, FieldSource, Scalar } from './values.js';
