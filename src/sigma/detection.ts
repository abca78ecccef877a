import { type Dict, dict } from '../common/index.js';
import { ConditionError, parseCondition } from './condition.js';
import {
  base64,
  base64Offsets,
  type Encoding,
  encodeText,
  hasWildcard,
  literalText,
  parseSigmaString,
  type Token,
  toStrTest,
  windash,
  wrap,
} from './pattern.js';
import { prepareRegex } from './regex.js';
import type {
  ConditionIR,
  DetectionIR,
  FieldItem,
  NumOp,
  SelectionIR,
  TimePart,
  ValueTest,
} from './types.js';

/** A rule that cannot be honoured exactly; `path` locates the YAML node for the line number. */
export class DetectionError extends Error {
  constructor(
    message: string,
    readonly path: (string | number)[],
  ) {
    super(message);
  }
}

type Scalar = string | number | boolean | null;

const KNOWN = new Set([
  'contains',
  'startswith',
  'endswith',
  'all',
  'cased',
  'neq',
  'exists',
  'windash',
  're',
  'i',
  'm',
  's',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'lt',
  'lte',
  'gt',
  'gte',
  'cidr',
  'expand',
  'fieldref',
  'minute',
  'hour',
  'day',
  'week',
  'month',
  'year',
]);
const NUM_OPS = new Set(['lt', 'lte', 'gt', 'gte']);
const TIME_PARTS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const MATCH = new Set(['contains', 'startswith', 'endswith']);
const ENCODINGS = new Set(['utf16le', 'utf16be', 'utf16', 'wide']);

export interface DetectionContext {
  expand?: Record<string, string[]>;
}

function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function scalarText(v: Exclude<Scalar, null>): string {
  return typeof v === 'string' ? v : String(v);
}

/** Replaces `%name%` placeholders; `\%` is a plain percent sign. */
function expandValue(raw: string, ctx: DetectionContext, path: (string | number)[]): string[] {
  let outs = [''];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === '\\' && raw[i + 1] === '%') {
      outs = outs.map((o) => `${o}%`);
      i += 2;
      continue;
    }
    if (c === '%') {
      const end = raw.indexOf('%', i + 1);
      if (end > i + 1) {
        const name = raw.slice(i + 1, end);
        const map = ctx.expand;
        const vals = map && Object.hasOwn(map, name) ? map[name]! : undefined;
        if (!vals || vals.length === 0) throw new DetectionError(`placeholder %${name}% has no value`, path);
        outs = outs.flatMap((o) => vals.map((v) => o + v));
        i = end + 1;
        continue;
      }
    }
    outs = outs.map((o) => o + c);
    i++;
  }
  return outs;
}

function checkChain(mods: string[], path: (string | number)[]): void {
  const seen = new Set<string>();
  for (const m of mods) {
    if (!KNOWN.has(m)) throw new DetectionError(`unsupported modifier ${m}`, path);
    if (seen.has(m)) throw new DetectionError(`modifier ${m} appears twice`, path);
    seen.add(m);
  }
  const count = (set: Set<string>) => mods.filter((m) => set.has(m)).length;
  if (count(MATCH) > 1) throw new DetectionError(`modifiers ${mods.join('|')} combine two match types`, path);
  if (count(NUM_OPS) > 1)
    throw new DetectionError(`modifiers ${mods.join('|')} combine two comparisons`, path);
  if (count(TIME_PARTS) > 1)
    throw new DetectionError(`modifiers ${mods.join('|')} combine two time parts`, path);
  if (count(ENCODINGS) > 1)
    throw new DetectionError(`modifiers ${mods.join('|')} combine two encodings`, path);
  for (const sub of ['i', 'm', 's']) {
    if (seen.has(sub) && !seen.has('re')) throw new DetectionError(`modifier ${sub} needs re`, path);
  }
}

