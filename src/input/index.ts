export type { Warning } from '../event/index.js';
export { ChunkBuffers } from './chunk-buffers.js';
export { discoverInputs, isInputName, problemFiles } from './discover.js';
export { chunkCapacity, readChunks } from './read.js';
export type { Chunk, InputFile, InputProblem, ReadOptions } from './types.js';
