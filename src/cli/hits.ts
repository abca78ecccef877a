import { isoUtc, type RuleMeta } from '../common/index.js';
import type { EventSnapshot, SequenceHit } from '../engine/index.js';
import { detailsFor, type HitRecord, type RuleKind } from '../output/index.js';
import { groupHitId, hitIdFor, identityKey } from '../state/index.js';

/** What a hit record needs of its rule (EQL rules have no status). */
export type HitRule = Omit<RuleMeta, 'status'>;

/** Event ids and record ids are numbers in the JSON contract when they are plain decimals. */
function numeric(text: string): number | string | null {
  if (text === '') return null;
  return /^\d{1,15}$/.test(text) ? Number(text) : text;
}

/** A hit's timestamp: ISO 8601 UTC with milliseconds, null for an event without a time. */
export const isoTime: (ms: number) => string | null = isoUtc;

/** The stable id of a rule's hit on one event (see state/hit-id); `iso` is the event's isoTime. */
export function eventHitId(ruleId: string, ev: EventSnapshot, iso = isoTime(ev.timestamp)): string {
  return hitIdFor(ruleId, eventIdentity(ev, iso));
}

/** The event's part of the ids of its hits (see state/hit-id); `iso` is the event's isoTime. */
export function eventIdentity(ev: EventSnapshot, iso: string | null): string {
  return identityKey({
    computer: ev.computer,
    channel: ev.channel,
    recordId: ev.recordId,
    timestamp: iso ?? '',
  });
}

/** What a hit record takes from its rule, in the record's key order. */
export function ruleFields(rule: HitRule, kind: RuleKind): Pick<HitRecord, 'level' | 'rule'> {
  return {
    level: rule.level,
    rule: { id: rule.id, title: rule.title, kind, path: rule.path, tags: rule.tags },
  };
}

/** Where a hit's event is, as its record says it: computer, channel, ids and source, in key order. */
export function eventPlace(
  ev: EventSnapshot,
): Pick<HitRecord, 'computer' | 'channel' | 'event_id' | 'record_id' | 'source'> {
  return {
    computer: ev.computer || null,
    channel: ev.channel || null,
    event_id: numeric(ev.eventId),
    record_id: numeric(ev.recordId),
    source: ev.src,
  };
}

/** What a hit record takes from its event, in the record's key order. */
export function eventFields(
  ev: EventSnapshot,
): Pick<HitRecord, 'computer' | 'channel' | 'event_id' | 'record_id' | 'source' | 'details' | 'event'> {
  return {
    ...eventPlace(ev),
    details: detailsFor(ev.fields, ev.channel, ev.eventId),
    event: ev.fields as Record<string, string | string[]>,
  };
}

export function buildHit(
  rule: HitRule,
  ev: EventSnapshot,
  kind: RuleKind,
  iso = isoTime(ev.timestamp),
  id = eventHitId(rule.id, ev, iso),
): HitRecord {
  return { schema: 1, timestamp: iso, ...ruleFields(rule, kind), ...eventFields(ev), hit_id: id };
}

/** One EQL sequence: the first event's time and place, the join key as `group`, every event in stage order. */
export function buildSequenceHit(seq: SequenceHit): HitRecord {
  const rule = seq.rule;
  const present = seq.events.filter((e): e is EventSnapshot => e !== null);
  const first = present[0];
  const memberIds = present.map((e) => eventHitId(rule.id, e));
  const group: Record<string, string | null> = Object.create(null);
  for (const k of Object.keys(seq.group)) {
    const v = seq.group[k];
    group[k] = v === null || v === undefined ? null : String(v);
  }
  const details: Record<string, string> = Object.create(null);
  for (const k of Object.keys(group)) details[k] = group[k] ?? '';
  details.stages = String(seq.events.length);
  const last = present[present.length - 1];
  if (last) Object.assign(details, detailsFor(last.fields, last.channel, last.eventId));
  return {
    schema: 1,
    timestamp: first ? isoTime(first.timestamp) : null,
    level: rule.level,
    rule: { id: rule.id, title: rule.title, kind: 'eql', path: rule.path, tags: rule.tags },
    computer: first?.computer || null,
    channel: null,
    event_id: null,
    record_id: null,
    source: first ? first.src : null,
    details,
    event: null,
    hit_id: groupHitId(rule.id, memberIds),
    group,
    events: seq.events.map((e) => (e === null ? null : e.fields)),
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
  if (ra !== rb) return ra < rb ? -1 : 1;
  return a.hit_id < b.hit_id ? -1 : a.hit_id > b.hit_id ? 1 : 0;
}
