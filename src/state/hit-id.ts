import { xxh64 } from '@node-rs/xxhash';

/** The parts of an event that identify it wherever it was read from (not the file or offset). */
export interface EventIdentity {
  computer: string;
  channel: string;
  recordId: string;
  /** ISO 8601 UTC, or '' when the event has no time. */
  timestamp: string;
}

const SEP = '\u001f';

/**
 * Stable hit id: xxhash64 (hex, 16 digits) of the rule id and the event's identity, so the same event
 * read from an XML export and from its NDJSON twin, or from two overlapping exports, gets the same id.
 */
export function hitId(ruleId: string, ev: EventIdentity): string {
  return hitIdFor(ruleId, identityKey(ev));
}

/** The event's part of its hits' ids (hitIdFor), the same for every rule it matches. */
export function identityKey(ev: EventIdentity): string {
  return `${SEP}${ev.computer.toLowerCase()}${SEP}${ev.channel.toLowerCase()}${SEP}${ev.recordId}${SEP}${ev.timestamp}`;
}

/** `hitId` from the rule id and the event's identityKey. */
export function hitIdFor(ruleId: string, identity: string): string {
  return xxh64(ruleId + identity)
    .toString(16)
    .padStart(16, '0');
}

/** Id of a hit made of several events (correlations, sequences): the rule id and the member hit ids. */
export function groupHitId(ruleId: string, memberIds: readonly string[]): string {
  return xxh64([ruleId, ...memberIds].join(SEP))
    .toString(16)
    .padStart(16, '0');
}
