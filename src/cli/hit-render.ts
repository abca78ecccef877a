import type { EventSnapshot, HitRenderer, RendererFactory } from '../engine/index.js';
import { type HitRecord, jsonForTerminal } from '../output/index.js';
import { buildHit, eventFields, eventHitId, type HitRule, isoTime, ruleFields } from './hits.js';

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
function members(value: object): string {
  return jsonForTerminal(value).slice(1, -1);
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
  const ruleParts: (string | undefined)[] = [];
  let last: EventSnapshot | undefined;
  let iso: string | null = null;
  let head = '';
  let eventPart = '';
  // The line's pieces, filled again for each hit (RenderedHit.parts is read at once).
  const parts = ['', '', '', ''];
  return (rule, ev) => {
    const meta = rules[rule];
    if (!meta) return undefined;
    if (ev !== last) {
      last = ev;
      iso = isoTime(ev.timestamp);
      head = `{${members({ schema: 1, timestamp: iso })},`;
      eventPart = members(eventFields(ev));
    }
    let rulePart = ruleParts[rule];
    if (rulePart === undefined) {
      rulePart = `${members(ruleFields(meta, 'sigma'))},`;
      ruleParts[rule] = rulePart;
    }
    const hitId = eventHitId(meta.id, ev, iso);
    parts[0] = head;
    parts[1] = rulePart;
    parts[2] = eventPart;
    parts[3] = `,"hit_id":${JSON.stringify(hitId)}}`;
    return { parts, hitId };
  };
};

/** The main thread's record of a hit rendered elsewhere: what the summary, sort and dedup read, and its bytes. */
export function renderedHit(rule: HitRule, ev: EventSnapshot, json: Uint8Array, hitId: string): HitRecord {
  const hit = buildHit(rule, ev, 'sigma', isoTime(ev.timestamp), hitId);
  hit.json = json;
  return hit;
}
