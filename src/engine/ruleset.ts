import { stat } from 'node:fs/promises';
import type { RuleMeta } from '../common/index.js';
import { type CorrelationPlan, resolveCorrelations } from '../correlation/index.js';
import { type EqlRuleIR, EqlSyntaxError, eqlRuleFromQuery, loadEqlRules } from '../eql/index.js';
import { loadSigma, type RuleProblem, type SigmaRuleIR } from '../sigma/index.js';

export interface RuleSetOptions {
  expand?: Record<string, string[]>;
  ignoreLogsource?: boolean;
  /** Ad-hoc EQL queries (`--eql`), run as rules. */
  eqlQueries?: string[];
}

/** Everything loaded from the rule paths, validated, as plain data workers can receive. */
export interface RuleSet {
  sigma: SigmaRuleIR[];
  eql: EqlRuleIR[];
  correlations: CorrelationPlan;
  problems: RuleProblem[];
  files: number;
}

/**
 * Loads Sigma rules (with their correlations and filters) and Elastic EQL rules from the same
 * paths, plus ad-hoc EQL queries, and resolves correlation references across all loaded files.
 */
export async function loadRuleSet(paths: string[], opts: RuleSetOptions = {}): Promise<RuleSet> {
  // Folders are searched by both loaders; a file named explicitly goes to the loader of its kind.
  const sigmaPaths: string[] = [];
  const eqlPaths: string[] = [];
  for (const p of paths) {
    const isDir = await stat(p).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (isDir || !/\.toml$/i.test(p)) sigmaPaths.push(p);
    if (isDir || /\.toml$/i.test(p)) eqlPaths.push(p);
  }
  const [sigma, eql] = await Promise.all([
    loadSigma(sigmaPaths, { expand: opts.expand, ignoreLogsource: opts.ignoreLogsource }),
    loadEqlRules(eqlPaths),
  ]);
  const problems: RuleProblem[] = [...sigma.problems, ...eql.problems];
  const eqlRules = [...eql.rules];
  (opts.eqlQueries ?? []).forEach((q, i) => {
    try {
      eqlRules.push(eqlRuleFromQuery(q, i + 1));
    } catch (err) {
      const syntax = err instanceof EqlSyntaxError;
      problems.push({
        file: `--eql[${i + 1}]`,
        line: syntax ? err.line : 1,
        column: syntax ? err.column : 1,
        severity: 'error',
        reason: syntax
          ? err.message
          : `query could not be loaded (${err instanceof Error ? err.message : String(err)})`,
      });
    }
  });
  const resolved = resolveCorrelations(
    sigma.correlations,
    sigma.rules.map((r) => (r.name === undefined ? { id: r.id } : { id: r.id, name: r.name })),
  );
  problems.push(...resolved.problems);
  return { sigma: sigma.rules, eql: eqlRules, correlations: resolved.plan, problems, files: sigma.files };
}

/** Rule metadata of each correlation in the plan, for filtering. */
export function correlationMeta(plan: CorrelationPlan): RuleMeta[] {
  return plan.correlations.map((c) => ({
    id: c.id,
    title: c.title,
    level: c.level,
    status: c.status,
    tags: c.tags,
    path: c.path,
  }));
}
