import { bytesAre, isDigitBytes, isPlainAscii, lowersToAscii, RawRecord } from './raw-record.js';

const OBJ = 1;
const ARR = 2;

/** Where an object sits on the way to the event's key: evtx_dump's `{"Event":{"System":{…}}}`. */
const C_OTHER = 0;
const C_ROOT = 1;
const C_EVENT = 2;
const C_SYSTEM = 3;
const C_EVENTID = 4;

/** The keys that lead there, or that hold the key's parts. */
const K_OTHER = 0;
const K_EVENT = 1;
const K_SYSTEM = 2;
const K_CHANNEL = 3;
const K_EVENTID = 4;
const K_TEXT = 5;
const K_ATTRIBUTES = 6;

const MAX_DEPTH = 64;
/** Bytes that need no look inside a string: not `"`, `\`, a control or outside ASCII. */
const STRING_PLAIN = new Uint8Array(256);
for (let c = 32; c < 128; c++) STRING_PLAIN[c] = c === 34 || c === 92 ? 0 : 1;

/**
 * What the evtx_dump view leaves out of an object inside `Event` (json-event.ts reads the same): the
 * `#attributes` and `#text` of `Event` itself (H_ALL), and in any other `#attributes` object the
 * `xmlns…` attributes (H_ATTRS). Their values are not scanned: every record's
 * `"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"` otherwise holds `://`, `http`,
 * `microsoft`, `/win/`… for any rule that looks for them.
 */
const H_NONE = 0;
const H_ATTRS = 1;
const H_ALL = 2;

/** Per-depth scratch (one walk at a time per thread). */
const kinds = new Uint8Array(MAX_DEPTH + 1);
const ctxs = new Uint8Array(MAX_DEPTH + 1);
const hides = new Uint8Array(MAX_DEPTH + 1);

/** Whether b[from, to) starts with `xmlns` (the view's isXmlns, on the key's raw bytes). */
function isXmlnsKey(b: Uint8Array, from: number, to: number): boolean {
  return (
    to - from >= 5 &&
    b[from] === 120 &&
    b[from + 1] === 109 &&
    b[from + 2] === 108 &&
    b[from + 3] === 110 &&
    b[from + 4] === 115
  );
}

/** The keys that matter in each context, with what they are. */
const KEYS_IN: readonly (readonly [string, number][])[] = [
  [],
  [['Event', K_EVENT]],
  [['System', K_SYSTEM]],
  [
    ['Channel', K_CHANNEL],
    ['EventID', K_EVENTID],
  ],
  [
    ['#text', K_TEXT],
    ['#attributes', K_ATTRIBUTES],
  ],
];

function keyOf(b: Uint8Array, from: number, to: number, ctx: number): number {
  for (const [name, k] of KEYS_IN[ctx]!) if (bytesAre(b, from, to, name)) return k;
  return K_OTHER;
}

/** A byte that ends a bare JSON token (number, true, false, null). */
function endsToken(c: number): boolean {
  return c === 44 || c === 125 || c === 93 || c === 58 || c === 32 || c === 9 || c === 10 || c === 13;
}

/** What an open container expects next. */
const W_KEY = 1; // a key (or, just after `{`, the end)
const W_COLON = 2;
const W_VALUE = 3;
const W_NEXT = 4; // `,` or the end

/** A bare JSON token spelled the way JavaScript writes it back: an integer, true, false or null. */
function plainToken(b: Uint8Array, from: number, to: number): boolean {
  const n = to - from;
  const c = b[from]!;
  if (c === 116) return n === 4 && b[from + 1] === 114 && b[from + 2] === 117 && b[from + 3] === 101;
  if (c === 102)
    return n === 5 && b[from + 1] === 97 && b[from + 2] === 108 && b[from + 3] === 115 && b[from + 4] === 101;
  if (c === 110) return n === 4 && b[from + 1] === 117 && b[from + 2] === 108 && b[from + 3] === 108;
  let i = from;
  if (c === 45 /* - */) i++;
  // 15 digits at most: a longer integer may not be exact in a double.
  if (i >= to || to - i > 15) return false;
  if (b[i] === 48 && to - i > 1) return false;
  for (; i < to; i++) if (b[i]! < 48 || b[i]! > 57) return false;
  return true;
}

