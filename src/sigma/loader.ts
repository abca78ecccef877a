import { readFileSync } from 'node:fs';
import { type Dict, dict, parseLevel } from '../common/index.js';
import { type CorrelationIR, parseCorrelation, translateLegacyAggregation } from '../correlation/index.js';
import { missingField, resolveLogsource, type SourceSpec } from '../mapping/index.js';
import { buildDetection, DetectionError, detectionEventIds, detectionFields } from './detection.js';
import { listRuleFiles } from './files.js';
import { cacheDir, cacheKey, readCached, writeCached } from './ir-cache.js';
import { detectionRequirement, sourceClauses } from './requirement.js';
import type {
  ConditionIR,
  DetectionIR,
  LoadOptions,
  LoadResult,
  LogsourceIR,
  RuleProblem,
  SigmaRuleIR,
} from './types.js';
import { parseYamlDocs, type YamlDoc } from './yaml-docs.js';

const ANY_SOURCE: SourceSpec = { name: 'any', channels: null, eventIds: null };

interface PendingFilter {
  file: string;
  doc: YamlDoc;
  title: string;
  id?: string;
  targets: string[];
  logsource: LogsourceIR;
  detection: DetectionIR;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function strList(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => str(x)).filter((x): x is string => x !== undefined);
}

function isDict(v: unknown): v is Dict<unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function logsourceOf(v: unknown): LogsourceIR {
  const ls: LogsourceIR = {};
  if (!isDict(v)) return ls;
  for (const k of ['product', 'category', 'service', 'definition'] as const) {
    const s = str(v[k]);
    if (s !== undefined) ls[k] = s;
  }
  return ls;
}

export function describeLogsource(ls: LogsourceIR): string {
  const parts: string[] = [];
  if (ls.product) parts.push(`product=${ls.product}`);
  if (ls.category) parts.push(`category=${ls.category}`);
  if (ls.service) parts.push(`service=${ls.service}`);
  return parts.join(' ') || '(empty)';
}

/** Merges a Sigma 1 `action: global` document into the one that follows it. */
function deepMerge(base: unknown, over: unknown): unknown {
  if (isDict(base) && isDict(over)) {
    const out: Dict<unknown> = dict();
    for (const k of Object.keys(base)) out[k] = base[k];
    for (const k of Object.keys(over)) out[k] = Object.hasOwn(out, k) ? deepMerge(out[k], over[k]) : over[k];
    return out;
  }
  return over;
}

function shift(c: ConditionIR, by: number): ConditionIR {
  switch (c.t) {
    case 'sel':
      return { t: 'sel', i: c.i + by };
    case 'not':
      return { t: 'not', c: shift(c.c, by) };
    default:
      return { t: c.t, c: c.c.map((x) => shift(x, by)) };
  }
}

/** The sources of a rule that can read every field its detection needs. */
function usableSources(sources: SourceSpec[], reads: string[]): SourceSpec[] {
  return sources.filter((s) => missingField(s, reads) === undefined);
}

/**
 * Loads Sigma rules from files and directories into IR. Every document is either a rule, a
 * filter (applied to the rules it names), or a problem with a precise reason. The result is
 * cached by content (see ir-cache.ts), so loading the same rules again skips the YAML parsing.
 */
export async function loadSigma(paths: string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const { files, unreadable } = await listRuleFiles(paths);
  // Synchronous reads: for thousands of small files they are several times faster than
  // thousands of concurrent promises through the libuv pool.
  // Read as bytes: the cache key hashes them as they are, and they are decoded only when the rules
  // must be parsed (not from the cache: 4 MB of text with SigmaHQ's rules, garbage at once).
  const bytes = files.map((f): Buffer | Error => {
    try {
      return readFileSync(f);
    } catch (e) {
      return e as Error;
    }
  });
  const dir = opts.cache === false ? undefined : cacheDir();
  const cacheable = dir !== undefined && unreadable.length === 0 && bytes.every((b) => !(b instanceof Error));
  const key = cacheable ? cacheKey(files, bytes as Buffer[], opts) : '';
  if (cacheable) {
    const hit = readCached(dir, key);
    if (hit) return hit;
  }
  const texts = bytes.map((b) => (b instanceof Error ? b : b.toString('utf8')));
  const result = parseRuleFiles(files, texts, unreadable, opts);
  if (cacheable) writeCached(dir, key, result);
  return result;
}

