import type { RuleProblem } from '../common/index.js';
import { correlationMeta, loadRuleSet, type RuleSet, type RuleSetOptions } from '../engine/index.js';
import { displayRulePath } from './paths.js';
import { keepRule, type RuleFilterOptions } from './rule-filter.js';
import { where } from './rules.js';

/** The rules a hunt runs, and which of them may produce output. */
export interface HuntRules {
  set: RuleSet;
  /** Rule ids whose hits are printed (the filters passed and `generate` does not suppress them). */
  output: Set<string>;
  /** Rules refused, counted by reason. */
  refusedByReason: Record<string, number>;
  /** Rules that run (Sigma + EQL + correlations). */
  loaded: number;
}

/** At most this many refused rules are named one by one when a hunt starts. */
const NAMED_REFUSALS = 20;

/**
 * One line per refused rule (file:line, reason, title), for stderr at the start of a hunt: a rule
 * that does not load must say where it is, not only add to a count in the summary. Past
 * NAMED_REFUSALS, one line says how many more and where to see them all. `--eql` queries are
 * reported apart (they end the hunt).
 */
export function refusalLines(problems: readonly RuleProblem[], rulePaths: readonly string[]): string[] {
  const refused = problems.filter((p) => p.severity === 'error' && !p.file.startsWith('--eql'));
  const lines = refused.slice(0, NAMED_REFUSALS).map((p) => {
    const who = p.title ? ` (${p.title})` : '';
    return `${where({ ...p, file: displayRulePath(p.file) })}: rule refused: ${p.reason}${who}`;
  });
  const more = refused.length - lines.length;
  if (more > 0) {
    // Without --rules, lint's own default is the bundled rules too.
    const quoted = rulePaths.map((r) => (/^[\w./:\\-]+$/.test(r) ? r : `'${r.replaceAll("'", "'\\''")}'`));
    const lint = ['spoor rules lint', ...quoted].join(' ');
    lines.push(`… and ${more} more refused rule${more === 1 ? '' : 's'} (\`${lint}\` names every one)`);
  }
  return lines;
}

/**
 * Loads every rule kind, then applies the Rules/Filters options. A Sigma rule that a kept
 * correlation reads still runs (its matches feed the correlation) even when the filters or
 * `generate: false` keep its own hits out of the output.
 */
export async function loadHuntRules(
  paths: string[],
  filter: RuleFilterOptions,
  opts: RuleSetOptions,
): Promise<HuntRules> {
  const set = await loadRuleSet(paths, opts);
  for (const r of set.sigma) r.path = displayRulePath(r.path);
  for (const r of set.eql) r.path = displayRulePath(r.path);
  for (const c of set.correlations.correlations) c.path = displayRulePath(c.path);
  const refusedByReason: Record<string, number> = {};
  for (const p of set.problems) {
    if (p.severity !== 'error') continue;
    refusedByReason[p.reason] = (refusedByReason[p.reason] ?? 0) + 1;
  }
  const output = new Set<string>();
  const suppressed = new Set(set.correlations.suppressed);
  const keptCorrelations = new Set<string>();
  for (const c of correlationMeta(set.correlations)) {
    if (!keepRule(c, filter)) continue;
    keptCorrelations.add(c.id);
    if (!suppressed.has(c.id)) output.add(c.id);
  }
  // Base rules (and inner correlations) that a kept correlation reads, transitively.
  const needed = new Set<string>();
  const byId = new Map(set.correlations.correlations.map((c) => [c.id, c]));
  const visit = (id: string): void => {
    needed.add(id);
    const c = byId.get(id);
    if (!c) return;
    for (const input of c.inputs) if (!needed.has(input)) visit(input);
  };
  for (const id of keptCorrelations) visit(id);
  set.correlations = {
    ...set.correlations,
    correlations: set.correlations.correlations.filter((c) => keptCorrelations.has(c.id) || needed.has(c.id)),
  };
  set.sigma = set.sigma.filter((r) => {
    const kept = keepRule(r, filter);
    if (kept && !suppressed.has(r.id)) output.add(r.id);
    return kept || needed.has(r.id);
  });
  set.eql = set.eql.filter((r) => {
    const kept = keepRule({ ...r, status: 'stable' }, filter);
    if (kept) output.add(r.id);
    return kept;
  });
  return {
    set,
    output,
    refusedByReason,
    loaded: set.sigma.length + set.eql.length + set.correlations.correlations.length,
  };
}
