import type { Dict } from '../common/index.js';
import { FieldBuilder, isEmptyValue, isStringArrayText, SYSTEM_FIELD_NAMES } from './builder.js';
import { type FlatEvent, firstText, getByName } from './event.js';
import { isObj, isXmlns, jsonRecord, scalar } from './json-event.js';
import { joinName } from './names.js';
import { normSystemTime, normValue, parseTime } from './normalize.js';
import type { Event, FieldValue } from './types.js';

type JObj = Record<string, unknown>;

/** Where a System name of the view lives in evtx_dump's System block: the key, and the attribute. */
interface SystemPath {
  key: string;
  attr: string | undefined;
}

const SYSTEM_PATH: ReadonlyMap<string, SystemPath> = new Map(
  [...SYSTEM_FIELD_NAMES].map((name) => {
    const u = name.indexOf('_');
    return [
      name,
      u < 0 ? { key: name, attr: undefined } : { key: name.slice(0, u), attr: name.slice(u + 1) },
    ];
  }),
);

const TIME_NAME = 'TimeCreated_SystemTime';
const TIME_PATH = SYSTEM_PATH.get(TIME_NAME) as SystemPath;

/** System keys stored from a scalar or `#text` (no attribute part), e.g. `EventID`, `Channel`. */
const TEXT_KEYS: ReadonlySet<string> = new Set(
  [...SYSTEM_PATH].filter(([, p]) => p.attr === undefined).map(([name]) => name),
);

/** For each System key, the attributes whose joined names are System names (`Provider` → Name, Guid…). */
const ATTRS_OF: ReadonlyMap<string, ReadonlySet<string>> = (() => {
  const m = new Map<string, Set<string>>();
  for (const [, p] of SYSTEM_PATH) {
    if (p.attr === undefined) continue;
    let set = m.get(p.key);
    if (set === undefined) {
      set = new Set();
      m.set(p.key, set);
    }
    set.add(p.attr);
  }
  return m;
})();

/**
 * Top-level keys of evtx_dump's `Event` beside which System names can only come from System: the
 * eager reader prefixes whatever EventData, UserData and RenderingInfo hold (`EventData_…`,
 * `UserData_…`, `RenderingInfo_…`), while any other element's attributes become `<element>_<attr>`,
 * which could be a System name.
 */
const SYSTEM_SAFE_EVENT_KEYS: ReadonlySet<string> = new Set([
  '#attributes',
  '#text',
  'System',
  'EventData',
  'UserData',
  'RenderingInfo',
]);

/** Top-level keys of evtx_dump's `Event` that a plain record may have. */
const PLAIN_EVENT_KEYS: ReadonlySet<string> = new Set(['#attributes', 'System', 'EventData']);

/** A System value or attribute as the view stores it; undefined when empty. */
function systemText(name: string, text: string | undefined): string | undefined {
  if (text === undefined || isEmptyValue(text)) return undefined;
  return name === TIME_NAME ? normSystemTime(text).text : normValue(text);
}

/** `"Data":{"#text":…}` (unnamed <Data>) holding scalars only, with nothing beside `#text`. */
function plainUnnamed(v: object): boolean {
  if (Array.isArray(v)) return false;
  let text = false;
  for (const k of Object.keys(v)) {
    if (k !== '#text') return false;
    text = true;
  }
  if (!text) return false;
  const t = (v as JObj)['#text'];
  const items = Array.isArray(t) ? t : [t];
  for (const e of items) {
    if (e !== null && typeof e === 'object') return false;
    if (typeof e === 'string' && isStringArrayText(e)) return false;
  }
  return true;
}

/** The unnamed <Data> list as the eager reader keeps it (empty items hold their place); undefined if all empty. */
function unnamedList(v: JObj, raw: string): string[] | undefined {
  const t = v['#text'];
  const items = Array.isArray(t) ? t : [t];
  const out: string[] = [];
  let filled = false;
  for (const e of items) {
    const s = scalar(e, raw, 'Data') ?? '';
    if (isEmptyValue(s)) out.push('');
    else {
      filled = true;
      out.push(normValue(s));
    }
  }
  return filled ? out : undefined;
}