/** Turns the texts of the listed rule files into IR and problems. */
function parseRuleFiles(
  files: string[],
  texts: (string | Error)[],
  unreadable: { file: string; reason: string }[],
  opts: LoadOptions,
): LoadResult {
  const problems: RuleProblem[] = unreadable.map((u) => ({
    file: u.file,
    severity: 'error',
    reason: u.reason,
  }));
  const rules: SigmaRuleIR[] = [];
  const filters: PendingFilter[] = [];
  const correlations: CorrelationIR[] = [];
  for (let fi = 0; fi < files.length; fi++) {
    const file = files[fi]!;
    const text = texts[fi]!;
    if (text instanceof Error) {
      problems.push({
        file,
        severity: 'error',
        reason: `cannot read: ${(text as NodeJS.ErrnoException).code ?? text.message}`,
      });
      continue;
    }
    let docs: YamlDoc[];
    try {
      docs = parseYamlDocs(text);
    } catch (e) {
      problems.push({ file, severity: 'error', reason: `YAML error: ${(e as Error).message}` });
      continue;
    }
    let global: unknown;
    let previous: unknown;
    for (const doc of docs) {
      try {
        if (doc.errors.length > 0) {
          const e = doc.errors[0]!;
          problems.push({
            file,
            line: e.line,
            column: e.column,
            severity: 'error',
            reason: `YAML error: ${e.message}`,
          });
          continue;
        }
        let data = doc.data;
        if (!isDict(data)) {
          problems.push({ file, line: doc.line, severity: 'error', reason: 'document is not a mapping' });
          continue;
        }
        const action = str(data.action);
        if (action === 'global') {
          global = data;
          continue;
        }
        if (action === 'reset') {
          global = undefined;
          continue;
        }
        if (action === 'repeat') data = deepMerge(previous, data) as Dict<unknown>;
        else if (global !== undefined) data = deepMerge(global, data) as Dict<unknown>;
        previous = data;
        const d = data as Dict<unknown>;
        delete d.action;
        const where = (p: (string | number)[]) => doc.locate(p);
        const problem = (
          reason: string,
          p: (string | number)[] = [],
          severity: 'error' | 'warning' = 'error',
        ) => {
          const loc = p.length ? where(p) : { line: doc.line, column: 1 };
          const pr: RuleProblem = { file, line: loc.line, column: loc.column, severity, reason };
          const id = str(d.id);
          const title = str(d.title);
          if (id) pr.id = id;
          if (title) pr.title = title;
          problems.push(pr);
        };
        if (d.correlation !== undefined) {
          const parsed = parseCorrelation(d, file, doc.line);
          problems.push(...parsed.problems);
          if (parsed.rule) correlations.push(parsed.rule);
          continue;
        }
        const title = str(d.title);
        if (d.filter !== undefined && d.detection === undefined) {
          if (!title) {
            problem('filter has no title', []);
            continue;
          }
          const f = d.filter;
          if (!isDict(f)) {
            problem('filter must be a mapping', ['filter']);
            continue;
          }
          const targets = strList(f.rules) ?? [];
          if (targets.length === 0) {
            problem('filter names no rules', ['filter']);
            continue;
          }
          try {
            const detection = buildDetection(f, opts, 'filter');
            const pf: PendingFilter = {
              file,
              doc,
              title,
              targets,
              logsource: logsourceOf(d.logsource),
              detection,
            };
            const id = str(d.id);
            if (id) pf.id = id;
            filters.push(pf);
          } catch (e) {
            if (!(e instanceof DetectionError)) throw e;
            problem(e.message, e.path);
          }
          continue;
        }
        if (!title) {
          problem('rule has no title');
          continue;
        }
        if (d.detection === undefined) {
          problem('rule has no detection');
          continue;
        }
        if (!isDict(d.logsource)) {
          problem('rule has no logsource');
          continue;
        }
        const legacy = legacyAggregation(d, file, doc.line, title);
        if (legacy && 'refusal' in legacy) {
          problem(legacy.refusal, ['detection', 'condition']);
          continue;
        }
        if (legacy) {
          (d.detection as Dict<unknown>).condition = legacy.search;
          d.id = legacy.baseId;
          correlations.push(legacy.rule);
        }
        let detection: DetectionIR;
        try {
          detection = buildDetection(d.detection, opts);
        } catch (e) {
          if (!(e instanceof DetectionError)) throw e;
          problem(e.message, e.path);
          continue;
        }
        const logsource = logsourceOf(d.logsource);
        const reads = detectionFields(detection);
        let sources: SourceSpec[];
        if (opts.ignoreLogsource) sources = [ANY_SOURCE];
        else {
          const mapped = resolveLogsource(logsource);
          if (!mapped) {
            problem(`unknown logsource ${describeLogsource(logsource)}`, ['logsource']);
            continue;
          }
          sources = usableSources(mapped, reads);
          if (sources.length === 0) {
            const f = missingField(mapped[0]!, reads);
            problem(`field ${f} is not available on logsource ${describeLogsource(logsource)}`, [
              'detection',
            ]);
            continue;
          }
        }
        const levelText = str(d.level);
        const level = levelText === undefined ? 'medium' : parseLevel(levelText);
        if (!level) {
          problem(`unknown level ${levelText}`, ['level']);
          continue;
        }
        let id = str(d.id);
        if (!id) {
          problem('rule has no id; its file and line stand in for it', [], 'warning');
          id = `${file}:${doc.line}`;
        }
        const rule: SigmaRuleIR = {
          id,
          title,
          level,
          status: str(d.status) ?? '',
          tags: strList(d.tags) ?? [],
          path: file,
          line: doc.line,
          logsource,
          detection,
          sources,
          eventIds: detectionEventIds(detection),
          reads,
        };
        const opt = (k: 'name' | 'author' | 'description' | 'date' | 'modified') => {
          const v = str(d[k]);
          if (v !== undefined) rule[k] = v;
        };
        opt('name');
        opt('author');
        opt('description');
        opt('date');
        opt('modified');
        const fp = strList(d.falsepositives);
        if (fp) rule.falsepositives = fp;
        const refs = strList(d.references);
        if (refs) rule.references = refs;
        const fields = strList(d.fields);
        if (fields) rule.fields = fields;
        rules.push(rule);
      } catch (e) {
        // An exception nobody foresaw (a hostile rule, a bug) costs this rule only: it is refused
        // with its place and the reason, and the others load.
        problems.push({
          file,
          line: doc.line,
          severity: 'error',
          reason: `rule could not be loaded (${e instanceof Error ? e.message : String(e)})`,
        });
      }
    }
  }
  applyFilters(rules, filters, problems);
  // The literal condition of each rule on each of its sources, derived once here (and cached with
  // the IR) instead of in every matching thread.
  for (const r of rules) {
    const req = detectionRequirement(r.detection);
    r.requirements = r.sources.map((spec) => sourceClauses(req, spec));
  }
  const seen = dict<true>();
  for (const r of rules) {
    if (seen[r.id]) {
      problems.push({
        file: r.path,
        line: r.line,
        id: r.id,
        title: r.title,
        severity: 'warning',
        reason: 'duplicate rule id',
      });
    }
    seen[r.id] = true;
  }
  return { rules, problems, files: files.length, correlations };
}

