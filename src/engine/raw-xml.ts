import { bytesAre, isDigitBytes, isPlainAscii, lowersToAscii, type RawRecord } from './raw-record.js';

const MAX_DEPTH = 64;
/** Per-depth scratch (one walk at a time per thread): element name, end of its start tag, children. */
const nameFrom = new Int32Array(MAX_DEPTH + 2);
const nameTo = new Int32Array(MAX_DEPTH + 2);
const openEnd = new Int32Array(MAX_DEPTH + 2);
const hadChild = new Uint8Array(MAX_DEPTH + 2);

/** Text bytes that need no look: not `<`, `&` or outside ASCII. */
const TEXT_PLAIN = new Uint8Array(256);
for (let c = 0; c < 128; c++) TEXT_PLAIN[c] = c === 60 || c === 38 ? 0 : 1;

/** A System start tag, plain or prefixed (`<` never stands raw in text or attribute values). */
const SYSTEM_TAG = Buffer.from('<System');
const PREFIXED_SYSTEM = Buffer.from(':System');

/** Whether `needle` occurs in b[from, to) (one native search over that range only). */
function occurs(b: Uint8Array, from: number, to: number, needle: Buffer): boolean {
  if (to - from < needle.length) return false;
  return Buffer.from(b.buffer, b.byteOffset + from, to - from).indexOf(needle) >= 0;
}

function isSpace(c: number | undefined): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Index of the local part of the name b[from, to) (after a namespace prefix). */
function localFrom(b: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) if (b[i] === 58 /* : */) return i + 1;
  return from;
}

function localIs(b: Uint8Array, from: number, to: number, name: string): boolean {
  return bytesAre(b, localFrom(b, from, to), to, name);
}

/** Whether b[from, to) holds `&#` (a numeric reference the parser decodes) or a character lowering to ASCII. */
function unreadable(b: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c === 38 /* & */ && b[i + 1] === 35 /* # */) return true;
    if (c >= 0x80 && lowersToAscii(b, i)) return true;
  }
  return false;
}

/**
 * Walks one `<Event …>…</Event>` record's bytes b[from, to) the way the record scanner reads it
 * (src/event/xml-scan.ts): text and attribute values go to `rec` as ranges; element and attribute
 * names, `xmlns` attributes, the Event element's own attributes and EventData's `<Data Name="…">`
 * (a field's name) do not. System's Channel and EventID are read when `<System>`, `<Channel>` and
 * `<EventID>` each occur once where they belong, as leaves (Channel plain text without entities,
 * EventID digits). The record is not scannable (`rec.ok` false) when it holds a numeric character
 * reference, CDATA, a comment, a processing instruction or a declaration (text the parser joins or
 * decodes), a character that lower-cases to ASCII, or anything the record scanner would refuse.
 * With `keyOnly`, the walk stops after System (`rec.complete` false): the ranges are not all there,
 * and a second System later in the record is not seen, so the key is only as sure as the first one.
 */
