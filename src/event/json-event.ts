import type { FieldBuilder } from './builder.js';
import { ECS_SYSTEM, joinName } from './names.js';

/**
 * Turns one parsed NDJSON object into fields. Three shapes are recognised:
 * - evtx_dump (`{"Event":{"System":…,"EventData":…}}`), read exactly as the XML twin;
 * - Winlogbeat / ECS (`winlog.*`, `@timestamp`): System names from the winlog block, data leaves from
 *   `winlog.event_data` / `winlog.user_data`, every other field kept under its dotted ECS name;
 * - flat objects (Zircolite / hayabusa style): keys as they are, nested objects joined with dots.
 * Keys are read with Object.keys / Object.hasOwn only and written into null-prototype dictionaries,
 * so a `__proto__` key is an ordinary field.
 */

type JObj = Record<string, unknown>;

export function isObj(v: unknown): v is JObj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * JSON numbers beyond 2^53 lose digits in JSON.parse; the view wants the decimal text as written,
 * so such a number is looked up again in the raw line next to its key.
 */
function rawNumber(raw: string, key: string, value: number): string {
  const needle = JSON.stringify(key);
  let at = raw.indexOf(needle);
  while (at >= 0) {
    let i = at + needle.length;
    while (raw.charCodeAt(i) === 32 || raw.charCodeAt(i) === 9) i++;
    if (raw.charCodeAt(i) === 58 /* : */) {
      i++;
      while (raw.charCodeAt(i) === 32 || raw.charCodeAt(i) === 9) i++;
      let j = i;
      while (j < raw.length && /[-+0-9.eE]/.test(raw.charAt(j))) j++;
      const tok = raw.slice(i, j);
      if (tok.length > 0 && Number(tok) === value) return tok;
    }
    at = raw.indexOf(needle, at + 1);
  }
  return String(value);
}

/** A scalar as the view's text: strings as they are, numbers as their decimal text, booleans true/false. */
export function scalar(v: unknown, raw: string, key: string): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return Number.isInteger(v) && !Number.isSafeInteger(v) ? rawNumber(raw, key, v) : String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      return undefined;
  }
}

export function isXmlns(a: string): boolean {
  return a.startsWith('xmlns');
}

function local(n: string): string {
  const i = n.indexOf(':');
  return i < 0 ? n : n.slice(i + 1);
}

/** evtx_dump writes repeated siblings as X, X_1, X_2…: read them back as repeats of X. */
function siblingName(obj: JObj, k: string): string {
  const u = k.lastIndexOf('_');
  if (u <= 0 || u === k.length - 1) return k;
  for (let i = u + 1; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c < 48 || c > 57) return k;
  }
  const base = k.slice(0, u);
  return Object.hasOwn(obj, base) ? base : k;
}

/**
 * How deep the reader follows a record's nested objects and arrays. No exported event nests deep
 * (the shared corpus's 14,790 NDJSON records: 6 levels at most); an attacker's record can nest
 * 200,000, which the recursive reader would overflow the stack on, taking the whole hunt with it.
 * Deeper values are not read, and counted (`nestingDrops`) so that the parser can say so.
 */
export const MAX_NESTING = 64;

let drops = 0;

/** How many times a value was left unread for nesting too deep, since the process started. */
export function nestingDrops(): number {
  return drops;
}

function nested(b: FieldBuilder, name: string, v: unknown, prefix: string, raw: string, depth = 0): void {
  if (v === null || v === undefined) return;
  if (depth > MAX_NESTING) {
    drops++;
    return;
  }
  const l = local(name);
  if (Array.isArray(v)) {
    for (const e of v) nested(b, name, e, prefix, raw, depth + 1);
    return;
  }
  if (!isObj(v)) {
    const s = scalar(v, raw, name);
    if (s !== undefined) b.data(l, s, prefix);
    return;
  }
  const attrs = v['#attributes'];
  if (isObj(attrs)) {
    for (const a of Object.keys(attrs)) {
      if (isXmlns(a)) continue;
      const s = scalar(attrs[a], raw, a);
      if (s !== undefined) b.data(`${l}_${a}`, s, prefix);
    }
  }
  for (const k of Object.keys(v)) {
    if (k === '#attributes') continue;
    if (k === '#text') {
      const t = v[k];
      if (Array.isArray(t)) for (const e of t) nested(b, name, e, prefix, raw, depth + 1);
      else nested(b, name, t, prefix, raw, depth + 1);
      continue;
    }
    nested(b, siblingName(v, k), v[k], prefix, raw, depth + 1);
  }
}

