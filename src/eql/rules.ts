import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Level, lazyModule, parseLevel, type RuleProblem } from '../common/index.js';
import type { EqlQuery } from './ast.js';
import { EqlSyntaxError } from './errors.js';
import { parseEql } from './parser.js';

const toml = lazyModule<typeof import('smol-toml')>('smol-toml');

/** A loaded EQL rule: plain, JSON-serialisable data that workers compile with `compileEql`. */
export interface EqlRuleIR {
  id: string;
  title: string;
  level: Level;
  riskScore?: number;
  tags: string[];
  /** The rule file, or `--eql[N]` for a query given on the command line. */
  path: string;
  query: string;
  ast: EqlQuery;
}

/** Same shape as the Sigma loader's problems, so the CLI reports both alike. */
export type EqlRuleProblem = RuleProblem;

export interface EqlLoadResult {
  rules: EqlRuleIR[];
  problems: EqlRuleProblem[];
}

type TomlTable = Record<string, unknown>;

function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

async function collectFiles(path: string, out: string[], problems: EqlRuleProblem[]): Promise<void> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (e) {
    problems.push({ file: path, severity: 'error', reason: `cannot read: ${(e as Error).message}` });
    return;
  }
  if (info.isDirectory()) {
    const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const e of entries) {
      const child = join(path, e.name);
      if (e.isDirectory()) await collectFiles(child, out, problems);
      else if (e.name.endsWith('.toml')) out.push(child);
    }
  } else {
    out.push(path);
  }
}

/** ATT&CK tags from `[[rule.threat]]`: `attack.ta0008`, `attack.t1021`, `attack.t1021.006`. */
function threatTags(threat: unknown): string[] {
  const tags: string[] = [];
  if (!Array.isArray(threat)) return tags;
  const add = (id: unknown): void => {
    if (typeof id === 'string' && id !== '') {
      const t = `attack.${id.toLowerCase()}`;
      if (!tags.includes(t)) tags.push(t);
    }
  };
  for (const th of threat) {
    if (!isTable(th)) continue;
    if (isTable(th.tactic)) add(th.tactic.id);
    for (const tech of Array.isArray(th.technique) ? th.technique : []) {
      if (!isTable(tech)) continue;
      add(tech.id);
      for (const sub of Array.isArray(tech.subtechnique) ? tech.subtechnique : []) {
        if (isTable(sub)) add(sub.id);
      }
    }
  }
  return tags;
}

/** 1-based line in the file where the query text starts (after `query = '''` and its newline). */
function queryStartLine(text: string): number | undefined {
  const m = /^\s*query\s*=\s*("""|'''|"|')(\r?\n)?/m.exec(text);
  if (m === null) return undefined;
  const before = text.slice(0, m.index + m[0].length);
  return before.split('\n').length;
}

/** Turns one detection-rules TOML document into a rule, or a problem saying why not. */
export function eqlRuleFromToml(text: string, file: string): EqlRuleIR | EqlRuleProblem {
  let doc: TomlTable;
  try {
    doc = toml().parse(text) as TomlTable;
  } catch (e) {
    const err = e as Error & { line?: number; column?: number };
    return {
      file,
      line: err.line,
      column: err.column,
      severity: 'error',
      reason: `invalid TOML: ${err.message.split('\n')[0]}`,
    };
  }
  const rule = doc.rule;
  if (!isTable(rule)) return { file, severity: 'error', reason: 'no [rule] table' };
  const id = str(rule.rule_id);
  const title = str(rule.name);
  const base = { file, id, title, severity: 'error' as const };
  const language = str(rule.language) ?? str(rule.type);
  if (language !== 'eql') {
    return {
      ...base,
      reason: `rule language is '${language ?? 'unset'}', not eql (only EQL rules are supported)`,
    };
  }
  const query = str(rule.query);
  if (query === undefined || query.trim() === '') return { ...base, reason: 'rule.query is missing' };
  if (id === undefined) return { ...base, reason: 'rule.rule_id is missing' };
  if (title === undefined) return { ...base, reason: 'rule.name is missing' };
  const severity = str(rule.severity);
  const level = severity === undefined ? undefined : parseLevel(severity);
  if (level === undefined) return { ...base, reason: `rule.severity '${severity ?? ''}' is not a level` };
  let ast: EqlQuery;
  try {
    ast = parseEql(query);
  } catch (e) {
    if (!(e instanceof EqlSyntaxError)) throw e;
    const start = queryStartLine(text);
    return {
      ...base,
      line: start === undefined ? undefined : start + e.line - 1,
      column: e.column,
      reason: `EQL: ${e.reason} (query line ${e.line}, column ${e.column})`,
    };
  }
  const tags: string[] = Array.isArray(rule.tags)
    ? rule.tags.filter((t): t is string => typeof t === 'string')
    : [];
  for (const t of threatTags(rule.threat)) if (!tags.includes(t)) tags.push(t);
  const risk = rule.risk_score;
  return {
    id,
    title,
    level,
    ...(typeof risk === 'number' ? { riskScore: risk } : {}),
    tags,
    path: file,
    query: query.replace(/^\s*\n|\n\s*$/g, ''),
    ast,
  };
}

function isRule(r: EqlRuleIR | EqlRuleProblem): r is EqlRuleIR {
  return Object.hasOwn(r, 'ast');
}

/**
 * Loads Elastic detection-rules TOML files (directories are searched for `*.toml`).
 * Rules in another language, or whose query is not valid Elastic EQL, become problems.
 */
export async function loadEqlRules(paths: string[]): Promise<EqlLoadResult> {
  const problems: EqlRuleProblem[] = [];
  const files: string[] = [];
  for (const p of paths) await collectFiles(p, files, problems);
  const rules: EqlRuleIR[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      problems.push({ file, severity: 'error', reason: `cannot read: ${(e as Error).message}` });
      continue;
    }
    let r: ReturnType<typeof eqlRuleFromToml>;
    try {
      r = eqlRuleFromToml(text, file);
    } catch (e) {
      // An exception nobody foresaw (a hostile rule, a bug) costs this rule only.
      problems.push({
        file,
        severity: 'error',
        reason: `rule could not be loaded (${e instanceof Error ? e.message : String(e)})`,
      });
      continue;
    }
    if (!isRule(r)) {
      problems.push(r);
      continue;
    }
    const other = seen.get(r.id);
    if (other !== undefined) {
      problems.push({
        file,
        id: r.id,
        title: r.title,
        severity: 'warning',
        reason: `duplicate rule_id (also in ${other})`,
      });
    }
    seen.set(r.id, file);
    rules.push(r);
  }
  return { rules, problems };
}

/** A rule for an ad-hoc `--eql 'QUERY'` (index counts from 1); throws EqlSyntaxError. */
export function eqlRuleFromQuery(query: string, index: number): EqlRuleIR {
  const ast = parseEql(query);
  const oneLine = query.replace(/\s+/g, ' ').trim();
  return {
    id: `eql-query-${index}`,
    title: oneLine.length > 80 ? `${oneLine.slice(0, 77)}...` : oneLine,
    level: 'medium',
    tags: [],
    path: `--eql[${index}]`,
    query,
    ast,
  };
}
