import type { HitRecord } from './types.js';

/**
 * What the Details column (table) and `details` cell (CSV) show for a hit, as name/value pairs:
 * a correlation's group and aggregate first, then the hit's details.
 */
export function detailPairs(hit: HitRecord): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  if (hit.group !== undefined) {
    for (const key of Object.keys(hit.group)) pairs.push([key, hit.group[key] ?? '']);
  }
  if (hit.count !== undefined) pairs.push(['Count', String(hit.count)]);
  if (hit.value !== undefined) pairs.push(['Value', String(hit.value)]);
  if (hit.events !== undefined && hit.event === null) pairs.push(['Events', String(hit.events.length)]);
  for (const key of Object.keys(hit.details)) pairs.push([key, hit.details[key]!]);
  return pairs;
}

/** Separator between detail pairs; a broken bar, rare in logs, so pairs stay easy to tell apart. */
export const PAIR_SEPARATOR = ' ¦ ';

/**
 * A hit with only what the table and CSV read of it: its event's fields are left out (the
 * details hold what those formats show), and a correlation's or sequence's member events
 * only counted. For hits held until the end of a hunt (`--sort time`), which then cost a
 * fraction of their size.
 */
export function layoutOnly(hit: HitRecord): HitRecord {
  return {
    ...hit,
    event: null,
    events: hit.events === undefined ? undefined : new Array<null>(hit.events.length).fill(null),
  };
}
