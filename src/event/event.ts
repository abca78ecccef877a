import { type Dict, dict } from '../common/index.js';
import { resolveNames } from './names.js';
import type { Event, FieldValue } from './types.js';

/** A value's (first) text; '' when absent. */
export function firstText(v: FieldValue | undefined): string {
  if (v === undefined) return '';
  return typeof v === 'string' ? v : (v[0] ?? '');
}

/**
 * `Event.get` for any view: the name as stored, and for a dotted path (or `@timestamp`, `message`)
 * the flat names it may be stored under, through a memoised table.
 */
export function getByName(ev: Pick<Event, 'field'>, name: string): FieldValue | undefined {
  const v = ev.field(name);
  if (v !== undefined || (name.indexOf('.') < 0 && name !== '@timestamp' && name !== 'message')) return v;
  for (const n of resolveNames(name)) {
    const r = ev.field(n);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * Builds the Event view over a flat field dictionary whose names follow docs/event-fields.md.
 * Empty values are dropped here, so empty, null and absent are one thing everywhere.
 * `timestamp` is the parsed System time (ms since the epoch, NaN if none).
 */
export class FlatEvent implements Event {
  readonly fields: Dict<FieldValue>;
  readonly timestamp: number;
  /** Every value of `fields`, when the builder collected them as it stored them (see allValues). */
  private readonly values: readonly string[] | undefined;
  constructor(fields: Dict<FieldValue>, timestamp: number, values?: readonly string[]) {
    this.fields = fields;
    this.timestamp = timestamp;
    this.values = values;
  }
  get computer(): string {
    return firstText(this.fields.Computer);
  }
  get channel(): string {
    return firstText(this.fields.Channel);
  }
  get eventId(): string {
    return firstText(this.fields.EventID);
  }
  get recordId(): string {
    return firstText(this.fields.EventRecordID);
  }
  get provider(): string {
    return firstText(this.fields.Provider_Name);
  }
  field(name: string): FieldValue | undefined {
    return this.fields[name];
  }
  fieldNames(): readonly string[] {
    return Object.keys(this.fields);
  }
  spacedNames(): readonly string[] {
    return Object.keys(this.fields).filter((k) => k.indexOf(' ') >= 0);
  }
  allValues(): readonly string[] {
    if (this.values !== undefined) return this.values;
    const out: string[] = [];
    const f = this.fields;
    for (const k in f) {
      const v = f[k]!;
      if (typeof v === 'string') out.push(v);
      else for (const x of v) out.push(x);
    }
    return out;
  }
  /** One dictionary lookup for a stored name; dotted paths are resolved through a memoised table. */
  get(name: string): FieldValue | undefined {
    return getByName(this, name);
  }
}

/** Convenience for tests and for sources that are already flat: copies into a null-prototype dict. */
export function createEvent(fields: Record<string, FieldValue>, timestamp = Number.NaN): Event {
  const d = dict<FieldValue>();
  for (const k of Object.keys(fields)) {
    const v = fields[k];
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    d[k] = v;
  }
  return new FlatEvent(d, timestamp);
}
