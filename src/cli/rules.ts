import { lazyModule } from '../common/index.js';
import { loadRuleSet } from '../engine/index.js';
import { escapeForTerminal } from '../output/index.js';
import { describeLogsource, type RuleProblem } from '../sigma/index.js';
import { displayRulePath } from './paths.js';

const cliTable = lazyModule<typeof import('cli-table3')>('cli-table3');

export interface RulesIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** A rule problem's place: file, then line and column when known. */
export function where(p: { file: string; line?: number; column?: number }): string {
  if (p.line === undefined) return p.file;
  return p.column === undefined ? `${p.file}:${p.line}` : `${p.file}:${p.line}:${p.column}`;
}

/** Reasons with rule-specific parts (placeholder names, field names) grouped for the summary. */
function reasonKey(reason: string): string {
  return reason
    .replace(/^YAML error: .*/, 'YAML error')
    .replace(/placeholder %[^%]*% has no value/, 'placeholder has no value')
    .replace(/filter names rule \S+, which is not loaded/, 'filter names a rule that is not loaded');
}

function problemLine(p: RuleProblem): string {
  const who = p.title ? ` (${p.title})` : '';
  return `${where(p)}: ${p.severity}: ${p.reason}${who}\n`;
}

interface Entry {
  kind: 'sigma' | 'sigma-correlation' | 'eql';
  title: string;
  level: string;
  status: string;
  logsource: string;
  file: string;
  line: number;
}

async function entries(paths: string[]): Promise<{ list: Entry[]; problems: RuleProblem[]; files: number }> {
  const set = await loadRuleSet(paths);
  for (const p of set.problems) p.file = displayRulePath(p.file);
  const list: Entry[] = [];
  for (const r of set.sigma) {
    list.push({
      kind: 'sigma',
      title: r.title,
      level: r.level,
      status: r.status,
      logsource: describeLogsource(r.logsource),
      file: displayRulePath(r.path),
      line: r.line,
    });
  }
  for (const c of set.correlations.correlations) {
    list.push({
      kind: 'sigma-correlation',
      title: c.title,
      level: c.level,
      status: c.status,
      logsource: `${c.type} over ${c.rules.join(', ')}`,
      file: displayRulePath(c.path),
      line: c.line ?? 1,
    });
  }
  for (const r of set.eql) {
    const what = r.ast.kind === 'event' ? `${r.ast.category ?? 'any'} event` : r.ast.kind;
    list.push({
      kind: 'eql',
      title: r.title,
      level: r.level,
      status: '',
      logsource: `eql ${what}`,
      file: displayRulePath(r.path),
      line: 1,
    });
  }
  return { list, problems: set.problems, files: set.files };
}

/**
 * `spoor rules lint PATH…`: every rule (Sigma, Sigma correlation, EQL) loaded or refused, with file,
 * line and reason, then a count per reason. Exit 2 when any rule was refused.
 */
export async function runRulesLint(paths: string[], io: RulesIO): Promise<number> {
  const { list, problems, files } = await entries(paths);
  const lines: { file: string; line: number; text: string }[] = [];
  for (const r of list) {
    lines.push({
      file: r.file,
      line: r.line,
      text: `${escapeForTerminal(`${r.file}:${r.line}: ok: ${r.kind}: ${r.title}`)}\n`,
    });
  }
  for (const p of problems)
    lines.push({ file: p.file, line: p.line ?? 0, text: `${escapeForTerminal(problemLine(p).trimEnd())}\n` });
  lines.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  io.stdout.write(lines.map((l) => l.text).join(''));
  const counts = new Map<string, number>();
  let errors = 0;
  let warnings = 0;
  for (const p of problems) {
    if (p.severity === 'error') errors++;
    else warnings++;
    const k = `${p.severity}: ${reasonKey(p.reason)}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const summary = [`${files} files, ${list.length} rules loaded, ${errors} refused, ${warnings} warnings`];
  for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    summary.push(`${String(n).padStart(6)}  ${escapeForTerminal(k)}`);
  }
  io.stderr.write(`${summary.join('\n')}\n`);
  return errors > 0 ? 2 : 0;
}

/** `spoor rules list PATH…`: a table of the loaded rules; problems go to stderr (use lint to fail on them). */
export async function runRulesList(paths: string[], io: RulesIO): Promise<number> {
  const { list, problems } = await entries(paths);
  const table = new (cliTable())({
    head: ['title', 'kind', 'level', 'status', 'logsource', 'file'],
    style: { head: [], border: [] },
  });
  for (const r of list) {
    table.push([r.title, r.kind, r.level, r.status || '-', r.logsource, r.file].map(escapeForTerminal));
  }
  io.stdout.write(`${table.toString()}\n`);
  for (const p of problems) io.stderr.write(`${escapeForTerminal(problemLine(p).trimEnd())}\n`);
  io.stderr.write(`${list.length} rules, ${problems.filter((p) => p.severity === 'error').length} refused\n`);
  return 0;
}
