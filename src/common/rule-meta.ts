import type { Level } from './levels.js';

/** What every rule kind (Sigma, correlation, EQL) carries for filtering and for hit records. */
export interface RuleMeta {
  id: string;
  title: string;
  level: Level;
  status: string;
  tags: string[];
  /** The rule file as given (relative when the input path was relative). */
  path: string;
}
