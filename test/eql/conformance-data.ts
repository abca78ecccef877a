import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  applyPipes,
  type CompileOptions,
  compileEql,
  type FieldData,
  type FieldSource,
  parseEql,
  type Scalar,
  SequenceMachine,
} from '../../src/eql/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const sharedDir = path.resolve(here, '../../../shared');
export const conformanceDir = path.join(sharedDir, 'eql-conformance');
export const hasConformance = existsSync(path.join(conformanceDir, 'elasticsearch', 'es_queries.index.json'));

/** One conformance event: flat dotted fields, its time and its id. */
export interface TestEvent {
  id: number;
  timestamp: number;
  fields: Map<string, FieldData>;
}

export interface Dataset {
  events: TestEvent[];
  options: CompileOptions;
}

function flatten(obj: Record<string, unknown>, prefix: string, out: Map<string, FieldData>): void {
  for (const [k, v] of Object.entries(obj)) {
    const name = prefix === '' ? k : `${prefix}.${k}`;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      out.set(name, v);
    else if (Array.isArray(v)) {
      if (v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x)))
        out.set(name, v as Scalar[]);
    } else if (typeof v === 'object') flatten(v as Record<string, unknown>, name, out);
  }
}

function toEvent(raw: Record<string, unknown>, idField: string, timestamp: number): TestEvent {
  const fields = new Map<string, FieldData>();
  flatten(raw, '', fields);
  // Elasticsearch's test mappings alias event.category to event_type.
  const type = fields.get('event_type');
  if (type !== undefined) fields.set('event.category', type);
  return { id: raw[idField] as number, timestamp, fields };
}

/** Events in Elasticsearch's order: by @timestamp, then by the tiebreaker (the id). */
function ordered(events: TestEvent[]): TestEvent[] {
  return [...events].sort((a, b) => a.timestamp - b.timestamp || a.id - b.id);
}

const FILETIME_EPOCH_MS = 11644473600000;

export function loadEndgame(): Dataset {
  const raw = JSON.parse(readFileSync(path.join(conformanceDir, 'test_data.json'), 'utf8')) as Record<
    string,
    unknown
  >[];
  const events = raw.map((r) =>
    toEvent(r, 'serial_event_id', Math.floor((r.timestamp as number) / 10000) - FILETIME_EPOCH_MS),
  );
  return { events: ordered(events), options: {} };
}

function esTimestamp(v: unknown): number {
  const s = String(v);
  return /^\d+$/.test(s) ? Number(s) : Date.parse(s);
}

/** The null_value of a mapping: explicit nulls of those fields are indexed as that value. */
function nullValues(mappingFile: string): Map<string, string> {
  const text = readFileSync(mappingFile, 'utf8')
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n');
  const props = (JSON.parse(text) as { properties: Record<string, { null_value?: string }> }).properties;
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(props)) if (typeof v.null_value === 'string') out.set(k, v.null_value);
  return out;
}

function loadEsData(name: string, options: CompileOptions): Dataset {
  const dir = path.join(conformanceDir, 'elasticsearch', 'data');
  const text = readFileSync(path.join(dir, `${name}.data`), 'utf8')
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('//'))
    .join('\n');
  const defaults = nullValues(path.join(dir, `${name}.mapping`));
  const raw = JSON.parse(text) as Record<string, unknown>[];
  const events = raw.map((r) => {
    const copy: Record<string, unknown> = { ...r };
    for (const [k, v] of defaults) if (Object.hasOwn(copy, k) && copy[k] === null) copy[k] = v;
    return toEvent(copy, 'sequence', esTimestamp(r['@timestamp']));
  });
  return { events: ordered(events), options };
}

/** `version` in extra.data is a version-typed field in Elasticsearch's test index. */
export const loadExtra = (): Dataset => loadEsData('extra', { fieldTypes: { version: 'version' } });
export const loadMissing = (): Dataset => loadEsData('missing-events', {});

export interface RunResult {
  ids: number[];
  joinKeys: (string | number | null)[];
}

function source(e: TestEvent): FieldSource {
  return { get: (name) => e.fields.get(name) };
}

/** Runs one query over a dataset the way the Elasticsearch spec tests do, flattening sequences. */
export function runQuery(query: string, data: Dataset): RunResult {
  const ast = parseEql(query);
  const compiled = compileEql({ ast }, data.options);
  if (ast.kind === 'event') {
    const hits = data.events.filter((e) => compiled.matches(source(e)));
    return { ids: applyPipes(hits, ast.pipes).map((e) => e.id), joinKeys: [] };
  }
  const machine = new SequenceMachine<TestEvent>({ ast });
  const results = [];
  for (const e of data.events) {
    const hits = compiled.stageHits(source(e));
    if (hits !== null) results.push(...machine.push({ timestamp: e.timestamp, event: e, hits }));
  }
  results.push(...machine.flush());
  const kept = applyPipes(results, ast.pipes);
  return {
    ids: kept.flatMap((r) => r.events.map((e) => (e === null ? -1 : e.id))),
    joinKeys: kept.flatMap((r) => r.key),
  };
}