/**
 * Walks one NDJSON record's bytes b[from, to): every string value and bare token goes to `rec` as a
 * range (object keys do not: the view never holds them as values), and evtx_dump's System Channel
 * and EventID are read when the record's shape places them beyond doubt (the first key of the
 * line is `Event`; `Event`, `System`, `Channel` and `EventID` each occur once where they belong;
 * Channel is a plain string, EventID digits, as a number, a string or `{"#attributes":…,"#text":N}`).
 * The walk follows JSON's grammar. The record is not scannable (`rec.ok` false) when it is not one
 * well-formed JSON object, when a string holds a `\u` or `\/` escape, a number has a fraction, an
 * exponent or more than 15 digits (JavaScript spells those otherwise), an array holds objects or
 * arrays (the view keeps their JSON text), or a character lower-cases to ASCII.
 */
export function walkJson(b: Uint8Array, from: number, to: number, rec: RawRecord): void {
  rec.reset();
  while (to > from && (b[to - 1] === 13 || b[to - 1] === 32 || b[to - 1] === 9)) to--;
  let depth = 0;
  let want = W_VALUE;
  let closed = false;
  /** The key whose value comes next (K_*), in the object at `depth`. */
  let key = K_OTHER;
  let keyOk = true;
  let firstKey = true;
  let events = 0;
  let systems = 0;
  let channels = 0;
  let eventIds = 0;
  let texts = 0;
  // The depth of the `Event` object (0 outside it), and whether the current key's value is one the
  // view leaves out (see H_ALL), or is an `#attributes` object.
  let eventDepth = 0;
  let hidden = false;
  let keyAttrs = false;
  // Where the channel and event id are: b[chFrom, chTo), b[idFrom, idTo); -1 until found.
  let chFrom = -1;
  let chTo = -1;
  let idFrom = -1;
  let idTo = -1;
  let i = from;
  while (i < to) {
    const c = b[i]!;
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (closed) {
      rec.ok = false;
      return;
    }
    if (c === 34 /* " */) {
      if (want !== W_KEY && want !== W_VALUE) {
        rec.ok = false;
        return;
      }
      let j = i + 1;
      let escaped = false;
      for (;;) {
        // Plain bytes in one step; the table flags the quote, the backslash, controls and non-ASCII.
        while (j < to && STRING_PLAIN[b[j]!] === 1) j++;
        if (j >= to) {
          rec.ok = false;
          return;
        }
        const d = b[j]!;
        if (d === 34) break;
        if (d === 92 /* \ */) {
          const e = b[j + 1];
          // \" \\ \b \f \n \r \t are kept as the raw literals spell them; \u and \/ are not.
          if (e !== 34 && e !== 92 && e !== 98 && e !== 102 && e !== 110 && e !== 114 && e !== 116) {
            rec.ok = false;
            return;
          }
          escaped = true;
          j += 2;
          continue;
        }
        if (d < 32 || lowersToAscii(b, j)) {
          rec.ok = false;
          return;
        }
        j++;
      }
      if (want === W_KEY) {
        const ctx = ctxs[depth]!;
        key = ctx === C_OTHER ? K_OTHER : keyOf(b, i + 1, j, ctx);
        if (ctx === C_ROOT) {
          if (firstKey && key !== K_EVENT) keyOk = false;
          firstKey = false;
        }
        if (key === K_EVENT && ++events > 1) keyOk = false;
        if (key === K_SYSTEM && ++systems > 1) keyOk = false;
        if (key === K_CHANNEL && ++channels > 1) keyOk = false;
        if (key === K_EVENTID && ++eventIds > 1) keyOk = false;
        if (key === K_TEXT && ++texts > 1) keyOk = false;
        if (ctx === C_EVENTID && key === K_OTHER) keyOk = false;
        hidden = false;
        keyAttrs = false;
        if (eventDepth > 0) {
          const h = hides[depth]!;
          const n = j - i - 1;
          if (h === H_ALL) hidden = true;
          else if (b[i + 1] === 35 /* # */) {
            keyAttrs = n === 11 && bytesAre(b, i + 1, j, '#attributes');
            if (depth === eventDepth && (keyAttrs || (n === 5 && bytesAre(b, i + 1, j, '#text'))))
              hidden = true;
          } else if (h === H_ATTRS && isXmlnsKey(b, i + 1, j)) hidden = true;
        }
        want = W_COLON;
      } else {
        if (!hidden) rec.push(i + 1, j);
        if (key === K_CHANNEL) {
          if (escaped || j === i + 1 || b[i + 1] === 32 || b[j - 1] === 32 || !isPlainAscii(b, i + 1, j))
            keyOk = false;
          else {
            chFrom = i + 1;
            chTo = j;
          }
        } else if (key === K_EVENTID || key === K_TEXT) {
          if (isDigitBytes(b, i + 1, j)) {
            idFrom = i + 1;
            idTo = j;
          } else keyOk = false;
        }
        key = K_OTHER;
        want = W_NEXT;
      }
      i = j + 1;
      continue;
    }
    switch (c) {
      case 123 /* { */:
      case 91 /* [ */:
        {
          if (want !== W_VALUE || depth === MAX_DEPTH || (depth > 0 && kinds[depth] === ARR)) {
            // An array's objects (and arrays) the view keeps as their JSON text, names and all.
            rec.ok = false;
            return;
          }
          const parent = ctxs[depth]!;
          if (key === K_CHANNEL || key === K_TEXT || (key === K_EVENTID && c !== 123)) keyOk = false;
          depth++;
          kinds[depth] = c === 123 ? OBJ : ARR;
          let ctx = C_OTHER;
          if (c === 123) {
            if (depth === 1) ctx = C_ROOT;
            else if (parent === C_ROOT && key === K_EVENT) ctx = C_EVENT;
            else if (parent === C_EVENT && key === K_SYSTEM) ctx = C_SYSTEM;
            else if (parent === C_SYSTEM && key === K_EVENTID) ctx = C_EVENTID;
          } else if (depth === 1) {
            rec.ok = false;
            return;
          }
          ctxs[depth] = ctx;
          hides[depth] =
            hidden || hides[depth - 1] === H_ALL ? H_ALL : keyAttrs && c === 123 ? H_ATTRS : H_NONE;
          if (ctx === C_EVENT) eventDepth = depth;
          // An array's items have no key of their own: they are hidden with the array.
          hidden = c === 91 && hides[depth] === H_ALL;
          keyAttrs = false;
          want = c === 123 ? W_KEY : W_VALUE;
          key = K_OTHER;
          i++;
          // An empty container closes at once.
          while (i < to && (b[i] === 32 || b[i] === 9 || b[i] === 10 || b[i] === 13)) i++;
          if (b[i] === (c === 123 ? 125 : 93)) want = W_NEXT;
          continue;
        }
      case 125 /* } */:
      case 93 /* ] */:
        if (depth === 0 || want !== W_NEXT || kinds[depth] !== (c === 125 ? OBJ : ARR)) {
          rec.ok = false;
          return;
        }
        if (depth === eventDepth) eventDepth = 0;
        depth--;
        want = W_NEXT;
        key = K_OTHER;
        if (depth === 0) closed = true;
        i++;
        continue;
      case 44 /* , */:
        if (want !== W_NEXT || depth === 0) {
          rec.ok = false;
          return;
        }
        want = kinds[depth] === OBJ ? W_KEY : W_VALUE;
        i++;
        continue;
      case 58 /* : */:
        if (want !== W_COLON) {
          rec.ok = false;
          return;
        }
        want = W_VALUE;
        i++;
        continue;
    }
    // A bare token: a number, true, false or null.
    let j = i + 1;
    while (j < to && !endsToken(b[j]!)) j++;
    if (want !== W_VALUE || depth === 0 || !plainToken(b, i, j)) {
      rec.ok = false;
      return;
    }
    if (!hidden) rec.push(i, j);
    if (key === K_EVENTID || key === K_TEXT) {
      if (isDigitBytes(b, i, j)) {
        idFrom = i;
        idTo = j;
      } else keyOk = false;
    } else if (key === K_CHANNEL) keyOk = false;
    key = K_OTHER;
    want = W_NEXT;
    i = j;
  }
  if (!closed) {
    rec.ok = false;
    return;
  }
  if (keyOk && events === 1 && systems === 1 && chFrom >= 0 && idFrom >= 0)
    rec.setKey(b, chFrom, chTo, idFrom, idTo);
}

