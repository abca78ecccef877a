export { type CompiledSigma, type CompileOptions, compileSigma } from './sigma-engine.js';
export type { ChunkJob, ChunkResult, EventFilter, EventSnapshot, RawHit, WorkerInit } from './messages.js';
export { Scanner } from './scanner.js';