function system(b: FieldBuilder, sys: JObj, raw: string): void {
  for (const k of Object.keys(sys)) {
    const v = sys[k];
    if (isObj(v)) {
      const attrs = v['#attributes'];
      if (isObj(attrs)) {
        for (const a of Object.keys(attrs)) {
          if (isXmlns(a)) continue;
          const s = scalar(attrs[a], raw, a);
          if (s !== undefined) b.system(joinName(k, a), s);
        }
      }
      const t = scalar(v['#text'], raw, k);
      if (t !== undefined) b.system(k, t);
    } else {
      const s = scalar(v, raw, k);
      if (s !== undefined) b.system(k, s);
    }
  }
}

function eventData(b: FieldBuilder, ed: JObj, raw: string): void {
  for (const k of Object.keys(ed)) {
    const v = ed[k];
    if (k === '#attributes') {
      if (isObj(v))
        for (const a of Object.keys(v)) {
          if (isXmlns(a)) continue;
          const s = scalar(v[a], raw, a);
          if (s !== undefined) b.plain(`EventData_${a}`, s);
        }
      continue;
    }
    if (k === '#text') continue;
    if (k === 'Data' && isObj(v) && Object.hasOwn(v, '#text')) {
      const t = v['#text'];
      if (Array.isArray(t)) {
        for (const e of t) b.unnamedData(scalar(e, raw, k) ?? '');
      } else b.unnamedData(scalar(t, raw, k) ?? '');
      continue;
    }
    nested(b, k, v, 'EventData_', raw);
  }
}

function rendering(b: FieldBuilder, name: string, v: unknown, depth: number, raw: string): void {
  if (Array.isArray(v)) {
    for (const e of v) rendering(b, name, e, depth, raw);
    return;
  }
  if (isObj(v)) {
    const attrs = v['#attributes'];
    if (isObj(attrs))
      for (const a of Object.keys(attrs)) {
        if (isXmlns(a)) continue;
        const s = scalar(attrs[a], raw, a);
        if (s !== undefined) b.plain(depth === 2 ? `RenderingInfo_${a}` : `RenderingInfo_${name}_${a}`, s);
      }
    for (const k of Object.keys(v)) {
      if (k === '#attributes') continue;
      if (k === '#text') rendering(b, name, v[k], depth, raw);
      else rendering(b, siblingName(v, k), v[k], depth + 1, raw);
    }
    return;
  }
  const s = scalar(v, raw, name);
  if (s === undefined || depth < 3) return;
  if (name === 'Message' && depth === 3 && !b.has('Message')) b.plain('Message', s);
  else b.plain(`RenderingInfo_${name}`, s);
}

function evtxDump(b: FieldBuilder, ev: JObj, raw: string): void {
  for (const k of Object.keys(ev)) {
    const v = ev[k];
    if (k === '#attributes' || k === '#text') continue;
    if (k === 'System') {
      if (isObj(v)) system(b, v, raw);
    } else if (k === 'EventData') {
      if (isObj(v)) eventData(b, v, raw);
    } else if (k === 'RenderingInfo') {
      rendering(b, k, v, 2, raw);
    } else if (isObj(v)) {
      const attrs = v['#attributes'];
      if (isObj(attrs))
        for (const a of Object.keys(attrs)) {
          if (isXmlns(a)) continue;
          const s = scalar(attrs[a], raw, a);
          if (s !== undefined) b.plain(`${local(k)}_${a}`, s);
        }
      for (const c of Object.keys(v)) {
        if (c === '#attributes' || c === '#text') continue;
        nested(b, siblingName(v, c), v[c], 'UserData_', raw);
      }
    }
  }
}

