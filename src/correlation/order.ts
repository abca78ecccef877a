import type { BaseMatch } from './types.js';

/**
 * The order the engine must be fed in: time, then file name, then byte offset or line.
 * Sorting the matches of every worker with it makes the hits independent of thread count and of
 * how the events are split across files (as long as each event is read from one place).
 */
export function compareMatches(a: BaseMatch, b: BaseMatch): number {
  if (a.timestamp !== b.timestamp) return a.timestamp - b.timestamp;
  if (a.source.file !== b.source.file) return a.source.file < b.source.file ? -1 : 1;
  const pa = a.source.offset ?? a.source.line ?? 0;
  const pb = b.source.offset ?? b.source.line ?? 0;
  if (pa !== pb) return pa - pb;
  return a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0;
}
