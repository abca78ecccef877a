import type { EventSnapshot, HitRenderer, RendererFactory } from '../engine/index.js';
import { type HitRecord, hitJson } from '../output/index.js';
import { buildHit, eventHitId, type HitRule, isoTime } from './hits.js';

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

/**
 * The renderer of a matching thread (worker or main): the same hit record and JSON text the main
 * thread would build from the event, so output is byte for byte the same, but the event's fields
 * never cross threads and the main thread is spared the JSON of every hit.
 */
export const jsonRenderer: RendererFactory = (init: unknown): HitRenderer | undefined => {
  if (!isRenderInit(init)) return undefined;
  const { rules } = init;
  return (rule, ev) => {
    const meta = rules[rule];
    if (!meta) return undefined;
    const iso = isoTime(ev.timestamp);
    const hitId = eventHitId(meta.id, ev, iso);
    return { text: hitJson(buildHit(meta, ev, 'sigma', iso, hitId)), hitId };
  };
};

/** The main thread's record of a hit rendered elsewhere: what the summary, sort and dedup read, and its bytes. */
export function renderedHit(rule: HitRule, ev: EventSnapshot, json: Uint8Array, hitId: string): HitRecord {
  const hit = buildHit(rule, ev, 'sigma', isoTime(ev.timestamp), hitId);
  hit.json = json;
  return hit;
}
