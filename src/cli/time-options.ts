const UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses `--from`/`--to`: RFC 3339 (`2024-05-01T10:00:00+02:00`, `2024-05-01T08:00:00Z`), a plain date
 * (`2024-05-01`, taken as UTC midnight), or a duration before `now` (`90s`, `30m`, `24h`, `7d`, `2w`).
 * Returns ms since the epoch, or an error message.
 */
export function parseTimeBound(text: string, now: number): number | string {
  const rel = /^(\d+)([smhdw])$/.exec(text.trim());
  if (rel) return now - Number(rel[1]) * UNITS[rel[2]!]!;
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return Date.parse(`${t}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(t)) {
    return `'${text}' is not a time: use RFC 3339 with an offset (2024-05-01T10:00:00Z), a date, or 24h / 7d`;
  }
  const ms = Date.parse(t.replace(' ', 'T'));
  return Number.isNaN(ms) ? `'${text}' is not a valid time` : ms;
}
