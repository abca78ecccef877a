const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/** Shown for an empty bucket, so "nothing" and "a little" look different. */
export const EMPTY_BUCKET = '·';

/** One character per value, scaled to the largest value in the series. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  let out = '';
  for (const v of values) {
    if (v <= 0 || max === 0) out += EMPTY_BUCKET;
    else out += BARS[Math.min(BARS.length, Math.max(1, Math.ceil((v / max) * BARS.length))) - 1];
  }
  return out;
}

export interface Buckets {
  /** Hours per bucket: 1 (per hour), 24 (per day) or a multiple of 24. */
  hours: number;
  /** Hour index (ms / 1 h, UTC) where the first bucket starts. */
  originHour: number;
  count: number;
}

/**
 * Per hour when the hours from first to last hit fit in `columns`; else per day, days starting at
 * local midnight (`offsetHours` from UTC); else several days per bucket.
 */
export function chooseBuckets(
  firstHour: number,
  lastHour: number,
  offsetHours: number,
  columns: number,
): Buckets {
  const span = lastHour - firstHour + 1;
  if (span <= columns) return { hours: 1, originHour: firstHour, count: span };
  const originHour = Math.floor((firstHour + offsetHours) / 24) * 24 - offsetHours;
  const days = Math.floor((lastHour - originHour) / 24) + 1;
  const perBucket = Math.ceil(days / columns);
  return { hours: perBucket * 24, originHour, count: Math.ceil(days / perBucket) };
}
