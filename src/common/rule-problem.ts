/** A rule that could not be loaded (or loaded with a caveat): where, which, and precisely why. */
export interface RuleProblem {
  file: string;
  line?: number;
  column?: number;
  id?: string;
  title?: string;
  severity: 'error' | 'warning';
  reason: string;
}