type Emit = (name: string, values: string[] | string) => void;

/** An array's object or array element as the view keeps it (its JSON text); undefined when too deep to write. */
function elementText(e: object): string | undefined {
  try {
    return JSON.stringify(e);
  } catch {
    // Only a stack overflow can end JSON.stringify of a parsed value (no cycles, no BigInt).
    drops++;
    return undefined;
  }
}

function flatten(o: JObj, prefix: string, emit: Emit, raw: string, depth = 0): void {
  if (depth > MAX_NESTING) {
    drops++;
    return;
  }
  for (const k of Object.keys(o)) {
    const v = o[k];
    const name = prefix + k;
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) {
      const list: string[] = [];
      for (const e of v) {
        if (e === null || e === undefined) continue;
        const text = isObj(e) || Array.isArray(e) ? elementText(e) : (scalar(e, raw, k) ?? '');
        if (text !== undefined) list.push(text);
      }
      if (list.length > 0) emit(name, list);
    } else if (isObj(v)) flatten(v, `${name}.`, emit, raw, depth + 1);
    else {
      const s = scalar(v, raw, k);
      if (s !== undefined) emit(name, s);
    }
  }
}

const DATA_PREFIX = 'winlog.event_data.';
const USER_PREFIX = 'winlog.user_data.';

function ecs(b: FieldBuilder, o: JObj, raw: string): void {
  let code: string | undefined;
  flatten(
    o,
    '',
    (name, vals) => {
      const list = typeof vals === 'string' ? [vals] : vals;
      if (name.startsWith(DATA_PREFIX)) {
        const leaf = name.slice(DATA_PREFIX.length);
        for (const v of list) b.data(leaf, v, 'EventData_');
        return;
      }
      if (name.startsWith(USER_PREFIX)) {
        const leaf = name.slice(name.lastIndexOf('.') + 1);
        for (const v of list) b.data(leaf, v, 'UserData_');
        return;
      }
      const sys = ECS_SYSTEM[name];
      if (sys !== undefined) {
        if (list.length === 1) b.system(sys, list[0] as string);
        else for (const v of list) b.plain(sys, v);
        return;
      }
      if (name === 'event.code' && typeof vals === 'string') code = vals;
      for (const v of list) b.plain(name, v);
    },
    raw,
  );
  if (code !== undefined && !b.has('EventID')) b.system('EventID', code);
}

/** Keys a flat object may carry its time under, by preference. */
const FLAT_TIMES = ['SystemTime', 'Timestamp', '@timestamp', 'timestamp'];

function flat(b: FieldBuilder, o: JObj, raw: string): void {
  let time: string | undefined;
  let rank = FLAT_TIMES.length;
  flatten(
    o,
    '',
    (name, vals) => {
      if (typeof vals === 'string') {
        if (name === 'TimeCreated_SystemTime') {
          b.system(name, vals);
          return;
        }
        const r = FLAT_TIMES.indexOf(name);
        if (r >= 0 && r < rank) {
          rank = r;
          time = vals;
        }
        b.plain(name, vals);
      } else for (const v of vals) b.plain(name, v);
    },
    raw,
  );
  if (time !== undefined) b.time(time, '');
}

function isEcs(o: JObj): boolean {
  if (isObj(o.winlog) || Object.hasOwn(o, '@timestamp')) return true;
  for (const k of Object.keys(o)) if (k.startsWith('winlog.')) return true;
  return false;
}

/** Reads one NDJSON object (already parsed from `raw`) into the builder. */
export function jsonRecord(o: JObj, raw: string, b: FieldBuilder): void {
  const ev = o.Event;
  if (isObj(ev) && Object.hasOwn(o, 'Event')) evtxDump(b, ev, raw);
  else if (isEcs(o)) ecs(b, o, raw);
  else flat(b, o, raw);
}