/** An EventData leaf of a plain record as the view stores it; undefined when empty. */
function dataText(v: unknown, raw: string, key: string): string | undefined {
  const s = scalar(v, raw, key);
  if (s === undefined || isEmptyValue(s)) return undefined;
  return normValue(s);
}

function pushText(out: string[], s: string | undefined): void {
  if (s !== undefined) out.push(s);
}

const materialiser = new FieldBuilder();

const NO_NAMES: readonly string[] = Object.freeze([]);

// spacedNames relies on this: a plain record's System names are these, and none holds a space.
for (const n of SYSTEM_FIELD_NAMES)
  if (n.indexOf(' ') >= 0) throw new Error(`System name with a space: ${n}`);

/**
 * The Event view of one evtx_dump JSON record, read from the parsed object on demand instead of
 * copied into a field dictionary up front. Its time, channel, event id and the other System names
 * are read where evtx_dump puts them, so a record no rule can reach (its channel and event id name
 * no rule) costs its JSON.parse and little else. Single fields of a *plain* record (a System block of
 * the known names, an EventData block of scalar leaves) are read in place too, normalised as the
 * eager reader would have (docs/event-fields.md). Anything else, and any read of every value (the
 * literal pre-filter, keyword searches, a hit's fields), builds the dictionary once with the eager
 * reader (`jsonRecord` into a FieldBuilder), so both give the same view by construction; a
 * differential test holds them equal over the shared corpus. As there, keys are read with
 * Object.keys / Object.hasOwn only: nothing inherited is ever taken for a field.
 */
export class EvtxJsonEvent implements Event {
  private readonly sys: JObj | undefined;
  private readonly ed: JObj | undefined;
  /** undefined until checked; then whether the record is plain. */
  private plainChecked: boolean | undefined;
  /** undefined until checked; then whether System names can be read in place (see systemReadable). */
  private systemChecked: boolean | undefined;
  private full: FlatEvent | undefined;
  private ms: number | undefined;

  constructor(
    private readonly root: JObj,
    private readonly raw: string,
  ) {
    const ev = root.Event as JObj;
    this.sys = isObj(ev.System) ? ev.System : undefined;
    this.ed = isObj(ev.EventData) ? ev.EventData : undefined;
  }

  /** Whether every field can be read in place (see the class comment). Checked once. */
  private get plain(): boolean {
    if (this.plainChecked === undefined) this.plainChecked = this.checkPlain();
    return this.plainChecked;
  }

  private get systemInPlace(): boolean {
    if (this.systemChecked === undefined) {
      this.systemChecked = Object.keys(this.root.Event as JObj).every((k) => SYSTEM_SAFE_EVENT_KEYS.has(k));
    }
    return this.systemChecked;
  }

