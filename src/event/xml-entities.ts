/**
 * Decodes the five predefined XML entities and numeric character references. Nothing else is
 * expanded: an unknown `&name;` (which could only come from a DTD, never processed) stays as written.
 * Callers only come here when the text contains '&'.
 */
export function decodeEntities(s: string): string {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  let out = '';
  let pos = 0;
  while (amp >= 0) {
    const semi = s.indexOf(';', amp + 1);
    if (semi < 0) break;
    const rep = entity(s, amp + 1, semi);
    if (rep !== undefined) {
      out += s.slice(pos, amp) + rep;
      pos = semi + 1;
      amp = s.indexOf('&', pos);
    } else amp = s.indexOf('&', amp + 1);
  }
  return out + s.slice(pos);
}

function entity(s: string, from: number, to: number): string | undefined {
  const len = to - from;
  if (len < 2 || len > 10) return undefined;
  const c = s.charCodeAt(from);
  if (c === 35 /* # */) {
    const hex = s.charCodeAt(from + 1) === 120; /* x */
    const body = s.slice(from + (hex ? 2 : 1), to);
    if (body.length === 0 || !(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(body)) return undefined;
    const cp = Number.parseInt(body, hex ? 16 : 10);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
    return String.fromCodePoint(cp);
  }
  switch (s.slice(from, to)) {
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'quot':
      return '"';
    case 'apos':
      return "'";
    default:
      return undefined;
  }
}
