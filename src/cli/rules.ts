import Table from 'cli-table3';
import { describeLogsource, loadSigma, type RuleProblem } from '../sigma/index.js';

export interface RulesIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

function where(p: { file: string; line?: number; column?: number }): string {
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

/**
 * `spoor rules lint PATH…`: every rule loaded or refused, with file, line and reason, then a
 * count per reason. Exit 2 when any rule was refused.
 */
export async function runRulesLint(paths: string[], io: RulesIO): Promise<number> {
  const { rules, problems, files } = await loadSigma(paths);
  const lines: { file: string; line: number; text: string }[] = [];
  for (const r of rules)
    lines.push({ file: r.path, line: r.line, text: `${r.path}:${r.line}: ok: ${r.title}\n` });
  for (const p of problems) lines.push({ file: p.file, line: p.line ?? 0, text: problemLine(p) });
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
  const summary = [`${files} files, ${rules.length} rules loaded, ${errors} refused, ${warnings} warnings`];
  for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
    summary.push(`${String(n).padStart(6)}  ${k}`);
  }
  io.stderr.write(`${summary.join('\n')}\n`);
  return errors > 0 ? 2 : 0;
}

/** `spoor rules list PATH…`: a table of the loaded rules; problems go to stderr (use lint to fail on them). */
export async function runRulesList(paths: string[], io: RulesIO): Promise<number> {
  const { rules, problems } = await loadSigma(paths);
  const table = new Table({ head: ['title', 'level', 'status', 'logsource', 'file'] });
  for (const r of rules)
    table.push([r.title, r.level, r.status || '-', describeLogsource(r.logsource), r.path]);
  io.stdout.write(`${table.toString()}\n`);
  for (const p of problems) io.stderr.write(problemLine(p));
  io.stderr.write(
    `${rules.length} rules, ${problems.filter((p) => p.severity === 'error').length} refused\n`,
  );
  return 0;
}
