import { dictFrom } from '../common/index.js';
import type { SpillOptions } from '../engine/index.js';
import type { HitRecord } from '../output/index.js';

/**
 * `--sort time` holds every hit until the input is over. Held hits are sorted with bounded memory
 * (engine/spill-sort.ts): past this much of their text, a sorted run goes to a temporary file.
 * Held as objects, 67,000 SigmaHQ hits over 500 MB of XML took a two-thread hunt to 528 MiB.
 */
const HELD_TEXT_BUDGET = 16 * 1024 * 1024;

/**
 * About how much a held hit costs: its JSON line, or its event's fields and values beside ~2 kB for
 * the record's objects (measured: table hits, whose fields are not held, peaked at 395 MiB over 500 MB
 * of XML when counted at 512, 280 MiB at 2,048).
 */
function weigh(h: HitRecord): number {
  if (h.json !== undefined) return h.json.length + 256;
  let n = 2048;
  const ev = h.event;
  if (ev !== null) {
    for (const k of Object.keys(ev)) {
      const v = ev[k]!;
      n += k.length + 8 + (typeof v === 'string' ? v.length : v.reduce((sum, x) => sum + x.length + 3, 0));
    }
  }
  if (h.events !== undefined) n += 1024 * h.events.length;
  return n;
}

/**
 * A held hit as one line of a run: the record as JSON, and for a hit rendered where it was found, a
 * tab and its JSON line as it is (JSON writes no tab raw, so the first tab ends the record).
 */
function encode(h: HitRecord): string {
  if (h.json === undefined) return JSON.stringify(h);
  const { json, ...record } = h;
  return `${JSON.stringify(record)}\t${Buffer.from(json.buffer, json.byteOffset, json.length).toString('utf8')}`;
}

/** The hit a line of a run holds, its dictionaries without a prototype (`__proto__` stays a key). */
function decode(line: string): HitRecord {
  const tab = line.indexOf('\t');
  const h = JSON.parse(tab < 0 ? line : line.slice(0, tab)) as HitRecord;
  h.details = dictFrom(h.details);
  if (h.event !== null) h.event = dictFrom(h.event);
  if (h.group !== undefined) h.group = dictFrom(h.group);
  if (tab >= 0) h.json = Buffer.from(line.slice(tab + 1), 'utf8');
  return h;
}

export const HELD_HITS: SpillOptions<HitRecord> = { weigh, budget: HELD_TEXT_BUDGET, encode, decode };
