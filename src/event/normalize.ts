import { isoUtc } from '../common/index.js';

/**
 * Value normalisation shared by every record shape, so that one event reads the same from
 * python-evtx XML, wevtutil XML and evtx_dump NDJSON (see docs/event-fields.md):
 * - hexadecimal `0x…` loses its zero padding (`0x000003e7` → `0x3e7`, `0x0000` → `0x0`);
 * - a GUID in any case, with or without braces, becomes `{lowercase}`;
 * - `True` / `False` become `true` / `false`;
 * - a FILETIME as one of the renderers writes it (`2019-03-19T00:02:04.3199446Z` with 1–9 fraction
 *   digits, or python-evtx's `2019-03-19 00:02:04.319944` / `2019-03-19 00:02:04`) becomes
 *   `2019-03-19T00:02:04.319944Z`. Other time texts (Sysmon's `UtcTime`, 3 digits, no zone) stay.
 * Everything else is returned unchanged. Each check starts with a length or first-character test,
 * so ordinary values cost a couple of comparisons.
 */
export function normValue(v: string): string {
  const n = v.length;
  if (n < 4) return v;
  const c0 = v.charCodeAt(0);
  if (c0 === 48 /* 0 */ && v.charCodeAt(1) === 120 /* x */) {
    return v.charCodeAt(2) === 48 ? stripHexZeros(v) : v;
  }
  if (n >= 19 && n <= 30 && v.charCodeAt(4) === 45 && v.charCodeAt(13) === 58) return fileTime(v);
  if (n === 36 || n === 38) return guid(v, n, c0);
  if (n === 4 && v === 'True') return 'true';
  if (n === 5 && v === 'False') return 'false';
  return v;
}

// The GUID last normalised, and what it became: a provider's GUID comes again on every one of its
// records (a comparison instead of a check and a lower-cased copy each time).
let guidIn = '';
let guidOut = '';

function guid(v: string, n: number, c0: number): string {
  if (v === guidIn) return guidOut;
  let out = v;
  if (n === 36) {
    const g = guidAt(v, 0);
    if (g !== NOT_GUID) out = `{${g === GUID_UPPER ? v.toLowerCase() : v}}`;
  } else if (c0 === 123 /* { */ && v.charCodeAt(37) === 125 /* } */ && guidAt(v, 1) === GUID_UPPER)
    // Braced and lower-case already (python-evtx, wevtutil): the value as it is.
    out = v.toLowerCase();
  guidIn = v;
  guidOut = out;
  return out;
}

function fileTime(v: string): string {
  const n = v.length;
  const sep = v.charCodeAt(10);
  if (sep === 84 /* T */) {
    if (v.charCodeAt(n - 1) !== 90 /* Z */) return v;
  } else if (sep !== 32 || (n !== 19 && n !== 26)) return v;
  const t = parseTime(v);
  return t === undefined ? v : isoMicros(t.ms, t.micros);
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function stripHexZeros(v: string): string {
  const n = v.length;
  let i = 2;
  for (let j = 2; j < n; j++) if (!isHex(v.charCodeAt(j))) return v;
  while (i < n - 1 && v.charCodeAt(i) === 48) i++;
  return `0x${v.slice(i)}`;
}

const NOT_GUID = 0;
const GUID_LOWER = 1;
const GUID_UPPER = 2;

/** Whether v holds a GUID's 36 characters at `at`, and whether any of its hex digits is upper case. */
function guidAt(v: string, at: number): number {
  let upper = false;
  for (let j = 0; j < 36; j++) {
    const c = v.charCodeAt(at + j);
    if (j === 8 || j === 13 || j === 18 || j === 23) {
      if (c !== 45 /* - */) return NOT_GUID;
    } else if (!isHex(c)) return NOT_GUID;
    else if (c >= 65 && c <= 70) upper = true;
  }
  return upper ? GUID_UPPER : GUID_LOWER;
}

const DIGIT0 = 48;

function digits(s: string, at: number, len: number): number {
  let r = 0;
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - DIGIT0;
    if (d < 0 || d > 9) return Number.NaN;
    r = r * 10 + d;
  }
  return r;
}

