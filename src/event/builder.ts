import { type Dict, dict } from '../common/index.js';
import { FlatEvent } from './event.js';
import { normSystemTime, normValue } from './normalize.js';
import type { FieldValue } from './types.js';

/**
 * Names that the System block fills (the Event view's flat names). An EventData / UserData leaf of the
 * same name (the 104 "log cleared" event carries a `Channel` leaf) is stored under `EventData_` /
 * `UserData_` so that it never overwrites or merges with the System value; see docs/event-fields.md.
 */
export const SYSTEM_FIELD_NAMES: ReadonlySet<string> = new Set([
  'Provider_Name',
  'Provider_Guid',
  'Provider_EventSourceName',
  'EventID',
  'EventID_Qualifiers',
  'Version',
  'Level',
  'Task',
  'Opcode',
  'Keywords',
  'TimeCreated_SystemTime',
  'EventRecordID',
  'Correlation_ActivityID',
  'Correlation_RelatedActivityID',
  'Execution_ProcessID',
  'Execution_ThreadID',
  'Execution_ProcessorID',
  'Execution_SessionID',
  'Execution_KernelTime',
  'Execution_UserTime',
  'Execution_ProcessorTime',
  'Channel',
  'Computer',
  'Security_UserID',
]);

/**
 * Whitespace that holds a line break and nothing else is the layout of a pretty-printed export
 * (`<Correlation>⏎  </Correlation>`), not a value: it counts as empty.
 */
function isLayout(v: string): boolean {
  return v.charCodeAt(0) <= 32 && v.indexOf('\n') >= 0 && /^[ \t\r\n]*$/.test(v);
}

/** The view's one rule for empty: no text, or only the layout of a pretty-printed file. */
export function isEmptyValue(v: string): boolean {
  return v === '' || isLayout(v);
}

/** python-evtx's rendering of an array substitution (`<string>a</string>⏎…`), read back as a list. */
export function isStringArrayText(v: string): boolean {
  return v.charCodeAt(0) === 60 /* < */ && v.startsWith('<string>');
}

const STRING_ITEM = /<string>([\s\S]*?)<\/string>\n?/y;

/**
 * python-evtx renders an array substitution as one text `<string>a</string>\n<string>b</string>\n`
 * where Windows and evtx_dump repeat the element: read it back as the list of items.
 */
function stringArray(v: string): string[] | undefined {
  if (!isStringArrayText(v)) return undefined;
  const out: string[] = [];
  STRING_ITEM.lastIndex = 0;
  while (STRING_ITEM.lastIndex < v.length) {
    const m = STRING_ITEM.exec(v);
    if (m === null) return undefined;
    out.push(m[1] as string);
  }
  return out;
}

/**
 * Collects the fields of one record, whatever its shape, and applies the view's one rule:
 * empty, null and absent are the same (no empty value is stored), values are normalised by
 * `normValue`, repeated names become lists. Every reader (XML scanner, reference XML parser,
 * NDJSON walker) goes through this, so they cannot disagree on naming.
 */
export class FieldBuilder {
  private f: Dict<FieldValue> = dict<FieldValue>();
  /**
   * Every value stored, in the order stored, for the view's allValues (which would otherwise walk
   * the dictionary, 2-3 % of reading an XML record); undefined once a System value was replaced,
   * since the replaced one is not in the view.
   */
  private vals: string[] | undefined = [];
  private unnamed: string[] | null = null;
  private unnamedFilled = false;
  private ms = Number.NaN;

  /** A System value (`EventID`) or attribute (`Provider_Name`): the last one wins. */
  system(name: string, value: string): void {
    if (isEmptyValue(value)) return;
    if (this.vals !== undefined && this.f[name] !== undefined) this.vals = undefined;
    let v: string;
    if (name === 'TimeCreated_SystemTime') {
      const t = normSystemTime(value);
      this.ms = t.ms;
      v = t.text;
    } else v = normValue(value);
    this.f[name] = v;
    this.vals?.push(v);
  }

  /** A named EventData / UserData leaf; `prefix` is `EventData_` or `UserData_` for System clashes. */
  data(name: string, value: string, prefix: string): void {
    if (isEmptyValue(value)) return;
    if (SYSTEM_FIELD_NAMES.has(name)) name = prefix + name;
    if (value.charCodeAt(0) === 60 /* < */) {
      const items = stringArray(value);
      if (items !== undefined) {
        for (const v of items) if (v !== '') this.add(name, normValue(v));
        return;
      }
    }
    this.add(name, normValue(value));
  }

  /** A value kept under its name as it is (ECS dotted names, flat JSON keys): repeats become lists. */
  plain(name: string, value: string): void {
    if (isEmptyValue(value)) return;
    this.add(name, normValue(value));
  }

  /** An unnamed `<Data>`: kept in order, empty items included so positions hold. */
  unnamedData(value: string): void {
    if (this.unnamed === null) this.unnamed = [];
    if (value.charCodeAt(0) === 60 /* < */) {
      const items = stringArray(value);
      if (items !== undefined) {
        for (const v of items) this.unnamedData(v);
        return;
      }
    }
    if (!isEmptyValue(value)) {
      this.unnamedFilled = true;
      this.unnamed.push(normValue(value));
    } else this.unnamed.push('');
  }

  /** Sets the event time directly (ECS `@timestamp`, flat `SystemTime`) when no System time is given. */
  time(value: string, name: string): void {
    if (value === '' || this.f.TimeCreated_SystemTime !== undefined) return;
    const t = normSystemTime(value);
    if (Number.isNaN(t.ms)) return;
    this.ms = t.ms;
    if (name !== '') {
      if (this.f[name] !== undefined) this.vals = undefined;
      this.f[name] = t.text;
      this.vals?.push(t.text);
    }
  }

  has(name: string): boolean {
    return this.f[name] !== undefined;
  }

  private add(name: string, v: string): void {
    const old = this.f[name];
    if (old === undefined) this.f[name] = v;
    else if (typeof old === 'string') this.f[name] = [old, v];
    else (old as string[]).push(v);
    this.vals?.push(v);
  }

  /** Finishes the record and resets the builder for the next one. */
  finish(): FlatEvent {
    if (this.unnamed !== null) {
      if (this.unnamedFilled) {
        const old = this.f.Data;
        this.f.Data =
          old === undefined ? this.unnamed : [...(typeof old === 'string' ? [old] : old), ...this.unnamed];
        if (this.vals !== undefined) for (const v of this.unnamed) this.vals.push(v);
      }
      this.unnamed = null;
      this.unnamedFilled = false;
    }
    const ev = new FlatEvent(this.f, this.ms, this.vals);
    this.f = dict<FieldValue>();
    this.vals = [];
    this.ms = Number.NaN;
    return ev;
  }

  /** Drops whatever was collected (the record turned out to be malformed). */
  reset(): void {
    this.f = dict<FieldValue>();
    this.vals = [];
    this.unnamed = null;
    this.unnamedFilled = false;
    this.ms = Number.NaN;
  }
}
