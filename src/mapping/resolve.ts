import { SYSTEM_FIELD_NAMES } from '../event/index.js';
import { LOGSOURCES } from './logsources.js';
import type { FieldConversion, LogsourceEntry, LogsourceQuery, SourceSpec } from './types.js';

function same(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

function entryMatches(e: LogsourceEntry, q: LogsourceQuery): boolean {
  if (!same(e.category, q.category) || !same(e.service, q.service)) return false;
  return e.product === undefined || same(e.product, q.product);
}

/** The sources a logsource stands for, or undefined when spoor has no mapping for it. */
export function resolveLogsource(
  q: LogsourceQuery,
  table: LogsourceEntry[] = LOGSOURCES,
): SourceSpec[] | undefined {
  for (const e of table) if (entryMatches(e, q)) return e.sources;
  return undefined;
}

/** The first field a source lacks among `fields`, or undefined when it can read them all. */
export function missingField(spec: SourceSpec, fields: Iterable<string>): string | undefined {
  if (!spec.only) return undefined;
  for (const f of fields) {
    if (spec.fields && Object.hasOwn(spec.fields, f)) continue;
    if (spec.only.includes(f) || SYSTEM_FIELD_NAMES.has(f)) continue;
    return f;
  }
  return undefined;
}

const INTEGRITY: Record<string, string> = {
  's-1-16-0': 'Untrusted',
  's-1-16-4096': 'Low',
  's-1-16-8192': 'Medium',
  's-1-16-8448': 'MediumPlus',
  's-1-16-12288': 'High',
  's-1-16-16384': 'System',
  's-1-16-20480': 'Protected',
};

/** Turns a value of the alternative source into the form the Sigma taxonomy uses. */
export function convertValue(conv: FieldConversion, raw: string): string {
  if (conv === 'hex-to-decimal') {
    const t = raw.trim();
    if (/^0x[0-9a-f]+$/i.test(t)) return BigInt(t).toString(10);
    return raw;
  }
  const key = raw.trim().toLowerCase();
  return Object.hasOwn(INTEGRITY, key) ? INTEGRITY[key]! : raw;
}
