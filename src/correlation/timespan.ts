const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  // Calendar units have no fixed length: a month is 1/12 of an average Gregorian year.
  M: 2_629_746_000,
  y: 31_556_952_000,
};

const TIMESPAN = /^([0-9]{1,9})([smhdwMy])$/;

/**
 * Parses a Sigma timespan (`30s`, `5m`, `1h`, `7d`, `2w`, `1M`, `1y`) into milliseconds.
 * Case matters (`m` is minutes, `M` months). Returns undefined for anything else or for zero.
 */
export function parseTimespan(text: string): number | undefined {
  const m = TIMESPAN.exec(text.trim());
  if (!m) return undefined;
  const count = Number(m[1]);
  if (count <= 0) return undefined;
  return count * UNIT_MS[m[2]!]!;
}
