import { parse as parseYaml } from 'yaml';
import {
  type BaseMatch,
  CorrelationEngine,
  type CorrelationHit,
  type CorrelationIR,
  parseCorrelation,
  resolveCorrelations,
} from '../../src/correlation/index.js';

export const T0 = Date.UTC(2024, 2, 1, 10, 0, 0);
export const SEC = 1000;
export const MIN = 60 * SEC;

/** Parses one correlation written in YAML; fails the test on any error. */
export function corr(yamlText: string, file = 'inline.yml'): CorrelationIR {
  const { rule, problems } = parseCorrelation(parseYaml(yamlText) as Record<string, unknown>, file, 1);
  const errors = problems.filter((p) => p.severity === 'error');
  if (!rule || errors.length > 0) throw new Error(`parse failed: ${errors.map((p) => p.reason).join('; ')}`);
  return rule;
}

let seq = 0;

/** A base match: `at` is an offset from T0 in ms. */
export function match(ruleId: string, at: number, fields: Record<string, string> = {}): BaseMatch {
  seq++;
  return { ruleId, timestamp: T0 + at, fields, hitId: `h${seq}`, source: { file: 'mem.xml', offset: seq } };
}

/** Builds an engine over correlations and base rules, pushes the matches (sorted by time), returns hits. */
export function run(
  corrs: CorrelationIR[],
  baseIds: string[],
  matches: BaseMatch[],
): { hits: CorrelationHit[]; engine: CorrelationEngine } {
  const { plan, problems } = resolveCorrelations(
    corrs,
    baseIds.map((id) => ({ id, name: id })),
  );
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new Error(`resolve failed: ${errors.map((p) => p.reason).join('; ')}`);
  const engine = new CorrelationEngine(plan);
  const sorted = [...matches].sort((a, b) => a.timestamp - b.timestamp);
  const hits: CorrelationHit[] = [];
  for (const m of sorted) hits.push(...engine.push(m));
  return { hits, engine };
}
