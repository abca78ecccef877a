export { hashFiles, hex64, openEntry, pruneEntries, writeEntry } from './cache-files.js';
export { type Host, hostStdin, onInterrupt, setHost } from './host.js';
export { internStrings } from './intern.js';
export { LEVELS, type Level, levelRank, parseLevel } from './levels.js';
export { scratchInt32 } from './paged.js';
export type { RuleMeta } from './rule-meta.js';
export type { RuleProblem } from './rule-problem.js';
export { type Dict, dict, dictFrom, hasKey } from './safe.js';
export { readScratch } from './scratch-read.js';
