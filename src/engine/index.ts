export { valueNeed } from './eql-index.js';
export { EqlRunner, type EqlRunnerOptions } from './eql-runner.js';
export { stageEvent, stageRecord } from './kept-records.js';
export type {
  ChunkJob,
  ChunkResult,
  CompilableRule,
  EventFilter,
  EventSnapshot,
  HitRenderer,
  PostedInit,
  RawHit,
  RenderedHit,
  RendererFactory,
  StageRecord,
  WorkerInit,
} from './messages.js';
export {
  moveDetections,
  type PackedDetections,
  packDetections,
  type SigmaRuleMeta,
  unpackDetection,
} from './packed-detections.js';
export { correlationMeta, loadRuleSet, type RuleSet, type RuleSetOptions } from './ruleset.js';
export { RunLines } from './run-lines.js';
export { Scanner, type ScannerOptions } from './scanner.js';
export type { RecordFormat } from './sigma-engine.js';
export { type CompiledSigma, type CompileOptions, compileSigma } from './sigma-engine.js';
export { type SpillOptions, SpillSorter } from './spill-sort.js';
export { TextShelf } from './text-bytes.js';
export {
  type CarriedWindows,
  type SequenceHit,
  TimeOrderedMatchers,
  type TimeOrderedResults,
} from './time-ordered.js';
export { serveChunks } from './worker-loop.js';
