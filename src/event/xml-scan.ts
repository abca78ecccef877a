import type { FieldBuilder } from './builder.js';
import { joinName } from './names.js';
import { decodeEntities } from './xml-entities.js';

/**
 * The purpose-built scanner for one `<Event>…</Event>` record: an indexOf-driven walk over the
 * tags that feeds a FieldBuilder directly, with no tree and no per-character regular expression.
 * It understands the event schema's shapes (System, EventData, UserData, RenderingInfo, CDATA,
 * comments, entities); anything else (a DTD, a mismatched tag, an unterminated construct) makes it
 * return false so that the caller can hand the record to the reference parser.
 */

const SEC_NONE = 0;
const SEC_SYSTEM = 1;
const SEC_EVENTDATA = 2;
const SEC_USERDATA = 3;
const SEC_RENDERING = 4;

const names: string[] = [];
const hadChild: boolean[] = [];
const dataNames: (string | undefined)[] = [];

function localName(n: string): string {
  const c = n.indexOf(':');
  return c < 0 ? n : n.slice(c + 1);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function sectionOf(name: string): number {
  switch (localName(name)) {
    case 'System':
      return SEC_SYSTEM;
    case 'EventData':
      return SEC_EVENTDATA;
    case 'RenderingInfo':
      return SEC_RENDERING;
    default:
      return SEC_USERDATA;
  }
}

function attribute(b: FieldBuilder, sec: number, depth: number, el: string, attr: string, val: string): void {
  if (attr.startsWith('xmlns')) return;
  if (depth <= 1) return;
  const l = localName(el);
  if (depth === 2) {
    b.plain(joinName(l, attr), val);
  } else if (sec === SEC_SYSTEM) {
    if (depth === 3) b.system(joinName(l, attr), val);
  } else if (sec === SEC_EVENTDATA && depth === 3 && l === 'Data') {
    if (attr === 'Name') dataNames[depth] = val;
  } else if (sec === SEC_RENDERING) {
    b.plain(`RenderingInfo_${l}_${attr}`, val);
  } else {
    b.data(joinName(l, attr), val, sec === SEC_EVENTDATA ? 'EventData_' : 'UserData_');
  }
}

function leaf(b: FieldBuilder, sec: number, depth: number, el: string, text: string): void {
  if (depth <= 2) return;
  const l = localName(el);
  switch (sec) {
    case SEC_SYSTEM:
      if (depth === 3) b.system(l, text);
      return;
    case SEC_EVENTDATA:
      if (depth === 3 && l === 'Data') {
        const n = dataNames[depth];
        if (n === undefined) b.unnamedData(text);
        else b.data(n, text, 'EventData_');
      } else b.data(l, text, 'EventData_');
      return;
    case SEC_RENDERING:
      if (l === 'Message' && depth === 3 && !b.has('Message')) b.plain('Message', text);
      else b.plain(`RenderingInfo_${l}`, text);
      return;
    default:
      b.data(l, text, 'UserData_');
  }
}

/**
 * Scans the `<Event …>…</Event>` record that starts at `start` (and ends before `end`); returns
 * the index just after its closing tag, or -1 when the record is not recognised.
 */
export function scanRecord(s: string, start: number, end: number, b: FieldBuilder): number {
  let pos = start;
  let depth = 0;
  let text = '';
  let sec = SEC_NONE;
  while (pos < end) {
    const lt = s.indexOf('<', pos);
    if (lt < 0 || lt >= end) return -1;
    if (lt > pos && depth > 0 && !hadChild[depth]) {
      const t = s.slice(pos, lt);
      text += t.indexOf('&') < 0 ? t : decodeEntities(t);
    }
    const c = s.charCodeAt(lt + 1);
    if (c === 47 /* / */) {
      const gt = s.indexOf('>', lt + 2);
      if (gt < 0 || gt >= end || depth === 0) return -1;
      const el = names[depth] as string;
      if (!s.startsWith(el, lt + 2)) return -1;
      for (let k = lt + 2 + el.length; k < gt; k++) if (!isSpace(s.charCodeAt(k))) return -1;
      if (!hadChild[depth]) leaf(b, sec, depth, el, text);
      text = '';
      depth--;
      pos = gt + 1;
      if (depth === 0) return pos;
      if (depth === 1) sec = SEC_NONE;
      continue;
    }
    if (c === 33 /* ! */) {
      if (s.startsWith('![CDATA[', lt + 1)) {
        const ce = s.indexOf(']]>', lt + 9);
        if (ce < 0 || ce >= end || depth === 0) return -1;
        if (!hadChild[depth]) text += s.slice(lt + 9, ce);
        pos = ce + 3;
        continue;
      }
      if (s.startsWith('!--', lt + 1)) {
        const ce = s.indexOf('-->', lt + 4);
        if (ce < 0 || ce >= end) return -1;
        pos = ce + 3;
        continue;
      }
      return -1;
    }
    if (c === 63 /* ? */) {
      const ce = s.indexOf('?>', lt + 2);
      if (ce < 0 || ce >= end) return -1;
      pos = ce + 2;
      continue;
    }
    // An opening tag.
    let i = lt + 1;
    for (;;) {
      const ch = s.charCodeAt(i);
      if (isSpace(ch) || ch === 62 /* > */ || ch === 47 /* / */ || i >= end) break;
      i++;
    }
    if (i === lt + 1 || i >= end) return -1;
    const el = s.slice(lt + 1, i);
    if (depth > 0) hadChild[depth] = true;
    text = '';
    depth++;
    names[depth] = el;
    hadChild[depth] = false;
    dataNames[depth] = undefined;
    if (depth === 1 && el !== 'Event' && localName(el) !== 'Event') return -1;
    if (depth === 2) sec = sectionOf(el);
    let selfClose = false;
    for (;;) {
      while (i < end && isSpace(s.charCodeAt(i))) i++;
      if (i >= end) return -1;
      const ch = s.charCodeAt(i);
      if (ch === 62) {
        i++;
        break;
      }
      if (ch === 47) {
        if (s.charCodeAt(i + 1) !== 62) return -1;
        selfClose = true;
        i += 2;
        break;
      }
      const eq = s.indexOf('=', i);
      if (eq < 0 || eq >= end) return -1;
      let an = eq;
      while (an > i && isSpace(s.charCodeAt(an - 1))) an--;
      const attr = s.slice(i, an);
      let q = eq + 1;
      while (q < end && isSpace(s.charCodeAt(q))) q++;
      const quote = s.charCodeAt(q);
      if (quote !== 34 && quote !== 39) return -1;
      const qe = s.indexOf(quote === 34 ? '"' : "'", q + 1);
      if (qe < 0 || qe >= end) return -1;
      for (let k = i; k < an; k++) {
        const ac = s.charCodeAt(k);
        if (isSpace(ac) || ac === 60 || ac === 62 || ac === 34 || ac === 39) return -1;
      }
      const raw = s.slice(q + 1, qe);
      if (raw.indexOf('<') >= 0) return -1;
      attribute(b, sec, depth, el, attr, raw.indexOf('&') < 0 ? raw : decodeEntities(raw));
      i = qe + 1;
    }
    pos = i;
    if (selfClose) {
      leaf(b, sec, depth, el, '');
      depth--;
      if (depth === 0) return pos;
      if (depth === 1) sec = SEC_NONE;
    }
  }
  return -1;
}
