/** Shows instants in one IANA time zone (UTC unless told otherwise). */
export interface TimeFormatter {
  /** The zone as users named it ("UTC", "Europe/Paris"). */
  readonly zone: string;
  /** "2019-09-12 12:11:12.123" in the zone; "" for NaN. */
  local(ms: number): string;
  /** "2019-09-12 12:11:12.123 +02:00"; "" for NaN. */
  withOffset(ms: number): string;
  /** The zone's offset from UTC at that instant, in minutes. */
  offsetMinutes(ms: number): number;
}

/** True when Intl knows the zone name (IANA names such as "Asia/Tokyo", and "UTC"). */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function utcLocal(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

const UTC_FORMATTER: TimeFormatter = {
  zone: 'UTC',
  local: (ms) => (Number.isNaN(ms) ? '' : utcLocal(ms)),
  withOffset: (ms) => (Number.isNaN(ms) ? '' : `${utcLocal(ms)} +00:00`),
  offsetMinutes: () => 0,
};

/** Throws a RangeError naming the zone when Intl does not know it. */
export function createTimeFormatter(timezone?: string): TimeFormatter {
  if (timezone === undefined || timezone === 'UTC' || timezone === 'Etc/UTC') return UTC_FORMATTER;
  if (!isValidTimeZone(timezone)) throw new RangeError(`unknown time zone: ${timezone}`);
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  });
  const parts = (ms: number): { local: string; offset: string } => {
    const p: Record<string, string> = Object.create(null);
    for (const part of fmt.formatToParts(ms)) p[part.type] = part.value;
    const offset = (p.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00';
    const year = (p.year ?? '').padStart(4, '0');
    return {
      local: `${year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}.${p.fractionalSecond}`,
      offset,
    };
  };
  const offsetMinutes = (ms: number): number => {
    const m = /^([+-])(\d\d):(\d\d)$/.exec(parts(ms).offset);
    if (m === null) return 0;
    const v = Number(m[2]) * 60 + Number(m[3]);
    return m[1] === '-' ? -v : v;
  };
  return {
    zone: timezone,
    local: (ms) => (Number.isNaN(ms) ? '' : parts(ms).local),
    withOffset: (ms) => {
      if (Number.isNaN(ms)) return '';
      const p = parts(ms);
      return `${p.local} ${p.offset}`;
    },
    offsetMinutes,
  };
}

/** Milliseconds of an ISO timestamp from a hit; NaN for null or unparsable text. */
export function hitTime(timestamp: string | null): number {
  return timestamp === null ? Number.NaN : Date.parse(timestamp);
}