/**
 * A Sigma v1 aggregation (`condition: selection | count() by X > N` with `timeframe`) becomes a base
 * rule (the search) plus the equivalent correlation; undefined for a plain condition.
 */
function legacyAggregation(d: Dict<unknown>, file: string, line: number, title: string) {
  const det = d.detection;
  if (!isDict(det)) return undefined;
  const conditions = typeof det.condition === 'string' ? [det.condition] : (strList(det.condition) ?? []);
  const withBar = conditions.filter((c) => c.includes('|') || /\bnear\b/i.test(c));
  if (withBar.length === 0) return undefined;
  if (conditions.length > 1)
    return { refusal: 'an aggregation condition cannot be one of a list of conditions' };
  const level = parseLevel(str(d.level) ?? 'medium') ?? 'medium';
  const meta = {
    id: str(d.id) ?? `${file}:${line}`,
    title,
    level,
    status: str(d.status) ?? '',
    tags: strList(d.tags) ?? [],
    path: file,
    line,
    ...(str(d.name) !== undefined ? { name: str(d.name) } : {}),
  };
  const timeframe = str(det.timeframe) ?? str(d.timeframe);
  if (isDict(det)) delete det.timeframe;
  return translateLegacyAggregation(meta, withBar[0]!, timeframe);
}

function compatible(filter: LogsourceIR, rule: LogsourceIR): boolean {
  for (const k of ['product', 'category', 'service'] as const) {
    if (filter[k] !== undefined && filter[k]?.toLowerCase() !== rule[k]?.toLowerCase()) return false;
  }
  return true;
}

/**
 * Applies filter documents: the condition of each named rule becomes
 * `(rule condition) and (filter condition)`, with the filter's search identifiers added to the
 * rule under the filter's name, so the filter's `not …` removes the matches it describes.
 */
function applyFilters(rules: SigmaRuleIR[], filters: PendingFilter[], problems: RuleProblem[]): void {
  const byKey = dict<SigmaRuleIR[]>();
  for (const r of rules) {
    for (const k of r.name ? [r.id, r.name] : [r.id]) {
      const list = byKey[k] ?? [];
      list.push(r);
      byKey[k] = list;
    }
  }
  for (const f of filters) {
    const locFilter = f.doc.locate(['filter', 'rules']);
    for (const target of f.targets) {
      const hits = byKey[target];
      if (!hits) {
        problems.push({
          file: f.file,
          line: locFilter.line,
          column: locFilter.column,
          title: f.title,
          severity: 'warning',
          reason: `filter names rule ${target}, which is not loaded`,
        });
        continue;
      }
      for (const r of hits) {
        if (!compatible(f.logsource, r.logsource)) {
          problems.push({
            file: f.file,
            line: locFilter.line,
            title: f.title,
            severity: 'warning',
            reason: `filter logsource ${describeLogsource(f.logsource)} does not fit rule ${target}`,
          });
          continue;
        }
        const base = r.detection.selections.length;
        const selections = [
          ...r.detection.selections,
          ...f.detection.selections.map((s) => ({ ...s, name: `${f.title}/${s.name}` })),
        ];
        const condition: ConditionIR = {
          t: 'and',
          c: [r.detection.condition, shift(f.detection.condition, base)],
        };
        r.detection = { selections, condition };
        r.reads = detectionFields(r.detection);
        r.eventIds = detectionEventIds(r.detection);
        r.sources = usableSources(r.sources, r.reads);
        r.filters = [...(r.filters ?? []), f.title];
      }
    }
  }
}