  // for…in over the record's own keys (Object.hasOwn), not Object.keys: the parsed objects of one
  // shape share V8's key cache, and a for…in over it allocates no array per object.
  private checkPlain(): boolean {
    const ev = this.root.Event as JObj;
    for (const k in ev) {
      if (!Object.hasOwn(ev, k)) continue;
      if (!PLAIN_EVENT_KEYS.has(k)) return false;
      const v = ev[k];
      if (k !== '#attributes' && v !== null && !isObj(v)) return false;
    }
    const sys = this.sys;
    if (sys !== undefined) {
      for (const k in sys) {
        if (!Object.hasOwn(sys, k)) continue;
        const v = sys[k];
        if (v === null || v === undefined) continue;
        if (typeof v !== 'object') {
          if (!TEXT_KEYS.has(k)) return false;
          continue;
        }
        if (Array.isArray(v)) return false;
        const o = v as JObj;
        for (const c in o) {
          if (!Object.hasOwn(o, c)) continue;
          const cv = o[c];
          if (c === '#text') {
            if (!TEXT_KEYS.has(k) || (cv !== null && typeof cv === 'object')) return false;
          } else if (c === '#attributes') {
            if (cv === null || cv === undefined) continue;
            if (!isObj(cv)) return false;
            const allowed = ATTRS_OF.get(k);
            for (const a in cv) {
              if (!Object.hasOwn(cv, a)) continue;
              const av = cv[a];
              if (av !== null && typeof av === 'object') return false;
              if ((allowed === undefined || !allowed.has(a)) && !isXmlns(a)) return false;
            }
          } else return false;
        }
      }
    }
    const ed = this.ed;
    if (ed !== undefined) {
      for (const k in ed) {
        if (!Object.hasOwn(ed, k)) continue;
        const v = ed[k];
        if (k === '#attributes') {
          if (v === null || v === undefined) continue;
          if (!isObj(v)) return false;
          for (const a in v) {
            if (!Object.hasOwn(v, a)) continue;
            const av = v[a];
            if (av !== null && typeof av === 'object') return false;
            // `EventData_<a>` must not also be a leaf's name (the eager reader would make a list).
            if (!isXmlns(a) && Object.hasOwn(ed, `EventData_${a}`)) return false;
          }
          continue;
        }
        if (k === '#text' || SYSTEM_FIELD_NAMES.has(k) || k.indexOf(':') >= 0) return false;
        if (typeof v === 'string') {
          if (isStringArrayText(v)) return false;
        } else if (v !== null && typeof v === 'object') {
          if (k !== 'Data' || !plainUnnamed(v)) return false;
        }
      }
    }
    return true;
  }

  /** The view built by the eager reader (for records that are not plain, and for `fields`). */
  private materialised(): FlatEvent {
    if (this.full === undefined) {
      try {
        jsonRecord(this.root, this.raw, materialiser);
      } catch (e) {
        // Nothing half-read may reach the next record's view (the parser reports this one).
        materialiser.reset();
        throw e;
      }
      this.full = materialiser.finish();
    }
    return this.full;
  }

  /** Whether the field dictionary has been built (for tests: plain records should not need it). */
  get materialisedYet(): boolean {
    return this.full !== undefined;
  }

  /** The time, parsed once from the text evtx_dump wrote (as the eager reader parses it). */
  get timestamp(): number {
    if (this.ms === undefined) {
      if (this.full === undefined && this.systemReadable(TIME_NAME, TIME_PATH)) {
        const t = this.systemRaw(TIME_PATH);
        this.ms = t === undefined || isEmptyValue(t) ? Number.NaN : (parseTime(t)?.ms ?? Number.NaN);
      } else this.ms = this.materialised().timestamp;
    }
    return this.ms;
  }

  /**
   * Whether a System name can be read in place: unless another element could also produce it (an
   * element other than those of SYSTEM_SAFE_EVENT_KEYS, or a System child spelled as the joined name
   * itself, `"Provider_Name":…` beside `"Provider":{"#attributes":{"Name":…}}`). Neither needs the
   * rest of the record to be plain, so the time, channel and event id every hunt reads cost little.
   */
  private systemReadable(name: string, path: SystemPath): boolean {
    if (this.plainChecked === true) return true;
    if (!this.systemInPlace) return false;
    return path.attr === undefined || this.sys === undefined || !Object.hasOwn(this.sys, name);
  }

  /** The text of a System name where evtx_dump puts it, before the view's normalisation. */
  private systemRaw(path: SystemPath): string | undefined {
    const sys = this.sys;
    if (sys === undefined || !Object.hasOwn(sys, path.key)) return undefined;
    const v = sys[path.key];
    if (path.attr === undefined)
      return isObj(v) ? scalar(v['#text'], this.raw, path.key) : scalar(v, this.raw, path.key);
    if (!isObj(v)) return undefined;
    const attrs = v['#attributes'];
    if (!isObj(attrs) || !Object.hasOwn(attrs, path.attr)) return undefined;
    return scalar(attrs[path.attr], this.raw, path.attr);
  }