export function walkXml(b: Uint8Array, from: number, to: number, rec: RawRecord, keyOnly = false): void {
  rec.reset();
  let depth = 0;
  let i = from;
  /** Start of the depth-2 element System (exact name) while inside it, else -1; EventData likewise. */
  let systems = 0;
  let inSystem = false;
  let inEventData = false;
  let systemExact = false;
  let channels = 0;
  let eventIds = 0;
  // Where the channel and event id are: b[chFrom, chTo), b[idFrom, idTo); -1 until found.
  let chFrom = -1;
  let chTo = -1;
  let idFrom = -1;
  let idTo = -1;
  let keyOk = true;
  while (i < to) {
    // Text up to the next tag, in one pass that stops at `<`, `&` and bytes outside ASCII.
    let lt = i;
    for (;;) {
      while (lt < to && TEXT_PLAIN[b[lt]!] === 1) lt++;
      if (lt >= to || b[lt] === 60 /* < */) break;
      if (unreadable(b, lt, lt + 1)) {
        rec.ok = false;
        return;
      }
      lt++;
    }
    if (depth > 0 && lt > i) {
      rec.push(i, lt);
    } else if (depth === 0 && lt > i) {
      // Only blanks may stand before the record.
      for (let k = i; k < lt; k++)
        if (!isSpace(b[k])) {
          rec.ok = false;
          return;
        }
    }
    if (lt >= to) {
      rec.ok = false;
      return;
    }
    const c = b[lt + 1];
    if (c === 47 /* / */) {
      if (depth === 0) {
        rec.ok = false;
        return;
      }
      let gt = lt + 2;
      while (gt < to && b[gt] !== 62) gt++;
      const n = nameTo[depth]! - nameFrom[depth]!;
      if (gt >= to || gt - (lt + 2) < n) {
        rec.ok = false;
        return;
      }
      for (let k = 0; k < n; k++)
        if (b[lt + 2 + k] !== b[nameFrom[depth]! + k]) {
          rec.ok = false;
          return;
        }
      for (let k = lt + 2 + n; k < gt; k++)
        if (!isSpace(b[k])) {
          rec.ok = false;
          return;
        }
      if (depth === 3 && inSystem && systemExact && hadChild[depth] === 0) {
        const tf = openEnd[depth]!;
        if (bytesAre(b, nameFrom[depth]!, nameTo[depth]!, 'Channel')) {
          // Plain text without entities, not padded (anything else is left to the parser).
          if (tf === lt || isSpace(b[tf]) || isSpace(b[lt - 1]) || !isPlainAscii(b, tf, lt, 38))
            keyOk = false;
          else {
            chFrom = tf;
            chTo = lt;
          }
        } else if (bytesAre(b, nameFrom[depth]!, nameTo[depth]!, 'EventID')) {
          if (isDigitBytes(b, tf, lt)) {
            idFrom = tf;
            idTo = lt;
          } else keyOk = false;
        }
      }
      depth--;
      if (depth === 1) {
        // With `keyOnly`, the walk ends with System: the key is all that is wanted.
        if (keyOnly && inSystem) {
          rec.complete = false;
          // The rest is not walked: a second System there would make the key uncertain.
          if (occurs(b, gt + 1, to, SYSTEM_TAG) || occurs(b, gt + 1, to, PREFIXED_SYSTEM)) keyOk = false;
          break;
        }
        inSystem = false;
        inEventData = false;
      }
      i = gt + 1;
      if (depth === 0) break;
      continue;
    }
    if (c === 33 /* ! */ || c === 63 /* ? */) {
      rec.ok = false;
      return;
    }
    // An opening tag.
    let j = lt + 1;
    while (j < to && !isSpace(b[j]) && b[j] !== 62 && b[j] !== 47) j++;
    if (j === lt + 1 || j >= to || depth === MAX_DEPTH) {
      rec.ok = false;
      return;
    }
    if (depth > 0) hadChild[depth] = 1;
    depth++;
    nameFrom[depth] = lt + 1;
    nameTo[depth] = j;
    hadChild[depth] = 0;
    if (depth === 1 && !localIs(b, lt + 1, j, 'Event')) {
      rec.ok = false;
      return;
    }
    if (depth === 2) {
      inSystem = localIs(b, lt + 1, j, 'System');
      inEventData = localIs(b, lt + 1, j, 'EventData');
      if (inSystem) {
        systems++;
        systemExact = bytesAre(b, lt + 1, j, 'System');
      }
    }
    if (depth === 3 && inSystem) {
      if (localIs(b, lt + 1, j, 'Channel')) {
        channels++;
        if (!bytesAre(b, lt + 1, j, 'Channel')) keyOk = false;
      } else if (localIs(b, lt + 1, j, 'EventID')) {
        eventIds++;
        if (!bytesAre(b, lt + 1, j, 'EventID')) keyOk = false;
      }
    }
    const dataName = inEventData && depth === 3 && localIs(b, lt + 1, j, 'Data');
    let selfClose = false;
    for (;;) {
      while (j < to && isSpace(b[j])) j++;
      if (j >= to) {
        rec.ok = false;
        return;
      }
      const ch = b[j]!;
      if (ch === 62) {
        j++;
        break;
      }
      if (ch === 47) {
        if (b[j + 1] !== 62) {
          rec.ok = false;
          return;
        }
        selfClose = true;
        j += 2;
        break;
      }
      // attribute name = quoted value
      const an = j;
      while (j < to && b[j] !== 61 /* = */) {
        const ac = b[j]!;
        if (isSpace(ac) || ac === 60 || ac === 62 || ac === 34 || ac === 39) break;
        j++;
      }
      const ae = j;
      while (j < to && isSpace(b[j])) j++;
      if (ae === an || b[j] !== 61) {
        rec.ok = false;
        return;
      }
      j++;
      while (j < to && isSpace(b[j])) j++;
      const quote = b[j];
      if (quote !== 34 && quote !== 39) {
        rec.ok = false;
        return;
      }
      let qe = j + 1;
      while (qe < to && b[qe] !== quote) {
        if (b[qe] === 60) {
          rec.ok = false;
          return;
        }
        qe++;
      }
      if (qe >= to || unreadable(b, j + 1, qe)) {
        rec.ok = false;
        return;
      }
      const xmlns = ae - an >= 5 && bytesAre(b, an, an + 5, 'xmlns');
      if (depth > 1 && !xmlns && !(dataName && bytesAre(b, an, ae, 'Name'))) rec.push(j + 1, qe);
      j = qe + 1;
    }
    openEnd[depth] = j;
    i = j;
    if (selfClose) {
      depth--;
      if (depth === 1) {
        inSystem = false;
        inEventData = false;
      }
      if (depth === 0) break;
    }
  }
  if (depth !== 0 && rec.complete) {
    rec.ok = false;
    return;
  }
  if (keyOk && systems === 1 && systemExact && channels === 1 && eventIds === 1 && chFrom >= 0 && idFrom >= 0)
    rec.setKey(b, chFrom, chTo, idFrom, idTo);
}