/**
 * Records that take the walk down its branches (the shapes of evtx_dump and flat records, escapes,
 * non-ASCII, numbers, arrays, attribute names that start like `xmlns`, cut and malformed lines): the
 * optimising compiler then has their types before it first compiles the walk, instead of compiling
 * it again after each branch a later record takes for the first time.
 */
const WARM_LINES = [
  '{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},"System":{"Provider":{"#attributes":{"Name":"P","Guid":"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}"}},"EventID":1,"Version":5,"Level":4,"Keywords":"0x8000000000000000","TimeCreated":{"#attributes":{"SystemTime":"2020-03-22T05:00:45.087155Z"}},"EventRecordID":10243570,"Correlation":null,"Execution":{"#attributes":{"ProcessID":2860,"ThreadID":3508}},"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":"H","Security":{"#attributes":{"UserID":"S-1-5-18"}}},"EventData":{"RuleName":"","Image":"C:\\\\Windows\\\\x.exe","CommandLine":"\\"a\\" \\t\\n\\r\\b\\f b","Product":"Microsoft® Windows®","Flag":true,"Off":false,"Neg":-12,"Zero":0,"List":["a","b",1],"Empty":{},"None":[]}}}',
  '{"Event":{"System":{"EventID":{"#attributes":{"Qualifiers":0},"#text":4624},"Channel":"Security"},"EventData":{"Data":[{"#text":"x"}]}}}',
  '{"Event":{"System":{"EventID":"4688","Channel":"Security"},"EventData":{"Data":"é"}}}',
  '{"Event":{"System":{"Provider":{"#attributes":{"x":1,"xa":1,"xma":1,"xmla":1,"xmlna":1,"xmlns:a":"b"}}}}}',
  '{"EventID":4688,"Channel":"Security","Data":{"A":"b"}}',
  '{"Event":{"System":{"EventID":1.5}}}',
  '{"Event":{"System":{"Channel":"a\\u0041"}}}',
  '{"Event":{"System":{"Channel":"a"}} } x',
  '{"Event":{"System":{"Channel":"a"',
  '{"a":[1,{"b":2}]}',
  '{"a":1,}',
  '[1]',
  '{"a":"b"} \r',
  `{"Event":{"EventData":{${Array.from({ length: 70 }, (_, i) => `"k${i}":${i}`).join(',')}}}}`,
];

let warmed = false;

/**
 * Walks WARM_LINES a few times, with a record of its own (which grows its ranges once); once per
 * thread, as the walk's optimised code is.
 */
export function warmJsonWalk(): void {
  if (warmed) return;
  warmed = true;
  const rec = new RawRecord();
  rec.own = new Int32Array(4);
  // Buffers, as the chunks are: a plain Uint8Array has another map.
  const lines = WARM_LINES.map((l) => Buffer.from(l, 'utf8'));
  for (let k = 0; k < 12; k++) for (const b of lines) walkJson(b, 0, b.length, rec);
}
