import { type Level, levelRank, type RuleMeta } from '../common/index.js';

export interface RuleFilterOptions {
  minLevel?: Level;
  levels?: Level[];
  /** Statuses to keep; undefined = every status but deprecated and unsupported. */
  statuses?: string[];
  tags?: string[];
  excludeTags?: string[];
  ruleIds?: string[];
  excludeRuleIds?: string[];
}

export type FilterableRule = Pick<RuleMeta, 'id' | 'level' | 'status' | 'tags'>;

const DEFAULT_EXCLUDED_STATUS = new Set(['deprecated', 'unsupported']);

function tagMatches(ruleTags: string[], wanted: string[]): boolean {
  const lower = ruleTags.map((t) => t.toLowerCase());
  // `attack.t1059` also selects its sub-techniques (`attack.t1059.001`).
  return wanted.some((w) => lower.some((t) => t === w || t.startsWith(`${w}.`)));
}

/** Whether a rule passes the Rules/Filters options of `spoor hunt`. */
export function keepRule(rule: FilterableRule, f: RuleFilterOptions): boolean {
  if (f.minLevel && levelRank(rule.level) < levelRank(f.minLevel)) return false;
  if (f.levels && !f.levels.includes(rule.level)) return false;
  const status = rule.status.toLowerCase();
  if (f.statuses ? !f.statuses.includes(status) : DEFAULT_EXCLUDED_STATUS.has(status)) return false;
  if (f.tags?.length && !tagMatches(rule.tags, f.tags)) return false;
  if (f.excludeTags?.length && tagMatches(rule.tags, f.excludeTags)) return false;
  const id = rule.id.toLowerCase();
  if (f.ruleIds?.length && !f.ruleIds.includes(id)) return false;
  if (f.excludeRuleIds?.includes(id)) return false;
  return true;
}