  /** A flat name of the view. */
  private flat(name: string): FieldValue | undefined {
    if (this.full !== undefined) return this.full.fields[name];
    const path = SYSTEM_PATH.get(name);
    if (path !== undefined)
      return this.systemReadable(name, path)
        ? systemText(name, this.systemRaw(path))
        : this.materialised().fields[name];
    if (!this.plain) return this.materialised().fields[name];
    const ed = this.ed;
    if (ed === undefined) return undefined;
    if (Object.hasOwn(ed, name)) {
      const v = ed[name];
      return v !== null && typeof v === 'object'
        ? unnamedList(v as JObj, this.raw)
        : dataText(v, this.raw, name);
    }
    if (name.startsWith('EventData_')) {
      const attrs = ed['#attributes'];
      const a = name.slice(10);
      if (isObj(attrs) && !isXmlns(a) && Object.hasOwn(attrs, a)) return dataText(attrs[a], this.raw, a);
    }
    return undefined;
  }

  get computer(): string {
    return firstText(this.flat('Computer'));
  }
  get channel(): string {
    return firstText(this.flat('Channel'));
  }
  get eventId(): string {
    return firstText(this.flat('EventID'));
  }
  get recordId(): string {
    return firstText(this.flat('EventRecordID'));
  }
  get provider(): string {
    return firstText(this.flat('Provider_Name'));
  }

  get fields(): Readonly<Dict<FieldValue>> {
    return this.materialised().fields;
  }

  field(name: string): FieldValue | undefined {
    return this.flat(name);
  }

  get(name: string): FieldValue | undefined {
    return getByName(this, name);
  }

  /**
   * Every name: the record is read whole then, so the dictionary is built once (by the eager
   * reader) and later lookups read it, at the cost an eager read would have had.
   */
  fieldNames(): readonly string[] {
    return this.materialised().fieldNames();
  }

  /**
   * A plain record's names are System names (none holds a space), its EventData keys, `Data`, and
   * `EventData_<attribute>`: when no EventData key or attribute holds a space, neither does any name,
   * and the dictionary is not built to find that out. Otherwise the built dictionary answers.
   */
  spacedNames(): readonly string[] {
    if (this.full !== undefined || !this.plain) return this.materialised().spacedNames();
    const ed = this.ed;
    if (ed === undefined) return NO_NAMES;
    for (const k of Object.keys(ed)) {
      if (k.indexOf(' ') >= 0) return this.materialised().spacedNames();
    }
    const attrs = ed['#attributes'];
    if (isObj(attrs)) {
      for (const a of Object.keys(attrs)) {
        if (a.indexOf(' ') >= 0) return this.materialised().spacedNames();
      }
    }
    return NO_NAMES;
  }

  /**
   * Every value (the literal pre-filter reads them for every record a rule can reach): read in place
   * from a plain record, normalised as `flat` reads each, without building the dictionary; from the
   * dictionary otherwise. The order may differ from the dictionary's; the multiset does not.
   */
  allValues(): readonly string[] {
    if (this.full !== undefined || !this.plain) return this.materialised().allValues();
    const out: string[] = [];
    const raw = this.raw;
    const sys = this.sys;
    if (sys !== undefined) {
      for (const k of Object.keys(sys)) {
        const v = sys[k];
        if (v === null || v === undefined) continue;
        if (!isObj(v)) {
          pushText(out, systemText(k, scalar(v, raw, k)));
          continue;
        }
        const attrs = v['#attributes'];
        if (isObj(attrs)) {
          for (const a of Object.keys(attrs)) {
            if (!isXmlns(a)) pushText(out, systemText(joinName(k, a), scalar(attrs[a], raw, a)));
          }
        }
        pushText(out, systemText(k, scalar(v['#text'], raw, k)));
      }
    }
    const ed = this.ed;
    if (ed !== undefined) {
      for (const k of Object.keys(ed)) {
        const v = ed[k];
        if (k === '#attributes') {
          if (isObj(v))
            for (const a of Object.keys(v)) if (!isXmlns(a)) pushText(out, dataText(v[a], raw, a));
        } else if (v !== null && typeof v === 'object') {
          const list = unnamedList(v as JObj, raw);
          if (list !== undefined) for (const x of list) out.push(x);
        } else pushText(out, dataText(v, raw, k));
      }
    }
    return out;
  }
}
