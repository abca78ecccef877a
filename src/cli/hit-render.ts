import type { EventSnapshot, HitRenderer, RendererFactory } from '../engine/index.js';
import { type HitRecord, terminalJson } from '../output/index.js';
import { hitIdFor } from '../state/index.js';
import { eventFields, eventIdentity, eventPlace, type HitRule, isoTime, ruleFields } from './hits.js';

/**
 * What a matching thread needs to write Sigma hits out as JSON where they are found: the metadata of
 * each rule whose hits it renders (by rule index; null where the main thread needs the event
 * itself: the rule feeds a correlation, or its hits are not written).
 */
export interface RenderInit {
  rules: (HitRule | null)[];
}

function isRenderInit(x: unknown): x is RenderInit {
  return typeof x === 'object' && x !== null && Array.isArray((x as RenderInit).rules);
}

/** A hit JSON object's members as text, terminal-safe, without the braces (for joining). */
function members(value: object): { text: string; ascii: boolean } {
  const j = terminalJson(value);
  return { text: j.text.slice(1, -1), ascii: j.ascii };
}

/**
 * The renderer of a matching thread (worker or main): the same hit record and JSON text the main
 * thread would build from the event, so output is byte for byte the same, but the event's fields
 * never cross threads and the main thread is spared the JSON of every hit. The line is joined from
 * parts: the rule's written once per rule, the event's (its fields, most of the line) once per
 * event however many rules it matches (1.35 on average over SigmaHQ's rules and the shared corpus).
 */
export const jsonRenderer: RendererFactory = (init: unknown): HitRenderer | undefined => {
  if (!isRenderInit(init)) return undefined;
  const { rules } = init;
  const ruleParts: ({ text: string; ascii: boolean } | undefined)[] = [];
  let last: EventSnapshot | undefined;
  let iso: string | null = null;
  let head = '';
  let eventPart = '';
  let eventAscii = true;
  let identity = '';
  // The line's pieces, filled again for each hit (RenderedHit.parts is read at once).
  const parts = ['', '', '', ''];
  return (rule, ev) => {
    const meta = rules[rule];
    if (!meta) return undefined;
    if (ev !== last) {
      last = ev;
      iso = isoTime(ev.timestamp);
      // toISOString's text needs no escaping.
      head = iso === null ? '{"schema":1,"timestamp":null,' : `{"schema":1,"timestamp":"${iso}",`;
      const m = members(eventFields(ev));
      eventPart = m.text;
      eventAscii = m.ascii;
      identity = eventIdentity(ev, iso);
    }
    let rulePart = ruleParts[rule];
    if (rulePart === undefined) {
      const m = members(ruleFields(meta, 'sigma'));
      rulePart = { text: `${m.text},`, ascii: m.ascii };
      ruleParts[rule] = rulePart;
    }
    const hitId = hitIdFor(meta.id, identity);
    parts[0] = head;
    parts[1] = rulePart.text;
    parts[2] = eventPart;
    // Sixteen hexadecimal digits.
    parts[3] = `,"hit_id":"${hitId}"}`;
    return { parts, hitId, ascii: eventAscii && rulePart.ascii };
  };
};

/** The `rule` member of a rule's rendered hits: one object per rule, never changed. */
const ruleMembers = new WeakMap<HitRule, HitRecord['rule']>();

/** The details of a rendered hit's record: its line holds them. */
const NO_DETAILS: Record<string, string> = Object.freeze(Object.create(null));

/**
 * The main thread's record of a hit rendered elsewhere: what the summary, sort and dedup read, and
 * its bytes. Its details and event are in its line only (`event` is the lean snapshot's empty set).
 */
export function renderedHit(rule: HitRule, ev: EventSnapshot, json: Uint8Array, hitId: string): HitRecord {
  let member = ruleMembers.get(rule);
  if (member === undefined) {
    member = ruleFields(rule, 'sigma').rule;
    ruleMembers.set(rule, member);
  }
  return {
    schema: 1,
    timestamp: isoTime(ev.timestamp),
    level: rule.level,
    rule: member,
    ...eventPlace(ev),
    details: NO_DETAILS,
    event: ev.fields as Record<string, string | string[]>,
    hit_id: hitId,
    json,
    ms: ev.timestamp,
  };
}
