import { dict, parseLevel } from '../common/index.js';
import { isConditionOp, isUnsatisfiable } from './condition.js';
import { parseTimespan } from './timespan.js';
import {
  CORRELATION_TYPES,
  type ConditionTest,
  type CorrelationIR,
  type CorrelationProblem,
  type CorrelationType,
  FIELD_TYPES,
} from './types.js';

export interface ParseResult {
  rule?: CorrelationIR;
  problems: CorrelationProblem[];
}

const CORRELATION_KEYS = new Set([
  'type',
  'rules',
  'group-by',
  'timespan',
  'timeframe',
  'condition',
  'aliases',
  'generate',
]);

function own(obj: object, key: string): unknown {
  return Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function textList(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return [];
  const s = scalarText(v);
  if (s !== undefined) return [s];
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const item of v) {
    const t = scalarText(item);
    if (t === undefined) return undefined;
    out.push(t);
  }
  return out;
}

/**
 * Parses one correlation document (a YAML document with a top-level `correlation:` key).
 * Every problem is reported; the rule is returned only when there is no error.
 * `line` is the 1-based line of the document in `file`.
 */
export function parseCorrelation(doc: Record<string, unknown>, file: string, line?: number): ParseResult {
  const problems: CorrelationProblem[] = [];
  const title = scalarText(own(doc, 'title'));
  const rawId = scalarText(own(doc, 'id'));
  const name = scalarText(own(doc, 'name'));
  const where = { file, ...(line !== undefined ? { line } : {}) };
  const err = (reason: string): void => {
    problems.push({
      ...where,
      ...(rawId ? { id: rawId } : {}),
      ...(title ? { title } : {}),
      severity: 'error',
      reason,
    });
  };
  const warn = (reason: string): void => {
    problems.push({
      ...where,
      ...(rawId ? { id: rawId } : {}),
      ...(title ? { title } : {}),
      severity: 'warning',
      reason,
    });
  };

  if (!title) err('correlation rule has no title');
  if (own(doc, 'detection') !== undefined) err('a document cannot hold both `detection` and `correlation`');
  const corr = own(doc, 'correlation');
  if (!isMap(corr)) {
    err('`correlation` must be a map');
    return { problems };
  }
  for (const key of Object.keys(corr)) {
    if (!CORRELATION_KEYS.has(key)) warn(`unknown key \`correlation.${key}\` ignored`);
  }

  // type
  const typeText = scalarText(own(corr, 'type'));
  let type: CorrelationType | undefined;
  if (typeText === undefined) err('`correlation.type` is missing');
  else if ((CORRELATION_TYPES as readonly string[]).includes(typeText)) type = typeText as CorrelationType;
  else err(`unknown correlation type \`${typeText}\` (expected one of ${CORRELATION_TYPES.join(', ')})`);

  // rules
  const rules = textList(own(corr, 'rules'));
  if (rules === undefined) err('`correlation.rules` must be a rule id or name, or a list of them');
  else if (rules.length === 0) err('`correlation.rules` is missing or empty');

  // group-by
  const groupBy = textList(own(corr, 'group-by'));
  if (groupBy === undefined) err('`correlation.group-by` must be a field name or a list of field names');
  else if (new Set(groupBy).size !== groupBy.length) err('`correlation.group-by` lists a field twice');
  else if (groupBy.length === 0)
    warn('no `group-by`: every match of the referenced rules falls in one group');

  // timespan (`timeframe` is the Sigma v1 name)
  let tsText = scalarText(own(corr, 'timespan'));
  if (tsText === undefined && own(corr, 'timeframe') !== undefined) {
    tsText = scalarText(own(corr, 'timeframe'));
    warn('`correlation.timeframe` is the old name of `timespan`');
  }
  let timespanMs: number | undefined;
  if (tsText === undefined) err('`correlation.timespan` is missing');
  else {
    timespanMs = parseTimespan(tsText);
    if (timespanMs === undefined)
      err(`timespan \`${tsText}\` is not a positive number followed by one of s m h d w M y`);
  }

  // condition
  const condition: ConditionTest[] = [];
  let field: string | undefined;
  let percentile: number | undefined;
  const rawCond = own(corr, 'condition');
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  if (typeof rawCond === 'string') {
    err(
      'boolean correlation conditions (a string such as `a and not b`) are not part of the Sigma ' +
        'correlation specification spoor implements; use a map of gt/gte/lt/lte/eq/neq',
    );
  } else if (rawCond === undefined || rawCond === null) {
    if (type !== undefined && !temporal) err(`\`correlation.condition\` is required for ${type}`);
  } else if (!isMap(rawCond)) {
    err('`correlation.condition` must be a map');
  } else {
    for (const key of Object.keys(rawCond)) {
      const v = rawCond[key];
      if (isConditionOp(key)) {
        if (typeof v !== 'number' || !Number.isFinite(v)) err(`condition \`${key}\` needs a number`);
        else condition.push({ op: key, value: v });
      } else if (key === 'field') {
        const f = scalarText(v);
        if (f === undefined || f === '') {
          err(
            Array.isArray(v)
              ? 'condition `field` lists several fields; spoor aggregates one field'
              : 'condition `field` must be a field name',
          );
        } else field = f;
      } else if (key === 'percentile') {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100)
          err('condition `percentile` must be a number from 0 to 100');
        else percentile = v;
      } else {
        err(`unknown condition key \`${key}\` (expected gt, gte, lt, lte, eq, neq, field, percentile)`);
      }
    }
    if (condition.length === 0) err('`correlation.condition` has no gt/gte/lt/lte/eq/neq test');
    else if (isUnsatisfiable(condition)) warn('the condition can never be true');
  }
  if (type !== undefined) {
    const needsField = FIELD_TYPES.includes(type);
    if (needsField && field === undefined && (isMap(rawCond) || rawCond === undefined))
      err(`${type} needs \`condition.field\`, the field to aggregate`);
    if (!needsField && field !== undefined) warn(`condition \`field\` is ignored by ${type}`);
    if (type === 'value_percentile' && percentile === undefined && isMap(rawCond))
      err(
        'value_percentile needs `condition.percentile` (0–100): which percentile of the field values ' +
          'the thresholds apply to',
      );
    if (type !== 'value_percentile' && percentile !== undefined)
      warn(`condition \`percentile\` is ignored by ${type}`);
  }
  if (temporal && condition.length === 0 && rules !== undefined) {
    condition.push({ op: 'gte', value: new Set(rules).size });
  }

  // aliases
  const aliases = dict<Record<string, string>>();
  const rawAliases = own(corr, 'aliases');
  if (rawAliases !== undefined && rawAliases !== null) {
    if (!isMap(rawAliases)) err('`correlation.aliases` must be a map of alias → (rule → field)');
    else {
      for (const alias of Object.keys(rawAliases)) {
        const mapping = rawAliases[alias];
        if (!isMap(mapping)) {
          err(`alias \`${alias}\` must map rule names to field names`);
          continue;
        }
        const m = dict<string>();
        for (const ref of Object.keys(mapping)) {
          const f = scalarText(mapping[ref]);
          if (f === undefined || f === '')
            err(`alias \`${alias}\`: rule \`${ref}\` must map to a field name`);
          else m[ref] = f;
        }
        aliases[alias] = m;
      }
    }
  }

  // generate
  const rawGenerate = own(corr, 'generate');
  let generate = false;
  if (rawGenerate !== undefined && rawGenerate !== null) {
    if (typeof rawGenerate !== 'boolean') err('`correlation.generate` must be true or false');
    else generate = rawGenerate;
  }

  // meta
  const levelText = scalarText(own(doc, 'level'));
  let level = parseLevel('medium')!;
  if (levelText !== undefined) {
    const parsed = parseLevel(levelText);
    if (parsed) level = parsed;
    else err(`unknown level \`${levelText}\``);
  }
  const tags = textList(own(doc, 'tags'));
  if (tags === undefined) warn('`tags` must be a list of strings; ignored');
  const status = scalarText(own(doc, 'status')) ?? '';
  const description = scalarText(own(doc, 'description'));

  if (problems.some((p) => p.severity === 'error')) return { problems };
  const rule: CorrelationIR = {
    id: rawId ?? name ?? `${file}#${title}`,
    ...(name !== undefined ? { name } : {}),
    title: title!,
    level,
    status,
    tags: tags ?? [],
    ...(description !== undefined ? { description } : {}),
    path: file,
    ...(line !== undefined ? { line } : {}),
    type: type!,
    rules: rules!,
    groupBy: groupBy!,
    timespanMs: timespanMs!,
    timespan: tsText!,
    condition,
    ...(field !== undefined ? { field } : {}),
    ...(percentile !== undefined ? { percentile } : {}),
    aliases,
    generate,
  };
  return { rule, problems };
}