/** Builds the tests for one value of an item, given its modifier chain. */
function valueTests(
  field: string | null,
  mods: string[],
  value: Scalar,
  ctx: DetectionContext,
  path: (string | number)[],
): ValueTest[] {
  const has = (m: string) => mods.includes(m);
  const only = (allowed: string[], what: string) => {
    const extra = mods.filter((m) => !allowed.includes(m));
    if (extra.length) throw new DetectionError(`modifier ${extra[0]} cannot be combined with ${what}`, path);
  };
  if (has('exists')) {
    only(['exists'], 'exists');
    if (typeof value !== 'boolean') throw new DetectionError('exists needs true or false', path);
    if (field === null) throw new DetectionError('exists needs a field name', path);
    return [{ t: 'exists', value }];
  }
  if (value === null) {
    only(['all', 'neq'], 'null');
    return [{ t: 'null' }];
  }
  if (field === null && (has('fieldref') || has('cidr') || [...NUM_OPS, ...TIME_PARTS].some(has))) {
    throw new DetectionError('a keyword search cannot use a field modifier', path);
  }
  const cased = has('cased');
  if (has('re')) {
    only(['re', 'i', 'm', 's', 'all', 'neq', 'cased'], 're');
    if (typeof value !== 'string') throw new DetectionError('re needs a string', path);
    const flags = mods.filter((m) => m === 'i' || m === 'm' || m === 's').join('');
    const r = prepareRegex(value, flags);
    if (!r.ok) throw new DetectionError(r.reason, path);
    return [
      r.lit
        ? { t: 're', source: r.source, flags: r.flags, lit: r.lit }
        : { t: 're', source: r.source, flags: r.flags },
    ];
  }
  if (has('cidr')) {
    only(['cidr', 'all', 'neq'], 'cidr');
    const text = scalarText(value);
    if (!isCidr(text)) throw new DetectionError(`invalid CIDR ${text}`, path);
    return [{ t: 'cidr', cidr: text }];
  }
  const timePart = mods.find((m) => TIME_PARTS.has(m)) as TimePart | undefined;
  const numOp = mods.find((m) => NUM_OPS.has(m)) as NumOp | undefined;
  if (timePart) {
    only([timePart, 'lt', 'lte', 'gt', 'gte', 'neq', 'all'], timePart);
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isFinite(n)) throw new DetectionError(`${timePart} needs a number`, path);
    return [{ t: 'time', part: timePart, op: numOp ?? 'eq', value: n }];
  }
  if (numOp) {
    only([numOp, 'all'], numOp);
    const n = typeof value === 'number' ? value : Number(value);
    if (typeof value === 'boolean' || !Number.isFinite(n))
      throw new DetectionError(`${numOp} needs a number`, path);
    return [{ t: 'num', op: numOp, value: n }];
  }
  // A keyword is searched for anywhere in the event's text: without an explicit match type it
  // is a substring of some field value.
  const how =
    (mods.find((m) => MATCH.has(m)) as 'contains' | 'startswith' | 'endswith' | undefined) ??
    (field === null ? 'contains' : undefined);
  if (has('fieldref')) {
    only(['fieldref', 'contains', 'startswith', 'endswith', 'cased', 'neq', 'all'], 'fieldref');
    const op =
      how === 'contains'
        ? 'contains'
        : how === 'startswith'
          ? 'prefix'
          : how === 'endswith'
            ? 'suffix'
            : 'eq';
    return [{ t: 'ref', field: scalarText(value), op, cased }];
  }
  // String transformations, applied in the order written.
  let raws = [scalarText(value)];
  if (has('expand')) raws = raws.flatMap((r) => expandValue(r, ctx, path));
  let encoding: Encoding | undefined;
  let encoded: string[] | undefined;
  let matchSeen = false;
  for (const m of mods) {
    if (MATCH.has(m)) matchSeen = true;
    else if (m === 'windash') {
      if (encoded) throw new DetectionError('windash after an encoding cannot be applied exactly', path);
      raws = raws.flatMap(windash);
    } else if (ENCODINGS.has(m)) {
      if (encoded) throw new DetectionError(`${m} after base64 cannot be applied exactly`, path);
      encoding = m === 'wide' ? 'utf16le' : (m as Encoding);
    } else if (m === 'base64' || m === 'base64offset') {
      if (encoded) throw new DetectionError('base64 applied twice', path);
      if (matchSeen) throw new DetectionError(`${m} after a match type cannot be applied exactly`, path);
      encoded = [];
      for (const r of raws) {
        const toks = parseSigmaString(r);
        if (hasWildcard(toks))
          throw new DetectionError(`${m} of a value with wildcards cannot be applied exactly`, path);
        const bytes = encodeText(literalText(toks), encoding ?? 'utf8');
        if (m === 'base64') encoded.push(base64(bytes));
        else encoded.push(...base64Offsets(bytes));
      }
    }
  }
  if (encoding && !encoded)
    throw new DetectionError(`${encoding} without base64 cannot match decoded text`, path);
  const tokenLists: Token[][] = encoded ? encoded.map((e) => [e]) : raws.map(parseSigmaString);
  const seen = new Set<string>();
  const out: ValueTest[] = [];
  for (const toks of tokenLists) {
    const t = toStrTest(wrap(toks, how), cased);
    const key = JSON.stringify(t);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(t);
    }
  }
  return out;
}

function isCidr(text: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  const addr = m ? m[1]! : text;
  const bits = m ? Number(m[2]) : undefined;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) {
    return addr.split('.').every((o) => Number(o) <= 255) && (bits === undefined || bits <= 32);
  }
  return addr.includes(':') && /^[0-9a-fA-F:.]+$/.test(addr) && (bits === undefined || bits <= 128);
}

function buildItem(key: string, value: unknown, ctx: DetectionContext, path: (string | number)[]): FieldItem {
  const parts = key.split('|');
  const field = parts[0] ? parts[0] : null;
  const mods = parts.slice(1).map((m) => m.toLowerCase());
  checkChain(mods, path);
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new DetectionError(`${key} has an empty list of values`, path);
  for (const v of list) {
    if (!isScalar(v))
      throw new DetectionError(`${key} has a value that is not a string, number, boolean or null`, path);
  }
  const all = mods.includes('all');
  if (all && list.length < 2) throw new DetectionError('|all on a single value', path);
  return {
    field,
    values: list.map((v) => valueTests(field, mods, v as Scalar, ctx, path)),
    all,
    neg: mods.includes('neq'),
  };
}

