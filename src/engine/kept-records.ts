import { dictFrom } from '../common/index.js';
import type { StageHit } from '../eql/index.js';
import type { EventSnapshot, StageRecord } from './messages.js';

/**
 * `s` in a string of its own. A value the parser cut from the text of a whole part of a chunk
 * (event/parse-chunk.ts) is a slice that keeps all of that text alive, and what the time-ordered
 * matchers gather is kept until the input is over: over 500 MB of python-evtx XML at one thread,
 * such slices held ~80 MB (docs/performance.md). Joined and cut again, the text is copied, and only
 * the copy is kept.
 */
export function ownCopy(s: string): string {
  return ` ${s}`.slice(1);
}

function ownHits(hits: StageHit[]): StageHit[] {
  return hits.map((h) => ({
    stage: h.stage,
    keys: h.keys.map((k) => k.map((v) => (typeof v === 'string' ? ownCopy(v) : v))),
  }));
}

/**
 * The record of an event that fills stages of EQL sequence rule `rule`, as it is kept (StageRecord);
 * `text` is the event's JSON when an earlier record of the same event has written it already.
 */
export function stageRecord(
  rule: number,
  hits: StageHit[],
  ev: EventSnapshot,
  text = JSON.stringify(ev),
): StageRecord {
  return { rule, hits: ownHits(hits), timestamp: ev.timestamp, src: ev.src, event: text };
}

/**
 * The snapshot a StageRecord's text holds, its fields in a dictionary without a prototype again (a
 * field named `__proto__` stays an ordinary key).
 */
export function stageEvent(text: string): EventSnapshot {
  const ev = JSON.parse(text) as EventSnapshot;
  ev.fields = dictFrom(ev.fields);
  return ev;
}

/**
 * A stage record as one line of a spilled run: its small part as JSON, a tab, and the event's text
 * as it is (JSON.stringify writes no tab or line break raw), so the text is neither escaped again
 * nor parsed when the run is read back.
 */
export function encodeStage(r: StageRecord): string {
  return `${JSON.stringify([r.rule, r.timestamp, r.src, r.hits])}\t${r.event}`;
}

export function decodeStage(line: string): StageRecord {
  const tab = line.indexOf('\t');
  const [rule, timestamp, src, hits] = JSON.parse(line.slice(0, tab)) as [
    number,
    number,
    StageRecord['src'],
    StageHit[],
  ];
  // The line is a string of its own (run-lines.ts): the event's text keeps nothing more alive.
  return { rule, timestamp, src, hits, event: line.slice(tab + 1) };
}
