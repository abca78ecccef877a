/**
 * Display width on a terminal of text that has been through escapeForTerminal (no controls left):
 * combining marks and variation selectors take no column, East Asian wide/fullwidth characters and
 * most emoji take two, everything else one.
 */
function codePointWidth(cp: number): number {
  if (cp < 0x300) return 1;
  if (
    (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x1ab0 && cp <= 0x1aff) ||
    (cp >= 0x1dc0 && cp <= 0x1dff) ||
    (cp >= 0x20d0 && cp <= 0x20ff) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xfe20 && cp <= 0xfe2f) ||
    (cp >= 0xe0100 && cp <= 0xe01ef)
  ) {
    return 0;
  }
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  ) {
    return 2;
  }
  return 1;
}

/** True when every character is printable ASCII, the common case, measured without a loop per code point. */
const ASCII = /^[\x20-\x7e]*$/;

export function displayWidth(s: string): number {
  if (ASCII.test(s)) return s.length;
  let w = 0;
  for (const ch of s) w += codePointWidth(ch.codePointAt(0)!);
  return w;
}

/** Cuts `s` to at most `width` columns, ending with '…' when something was cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = codePointWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/** Pads `s` with spaces on the right to exactly `width` columns (truncating first if needed). */
export function padEnd(s: string, width: number): string {
  const t = truncate(s, width);
  return t + ' '.repeat(Math.max(0, width - displayWidth(t)));
}

export function padStart(s: string, width: number): string {
  const t = truncate(s, width);
  return ' '.repeat(Math.max(0, width - displayWidth(t))) + t;
}

/**
 * Wraps `s` into lines of at most `width` columns, at most `maxLines` of them; the last kept line ends
 * with '…' when text was left out. A line breaks after a space when one lies in its last third,
 * otherwise in the middle of a word (command lines and paths have long unbroken runs).
 */
export function wrap(s: string, width: number, maxLines: number): string[] {
  if (width <= 0 || maxLines <= 0) return [];
  const lines: string[] = [];
  const chars = Array.from(s);
  let start = 0;
  while (start < chars.length && lines.length < maxLines) {
    let w = 0;
    let end = start;
    while (end < chars.length) {
      const cw = codePointWidth(chars[end]!.codePointAt(0)!);
      if (w + cw > width) break;
      w += cw;
      end++;
    }
    if (end < chars.length) {
      const floor = start + Math.floor(((end - start) * 2) / 3);
      for (let i = end; i > floor; i--) {
        if (chars[i - 1] === ' ') {
          end = i;
          break;
        }
      }
    }
    if (end === start) end = start + 1;
    lines.push(chars.slice(start, end).join('').trimEnd());
    start = end;
    while (start < chars.length && chars[start] === ' ') start++;
  }
  if (start < chars.length && lines.length > 0) {
    const last = lines[lines.length - 1]!;
    lines[lines.length - 1] = displayWidth(last) < width ? `${last}…` : truncate(`${last}…`, width);
  }
  return lines;
}

const SGR = /\u001b\[[0-9;]*m/y;

/**
 * truncate() for a line that may hold this program's own colour codes (SGR sequences): they take no
 * column and are kept, and a cut line ends with a reset so no colour leaks.
 */
export function truncateStyled(s: string, width: number): string {
  if (!s.includes('\u001b')) return truncate(s, width);
  let out = '';
  let w = 0;
  let i = 0;
  let styled = false;
  const visibleWidth = displayWidth(s.replace(/\u001b\[[0-9;]*m/g, ''));
  if (visibleWidth <= width) return s;
  while (i < s.length) {
    SGR.lastIndex = i;
    const m = SGR.exec(s);
    if (m !== null) {
      out += m[0];
      styled = true;
      i += m[0].length;
      continue;
    }
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const cw = codePointWidth(cp);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
    i += ch.length;
  }
  return `${out}…${styled ? '\u001b[0m' : ''}`;
}
