/** IPv4 / IPv6 parsing and CIDR containment for `cidrMatch`. */

/** An address as 16 bytes (IPv4 mapped into ::ffff:0:0/96), or null when it does not parse. */
export function parseIp(text: string): Uint8Array | null {
  const s = text.trim();
  const v4 = parseIpv4(s);
  if (v4 !== null) {
    const out = new Uint8Array(16);
    out[10] = 0xff;
    out[11] = 0xff;
    out.set(v4, 12);
    return out;
  }
  return parseIpv6(s);
}

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!/^\d{1,3}$/.test(parts[i])) return null;
    const n = Number(parts[i]);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

function parseIpv6(input: string): Uint8Array | null {
  let s = input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!s.includes(':')) return null;
  const words: number[] = [];
  let tail4: Uint8Array | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail4 = parseIpv4(s.slice(lastColon + 1));
    if (tail4 === null) return null;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const w of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(w)) return null;
      out.push(Number.parseInt(w, 16));
    }
    return out;
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (head === null || tail === null) return null;
  if (halves.length === 1) {
    if (head.length !== 8) return null;
    words.push(...head);
  } else {
    if (head.length + tail.length > 7) return null;
    words.push(...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail);
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i] >> 8;
    out[2 * i + 1] = words[i] & 0xff;
  }
  if (tail4 !== null) out.set(tail4, 12);
  return out;
}

export interface Cidr {
  bytes: Uint8Array;
  bits: number;
}

/** Parses `addr/len` (or a bare address, a /32 or /128); null when invalid. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseIp(addrText);
  if (bytes === null) return null;
  const isV4 = parseIpv4(addrText.trim()) !== null;
  const max = isV4 ? 32 : 128;
  let len = max;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1).trim();
    if (!/^\d{1,3}$/.test(lenText)) return null;
    len = Number(lenText);
    if (len > max) return null;
  }
  return { bytes, bits: isV4 ? len + 96 : len };
}

export function cidrContains(c: Readonly<Cidr>, ip: Readonly<Uint8Array>): boolean {
  let bits = c.bits;
  for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((c.bytes[i] & mask) !== (ip[i] & mask)) return false;
  }
  return true;
}

/** Texts parsed once and looked up after: at most this many of each, then the memo starts over. */
const MEMO_LIMIT = 4096;

function memoised<T>(parse: (text: string) => T): (text: string) => T {
  const memo = new Map<string, T>();
  return (text) => {
    const hit = memo.get(text);
    if (hit !== undefined || memo.has(text)) return hit as T;
    const v = parse(text);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(text, v);
    return v;
  };
}

/**
 * parseCidr and parseIp with their results kept: `cidrMatch` receives its ranges evaluated on every
 * call (a rule's own literals, parsed again each time: 5 % of a hunt with Elastic's rules), and the
 * addresses in a log repeat. The results are shared, so they are read only.
 */
export const parseCidrOnce: (text: string) => Readonly<Cidr> | null = memoised(parseCidr);
export const parseIpOnce: (text: string) => Readonly<Uint8Array> | null = memoised(parseIp);