/** A parsed time: milliseconds since the epoch and the sub-millisecond microseconds (0–999). */
export interface ParsedTime {
  ms: number;
  micros: number;
}

let lastDay = -1;
let lastDayMs = Number.NaN;

/** Date.UTC(year, month - 1, day), remembered for the last day asked (events come in runs of one day). */
function dayStart(year: number, month: number, day: number): number {
  const key = (year * 100 + month) * 100 + day;
  if (key !== lastDay) {
    lastDay = key;
    lastDayMs = Date.UTC(year, month - 1, day);
  }
  return lastDayMs;
}

/**
 * Parses `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM]` (no zone means UTC, as python-evtx writes it).
 * Returns undefined for anything else.
 */
export function parseTime(s: string): ParsedTime | undefined {
  const n = s.length;
  if (n < 19) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58)
    return undefined;
  const sep = s.charCodeAt(10);
  if (sep !== 84 /* T */ && sep !== 32 /* space */ && sep !== 116 /* t */) return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (Number.isNaN(year + month + day + hour + minute + second)) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined;
  let i = 19;
  let micros6 = 0;
  if (i < n && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
    i++;
    let k = 0;
    while (i < n) {
      const d = s.charCodeAt(i) - DIGIT0;
      if (d < 0 || d > 9) break;
      if (k < 6) micros6 = micros6 * 10 + d;
      k++;
      i++;
    }
    if (k === 0) return undefined;
    for (; k < 6; k++) micros6 *= 10;
  }
  let zoneMs = 0;
  if (i < n) {
    const z = s.charCodeAt(i);
    if ((z === 90 || z === 122) && i === n - 1) i++;
    else if ((z === 43 || z === 45) && (n - i === 6 || n - i === 5)) {
      const hh = digits(s, i + 1, 2);
      const mm = n - i === 6 ? digits(s, i + 4, 2) : digits(s, i + 3, 2);
      if (Number.isNaN(hh + mm)) return undefined;
      zoneMs = (hh * 60 + mm) * 60_000 * (z === 43 ? 1 : -1);
      i = n;
    } else return undefined;
  }
  if (i !== n) return undefined;
  const base = dayStart(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000;
  if (Number.isNaN(base)) return undefined;
  return { ms: base - zoneMs + Math.floor(micros6 / 1000), micros: micros6 % 1000 };
}

/**
 * The one form of `TimeCreated_SystemTime` in the view: ISO 8601 UTC with microseconds,
 * `2019-03-19T00:02:04.319944Z` (longer fractions truncated, shorter ones padded).
 * Text that is not a recognisable time is kept as written.
 */
export function normSystemTime(s: string): { text: string; ms: number } {
  const t = parseTime(s);
  if (t === undefined) return { text: s, ms: Number.NaN };
  return { text: canonicalText(s) ?? isoMicros(t.ms, t.micros), ms: t.ms };
}

/**
 * The canonical text without building a Date, for the common already-UTC forms
 * `…THH:MM:SS.f{6,9}Z` (evtx_dump, wevtutil, Windows): a slice. undefined otherwise.
 */
function canonicalText(s: string): string | undefined {
  const n = s.length;
  if (n < 27 || n > 30 || s.charCodeAt(10) !== 84 || s.charCodeAt(19) !== 46 || s.charCodeAt(n - 1) !== 90)
    return undefined;
  return n === 27 ? s : `${s.slice(0, 26)}Z`;
}

/** ISO 8601 UTC with microsecond digits. */
export function isoMicros(ms: number, micros: number): string {
  const iso = isoUtc(ms) ?? new Date(ms).toISOString(); // …SS.mmmZ
  return `${iso.slice(0, 23)}${micros < 10 ? '00' : micros < 100 ? '0' : ''}${micros}Z`;
}
