import type { RawHit } from '../engine/index.js';
import { detailsFor, type HitRecord, type RuleKind } from '../output/index.js';
import { hitId } from '../state/index.js';
import type { Level } from '../common/index.js';

export interface HitRule {
  id: string;
  title: string;
  level: Level;
  path: string;
  tags: string[];
}

/** Event ids and record ids are numbers in the JSON contract when they are plain decimals. */
function numeric(text: string): number | string | null {
  if (text === '') return null;
  return /^\d{1,15}$/.test(text) ? Number(text) : text;
}

export function isoTime(ms: number): string | null {
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export function buildHit(rule: HitRule, raw: RawHit, kind: RuleKind = 'sigma'): HitRecord {
  const ev = raw.event;
  const timestamp = isoTime(ev.timestamp);
  return {
    schema: 1,
    timestamp,
    level: rule.level,
    rule: { id: rule.id, title: rule.title, kind, path: rule.path, tags: rule.tags },
    computer: ev.computer || null,
    channel: ev.channel || null,
    event_id: numeric(ev.eventId),
    record_id: numeric(ev.recordId),
    source: ev.src,
    details: detailsFor(ev.fields, ev.channel, ev.eventId),
    event: ev.fields as Record<string, string | string[]>,
    hit_id: hitId(rule.id, {
      computer: ev.computer,
      channel: ev.channel,
      recordId: ev.recordId,
      timestamp: timestamp ?? '',
    }),
  };
}

function sourcePos(h: HitRecord): number {
  return h.source?.offset ?? h.source?.line ?? 0;
}

/** Time order; ties broken by file, position and rule id so two runs diff cleanly. Timeless hits first. */
export function compareHits(a: HitRecord, b: HitRecord): number {
  const ta = a.timestamp ?? '';
  const tb = b.timestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const fa = a.source?.file ?? '';
  const fb = b.source?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const pa = sourcePos(a);
  const pb = sourcePos(b);
  if (pa !== pb) return pa - pb;
  const ra = a.rule.id;
  const rb = b.rule.id;
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}
