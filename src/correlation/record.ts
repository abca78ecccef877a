import { dict } from '../common/index.js';
import type { HitRecord } from '../output/index.js';
import type { CorrelationHit } from './types.js';

function iso(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * The JSONL record (schema 1) of a correlation hit: `rule.kind` is `sigma-correlation`,
 * `timestamp` the first event of the window, the per-event fields are null (or `computer` from the
 * group when the correlation groups by `Computer`), `group`, `count` or `value`, and `events`: the
 * members' hit ids, rule ids, times and sources, capped (the total is in `details.events_total`).
 */
export function toHitRecord(hit: CorrelationHit): HitRecord {
  // Group names come from rule files: null-prototype dictionaries keep `__proto__` an ordinary key.
  const details = dict<string>();
  const group = dict<string | null>();
  // The group values travel in `group`; displays put them first, so `details` does not repeat them.
  for (const k of Object.keys(hit.group)) group[k] = hit.group[k] ?? null;
  details.correlation = hit.type;
  details.window_end = iso(hit.endTimestamp) ?? '';
  details.events_total = String(hit.eventsTotal);
  const computer = Object.hasOwn(hit.group, 'Computer') ? (hit.group.Computer ?? null) : null;
  return {
    schema: 1,
    timestamp: iso(hit.timestamp),
    level: hit.level,
    rule: { id: hit.ruleId, title: hit.title, kind: 'sigma-correlation', path: hit.path, tags: hit.tags },
    computer,
    channel: null,
    event_id: null,
    record_id: null,
    source: null,
    details,
    event: null,
    hit_id: hit.hitId,
    group,
    events: hit.events.map((e) => ({
      hit_id: e.hitId,
      rule_id: e.ruleId,
      timestamp: iso(e.timestamp),
      source: e.source,
    })),
    ...(hit.count !== undefined ? { count: hit.count } : {}),
    ...(hit.value !== undefined ? { value: hit.value } : {}),
  };
}
