export type { Warning } from '../event/index.js';
export { discoverInputs, isInputName } from './discover.js';
export { readChunks } from './read.js';
export type { Chunk, InputFile, InputProblem, ReadOptions } from './types.js';
