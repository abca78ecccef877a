import { lazyModule } from '../common/index.js';
import type { FieldBuilder } from './builder.js';

const fxp = lazyModule<typeof import('fast-xml-parser')>('fast-xml-parser');

/**
 * The reference reading of one `<Event>` record, built on fast-xml-parser: slower, general, and
 * written independently of the scanner (its own entity decoding, its own walk), so that the
 * differential test can hold the two against each other. The reader falls back to it for records
 * the scanner does not recognise. No DTD is ever processed: a record carrying one is refused, and
 * only the five predefined entities and numeric references are decoded.
 */

/** A NUL cannot occur in an XML name, so this prefix marks names fast-xml-parser thinks dangerous. */
const MARK = '\u0000';

/** Names fast-xml-parser refuses outright; they are ordinary names in an event, so they are marked. */
const CRITICAL = new Set(['__proto__', 'constructor', 'prototype']);

type Parser = InstanceType<typeof import('fast-xml-parser').XMLParser>;
let parserMade: Parser | undefined;

/** The parser, made on first use (most hunts never need it). */
function parser(): Parser {
  parserMade ??= new (fxp().XMLParser)({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    commentPropName: false,
    cdataPropName: '#cdata',
    removeNSPrefix: false,
    onDangerousProperty: (name: string) => MARK + name,
    transformTagName: (name: string) => (CRITICAL.has(name) ? MARK + name : name),
    transformAttributeName: (name: string) => (CRITICAL.has(name) ? MARK + name : name),
  });
  return parserMade;
}

const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;
const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(ENTITY, (whole: string, body: string) => {
    if (body.length > 10) return whole;
    if (body.charAt(0) !== '#') return PREDEFINED[body] ?? whole;
    const cp =
      body.charAt(1) === 'x' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return whole;
    return String.fromCodePoint(cp);
  });
}

type XNode = Record<string, unknown>;

function unmark(name: string): string {
  return name.startsWith(MARK) ? name.slice(1) : name;
}

function tagOf(node: XNode): string | undefined {
  for (const k of Object.keys(node)) if (k !== ':@') return k;
  return undefined;
}

function children(node: XNode, tag: string): XNode[] {
  const c = node[tag];
  return Array.isArray(c) ? (c as XNode[]) : [];
}

function attrsOf(node: XNode): [string, string][] {
  const a = node[':@'];
  if (a === null || typeof a !== 'object') return [];
  return Object.keys(a).map((k) => [unmark(k), decode(String((a as Record<string, unknown>)[k]))]);
}

function local(n: string): string {
  const i = n.indexOf(':');
  return i < 0 ? n : n.slice(i + 1);
}

/** Element children only (text and CDATA nodes removed). */
function elements(list: XNode[]): XNode[] {
  return list.filter((n) => {
    const t = tagOf(n);
    return t !== undefined && t !== '#text' && t !== '#cdata';
  });
}

function textOf(list: XNode[]): string {
  let out = '';
  for (const n of list) {
    if (Object.hasOwn(n, '#text')) out += decode(String(n['#text']));
    else if (Object.hasOwn(n, '#cdata')) {
      for (const c of children(n, '#cdata')) if (Object.hasOwn(c, '#text')) out += String(c['#text']);
    }
  }
  return out;
}

function walkData(b: FieldBuilder, node: XNode, tag: string, prefix: string): void {
  const name = local(unmark(tag));
  for (const [a, v] of attrsOf(node)) if (!a.startsWith('xmlns')) b.data(`${name}_${a}`, v, prefix);
  const kids = children(node, tag);
  const els = elements(kids);
  if (els.length === 0) {
    b.data(name, textOf(kids), prefix);
    return;
  }
  for (const e of els) walkData(b, e, tagOf(e) as string, prefix);
}

function walkRendering(b: FieldBuilder, node: XNode, tag: string, depth: number): void {
  const name = local(unmark(tag));
  for (const [a, v] of attrsOf(node)) if (!a.startsWith('xmlns')) b.plain(`RenderingInfo_${name}_${a}`, v);
  const kids = children(node, tag);
  const els = elements(kids);
  if (els.length === 0) {
    const t = textOf(kids);
    if (name === 'Message' && depth === 3 && !b.has('Message')) b.plain('Message', t);
    else b.plain(`RenderingInfo_${name}`, t);
    return;
  }
  for (const e of els) walkRendering(b, e, tagOf(e) as string, depth + 1);
}

function walkSection(b: FieldBuilder, node: XNode, tag: string): void {
  const sec = local(unmark(tag));
  for (const [a, v] of attrsOf(node)) if (!a.startsWith('xmlns')) b.plain(`${sec}_${a}`, v);
  for (const e of elements(children(node, tag))) {
    const et = tagOf(e) as string;
    const name = local(unmark(et));
    const kids = children(e, et);
    if (sec === 'System') {
      for (const [a, v] of attrsOf(e)) if (!a.startsWith('xmlns')) b.system(`${name}_${a}`, v);
      if (elements(kids).length === 0) b.system(name, textOf(kids));
    } else if (sec === 'EventData' && name === 'Data') {
      let dataName: string | undefined;
      for (const [a, v] of attrsOf(e)) if (a === 'Name') dataName = v;
      if (elements(kids).length === 0) {
        if (dataName === undefined) b.unnamedData(textOf(kids));
        else b.data(dataName, textOf(kids), 'EventData_');
      } else for (const c of elements(kids)) walkData(b, c, tagOf(c) as string, 'EventData_');
    } else if (sec === 'RenderingInfo') {
      walkRendering(b, e, et, 3);
    } else {
      walkData(b, e, et, sec === 'EventData' ? 'EventData_' : 'UserData_');
    }
  }
}

/** Parses one record into the builder; throws with a reason when the record is not well-formed. */
export function referenceRecord(xml: string, b: FieldBuilder): void {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Error('DTD or entity declaration refused');
  // fast-xml-parser folds CR LF into LF; the view keeps values as written (as the NDJSON twin
  // does), so a CR is handed to it as a character reference, which the decoding above restores.
  if (xml.indexOf('\r') >= 0) xml = xml.replace(/\r/g, '&#13;');
  const valid = fxp().XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (valid !== true) throw new Error(`malformed XML record: ${valid.err.msg} (line ${valid.err.line})`);
  const doc = parser().parse(xml) as XNode[];
  const roots = elements(doc);
  const root = roots[0];
  if (roots.length !== 1 || root === undefined || local(tagOf(root) as string) !== 'Event')
    throw new Error('record is not one <Event> element');
  for (const sec of elements(children(root, tagOf(root) as string)))
    walkSection(b, sec, tagOf(sec) as string);
}