function buildSelection(name: string, node: unknown, ctx: DetectionContext): SelectionIR {
  const path = ['detection', name];
  if (isScalar(node)) {
    if (node === null) throw new DetectionError(`search identifier ${name} is empty`, path);
    return { name, maps: [[buildItem('', node, ctx, path)]] };
  }
  if (Array.isArray(node)) {
    if (node.length === 0) throw new DetectionError(`search identifier ${name} is an empty list`, path);
    if (node.every(isScalar)) return { name, maps: [[buildItem('', node, ctx, path)]] };
    if (node.every((n) => n !== null && typeof n === 'object' && !Array.isArray(n))) {
      return {
        name,
        maps: node.map((m, i) => buildMap(m as Dict<unknown>, ctx, [...path, i])),
      };
    }
    throw new DetectionError(`search identifier ${name} mixes keywords and maps`, path);
  }
  if (typeof node === 'object') return { name, maps: [buildMap(node as Dict<unknown>, ctx, path)] };
  throw new DetectionError(`search identifier ${name} has an unsupported shape`, path);
}

function buildMap(map: Dict<unknown>, ctx: DetectionContext, path: (string | number)[]): FieldItem[] {
  const keys = Object.keys(map);
  if (keys.length === 0) throw new DetectionError('empty map in detection', path);
  return keys.map((k) => buildItem(k, map[k], ctx, [...path, k]));
}

/** Builds the detection IR from the `detection` mapping of a rule (or a filter document). */
export function buildDetection(det: unknown, ctx: DetectionContext, section = 'detection'): DetectionIR {
  if (det === null || typeof det !== 'object' || Array.isArray(det)) {
    throw new DetectionError(`${section} must be a mapping`, [section]);
  }
  const d = det as Dict<unknown>;
  const names: string[] = [];
  const selections: SelectionIR[] = [];
  for (const name of Object.keys(d)) {
    if (name === 'condition' || name === 'timeframe' || (section === 'filter' && name === 'rules')) continue;
    const sel = buildSelection(name, d[name], ctx);
    names.push(name);
    selections.push(sel);
  }
  const cond = d.condition;
  if (cond === undefined || cond === null) throw new DetectionError('detection has no condition', [section]);
  const texts = Array.isArray(cond) ? cond : [cond];
  if (texts.length === 0 || !texts.every((t) => typeof t === 'string')) {
    throw new DetectionError('condition must be a string or a list of strings', [section, 'condition']);
  }
  let parsed: ConditionIR[];
  try {
    parsed = (texts as string[]).map((t) => parseCondition(t, names));
  } catch (e) {
    if (e instanceof ConditionError) throw new DetectionError(e.message, [section, 'condition']);
    throw e;
  }
  if (d.timeframe !== undefined && section === 'detection') {
    throw new DetectionError('timeframe belongs to correlation rules, which are not supported yet', [
      section,
      'timeframe',
    ]);
  }
  return { selections, condition: parsed.length === 1 ? parsed[0]! : { t: 'or', c: parsed } };
}

/** Field names the detection reads (fieldref targets included). */
export function detectionFields(det: DetectionIR): string[] {
  const out = dict<true>();
  for (const s of det.selections) {
    for (const m of s.maps) {
      for (const it of m) {
        if (it.field !== null) out[it.field] = true;
        for (const g of it.values) for (const t of g) if (t.t === 'ref') out[t.field] = true;
      }
    }
  }
  return Object.keys(out);
}

/**
 * Event ids the detection requires: every match needs EventID in the returned set, or null when
 * no such set can be proven from the condition.
 */
export function detectionEventIds(det: DetectionIR): string[] | null {
  const selIds = (s: SelectionIR): Set<string> | null => {
    const acc = new Set<string>();
    for (const m of s.maps) {
      const item = m.find(
        (it) =>
          it.field === 'EventID' &&
          !it.neg &&
          !it.all &&
          it.values.every((g) => g.every((t) => t.t === 'str' && t.op === 'eq' && /^\d+$/.test(t.value))),
      );
      if (!item) return null;
      for (const g of item.values) for (const t of g) if (t.t === 'str') acc.add(String(Number(t.value)));
    }
    return acc;
  };
  const walk = (c: ConditionIR): Set<string> | null => {
    switch (c.t) {
      case 'sel':
        return selIds(det.selections[c.i]!);
      case 'not':
        return null;
      case 'or': {
        const acc = new Set<string>();
        for (const x of c.c) {
          const s = walk(x);
          if (!s) return null;
          for (const v of s) acc.add(v);
        }
        return acc;
      }
      case 'and': {
        const sets: Set<string>[] = [];
        for (const x of c.c) {
          const s = walk(x);
          if (s) sets.push(s);
        }
        if (sets.length === 0) return null;
        const [first, ...rest] = sets;
        return new Set([...first!].filter((v) => rest.every((s) => s.has(v))));
      }
    }
  };
  const s = walk(det.condition);
  return s ? [...s].sort() : null;
}
