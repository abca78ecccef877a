import { normValue } from '../event/index.js';

/**
 * The channel and event id of a record read from its raw text, without parsing it, so that the
 * rule index can be consulted before the parser runs. Only the shapes whose System block can be
 * located with certainty are read (wevtutil / python-evtx XML, evtx_dump JSON); anything unusual
 * (namespace prefixes, duplicates, entities, escapes, nesting) gives undefined and the record is
 * parsed as usual. The values are normalised exactly as the Event view normalises them.
 */
export interface RawKey {
  channel: string;
  eventId: string;
}

function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Whether the element starting at `tag` is a direct child of the element whose content starts at
 * `from`: the tags between them are balanced (attribute values are skipped, so a quoted `>` or
 * `/` cannot mislead the count).
 */
function directChild(r: string, from: number, tag: number): boolean {
  let depth = 0;
  let i = r.indexOf('<', from);
  while (i >= 0 && i < tag) {
    if (r.charCodeAt(i + 1) === 47 /* / */) {
      depth--;
      if (depth < 0) return false;
      i = r.indexOf('>', i);
      if (i < 0) return false;
    } else {
      let quote = 0;
      let j = i + 1;
      for (; j < tag; j++) {
        const c = r.charCodeAt(j);
        if (quote !== 0) {
          if (c === quote) quote = 0;
        } else if (c === 34 || c === 39) quote = c;
        else if (c === 62 /* > */) break;
      }
      if (j >= tag) return false;
      if (r.charCodeAt(j - 1) !== 47) depth++;
      i = j;
    }
    i = r.indexOf('<', i + 1);
  }
  return depth === 0;
}

/** The one `<Name>` (or `<Name attr…>`) element directly in System, as [start of text, end]. */
function systemLeaf(r: string, name: string, sys: number, sysEnd: number): [number, number] | undefined {
  const open = `<${name}`;
  let at = -1;
  let i = r.indexOf(open, sys);
  while (i >= 0 && i < sysEnd) {
    const c = r.charCodeAt(i + open.length);
    if (c === 62 || c === 32 || c === 47 || c === 9 || c === 10 || c === 13) {
      if (at >= 0) return undefined;
      at = i;
    }
    i = r.indexOf(open, i + open.length);
  }
  if (at < 0 || !directChild(r, sys, at)) return undefined;
  const gt = r.indexOf('>', at);
  if (gt < 0 || gt > sysEnd || r.charCodeAt(gt - 1) === 47) return undefined;
  for (let k = at + open.length; k < gt; k++) {
    const c = r.charCodeAt(k);
    if (c === 34 || c === 39 || c === 60) {
      // attribute values: only the simple quoted form without '>' or '<'
      const q = r.indexOf(String.fromCharCode(c), k + 1);
      if (c === 60 || q < 0 || q > gt) return undefined;
      k = q;
    }
  }
  const lt = r.indexOf('<', gt + 1);
  if (lt < 0 || !r.startsWith(`</${name}>`, lt)) return undefined;
  return [gt + 1, lt];
}

/** Channel and event id of one `<Event>…</Event>` record, or undefined. */
export function xmlKey(r: string): RawKey | undefined {
  const sys = r.indexOf('<System>');
  if (sys < 0 || r.indexOf('<System>', sys + 8) >= 0) return undefined;
  const sysEnd = r.indexOf('</System>', sys);
  if (sysEnd < 0 || !directChild(r, r.indexOf('>') + 1, sys)) return undefined;
  const ch = systemLeaf(r, 'Channel', sys + 8, sysEnd);
  const id = systemLeaf(r, 'EventID', sys + 8, sysEnd);
  if (ch === undefined || id === undefined) return undefined;
  const channel = r.slice(ch[0], ch[1]);
  const eventId = r.slice(id[0], id[1]);
  if (channel === '' || channel.indexOf('&') >= 0 || channel.trim() !== channel || !isDigits(eventId))
    return undefined;
  return { channel: normValue(channel), eventId: normValue(eventId) };
}

