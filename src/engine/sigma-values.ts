import type { NumOp, TimePart } from '../sigma/index.js';

/** IPv4 or IPv6 text → 16 bytes (IPv4 as ::ffff:a.b.c.d), or undefined. */
export function parseIp(text: string): Uint8Array | undefined {
  let t = text.trim();
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(t);
  if (v4) {
    const out = new Uint8Array(16);
    out[10] = 0xff;
    out[11] = 0xff;
    for (let i = 0; i < 4; i++) {
      const n = Number(v4[i + 1]);
      if (n > 255) return undefined;
      out[12 + i] = n;
    }
    return out;
  }
  if (!t.includes(':') || !/^[0-9a-fA-F:.]+$/.test(t)) return undefined;
  let tail: number[] = [];
  const lastColon = t.lastIndexOf(':');
  const last = t.slice(lastColon + 1);
  if (last.includes('.')) {
    const b = parseIp(last);
    if (!b) return undefined;
    tail = [(b[12]! << 8) | b[13]!, (b[14]! << 8) | b[15]!];
    t = `${t.slice(0, lastColon + 1)}0:0`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) =>
    s === '' ? [] : s.split(':').map((h) => (/^[0-9a-fA-F]{1,4}$/.test(h) ? parseInt(h, 16) : Number.NaN));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  let groups: number[];
  if (halves.length === 2) {
    const fill = 8 - head.length - rest.length;
    if (fill < 0) return undefined;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  } else groups = head;
  if (tail.length) groups.splice(groups.length - 2, 2, ...tail);
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return undefined;
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i]! >> 8;
    out[2 * i + 1] = groups[i]! & 0xff;
  }
  return out;
}

/** A predicate telling whether an address text lies in the CIDR block (IPv4 or IPv6). */
export function cidrMatcher(cidr: string): (value: string) => boolean {
  const slash = cidr.indexOf('/');
  const addrText = slash >= 0 ? cidr.slice(0, slash) : cidr;
  const net = parseIp(addrText);
  const isV4 = !addrText.includes(':');
  let bits = slash >= 0 ? Number(cidr.slice(slash + 1)) : isV4 ? 32 : 128;
  if (isV4) bits += 96;
  if (!net) return () => false;
  return (value: string) => {
    const ip = parseIp(value);
    if (!ip) return false;
    let left = bits;
    for (let i = 0; i < 16 && left > 0; i++) {
      const mask = left >= 8 ? 0xff : (0xff << (8 - left)) & 0xff;
      if ((ip[i]! & mask) !== (net[i]! & mask)) return false;
      left -= 8;
    }
    return true;
  };
}

export function compareNum(op: NumOp, a: number, b: number): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
  }
}

/** A number read from field text: decimal, or hexadecimal with 0x. */
export function parseNum(text: string): number {
  const t = text.trim();
  if (t === '') return Number.NaN;
  return Number(t);
}

/** Parses the date forms Windows exports use; the time is taken as UTC when no zone is given. */
export function parseDate(text: string): Date | undefined {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      text.trim(),
    );
  if (!m) return undefined;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  let t = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    ms,
  );
  const z = m[8];
  if (z && z.toUpperCase() !== 'Z') {
    const sign = z[0] === '-' ? -1 : 1;
    const digits = z.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The ISO 8601 week number (1–53). */
function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

export function timePart(part: TimePart, d: Date): number {
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'week':
      return isoWeek(d);
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
  }
}