/** Index just after the JSON string starting at `i` (a quote), or -1. */
function skipString(s: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = s.indexOf('"', j);
    if (q < 0) return -1;
    let run = 0;
    while (s.charCodeAt(q - 1 - run) === 92) run++;
    if (run % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** Index just after the JSON value starting at `i`, or -1. */
function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === 34) return skipString(s, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    let j = i;
    while (j < s.length) {
      const d = s.charCodeAt(j);
      if (d === 34) {
        j = skipString(s, j);
        if (j < 0) return -1;
        continue;
      }
      if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) return j + 1;
      }
      j++;
    }
    return -1;
  }
  let j = i;
  while (j < s.length) {
    const d = s.charCodeAt(j);
    if (d === 44 || d === 125 || d === 93 || d === 32 || d === 9 || d === 13 || d === 10) break;
    j++;
  }
  return j > i ? j : -1;
}

/** The text of a digits-only EventID value: a number, a string, or `{…, "#text": N}`. */
function eventIdValue(s: string, i: number, end: number): string | undefined {
  const c = s.charCodeAt(i);
  if (c >= 48 && c <= 57) {
    // A JSON number as JSON.parse reads it and String() writes it back: no leading zero.
    const t = s.slice(i, end);
    return isDigits(t) && (c !== 48 || t.length === 1) ? t : undefined;
  }
  if (c === 34) {
    const t = s.slice(i + 1, end - 1);
    return isDigits(t) ? t : undefined;
  }
  if (c !== 123) return undefined;
  const inner = s.slice(i, end);
  const k = inner.indexOf('"#text":');
  if (k < 0 || inner.indexOf('"#text":', k + 1) >= 0) return undefined;
  const v = k + 8;
  const ve = skipValue(inner, v);
  if (ve < 0 || (inner.charCodeAt(ve) !== 125 && inner.charCodeAt(ve) !== 44)) return undefined;
  // #text must sit directly in the EventID object: nothing nested before it.
  const before = inner.slice(1, k);
  if (before.indexOf('{') >= 0 && !/^"#attributes":\{[^{}]*\},$/.test(before)) return undefined;
  return eventIdValue(inner, v, ve);
}

function countOf(s: string, needle: string): number {
  let n = 0;
  let i = s.indexOf(needle);
  while (i >= 0) {
    n++;
    i = s.indexOf(needle, i + needle.length);
  }
  return n;
}

/** Channel and event id of one evtx_dump JSON line (`{"Event":{…,"System":{…}}}`), or undefined. */
export function jsonKey(s: string): RawKey | undefined {
  if (!s.startsWith('{"Event":{') || countOf(s, '"Event":') !== 1 || countOf(s, '"System":') !== 1)
    return undefined;
  // Walk the keys of Event (depth 2) to System.
  let i = 10;
  let sys = -1;
  while (i < s.length) {
    if (s.charCodeAt(i) !== 34) return undefined;
    const ke = skipString(s, i);
    if (ke < 0 || s.charCodeAt(ke) !== 58) return undefined;
    const key = s.slice(i + 1, ke - 1);
    if (key === 'System') {
      sys = ke + 1;
      break;
    }
    const ve = skipValue(s, ke + 1);
    if (ve < 0 || s.charCodeAt(ve) !== 44) return undefined;
    i = ve + 1;
  }
  if (sys < 0 || s.charCodeAt(sys) !== 123) return undefined;
  let channel: string | undefined;
  let eventId: string | undefined;
  i = sys + 1;
  while (i < s.length && s.charCodeAt(i) !== 125) {
    if (s.charCodeAt(i) !== 34) return undefined;
    const ke = skipString(s, i);
    if (ke < 0 || s.charCodeAt(ke) !== 58) return undefined;
    const key = s.slice(i + 1, ke - 1);
    const vs = ke + 1;
    const ve = skipValue(s, vs);
    if (ve < 0) return undefined;
    if (key === 'Channel') {
      if (channel !== undefined || s.charCodeAt(vs) !== 34) return undefined;
      channel = s.slice(vs + 1, ve - 1);
      if (channel === '' || channel.indexOf('\\') >= 0 || channel.trim() !== channel) return undefined;
    } else if (key === 'EventID') {
      if (eventId !== undefined) return undefined;
      eventId = eventIdValue(s, vs, ve);
      if (eventId === undefined) return undefined;
    }
    const c = s.charCodeAt(ve);
    if (c === 125) break;
    if (c !== 44) return undefined;
    i = ve + 1;
  }
  if (channel === undefined || eventId === undefined) return undefined;
  return { channel: normValue(channel), eventId: normValue(eventId) };
}
