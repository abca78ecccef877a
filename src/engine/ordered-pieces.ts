/**
 * Regular expressions of the shape `A.*B.*C` (literal pieces joined by `.*`, nothing else), as in
 * SigmaHQ's "many special characters" rules (`\+.*\+.*\+…` fourteen times). A backtracking engine
 * spends time exponential in the number of pieces on a value that has a few of them but not all;
 * the same question is answered exactly in one pass by finding each piece after the previous one
 * (the earliest choice is always the best), within one line since `.` stops at line terminators
 * (unless the `s` flag is given).
 */

/** Characters with a meaning in a pattern: a literal piece holds none of them unescaped. */
const META = new Set('\\^$.|?*+()[]{}'.split(''));
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** The pieces of `source` when it has that shape and flags that keep its meaning plain; else undefined. */
export function orderedPieces(source: string, flags: string): string[] | undefined {
  if (flags !== '' && flags !== 's') return undefined;
  const parts = source.split('.*');
  if (parts.length < 2) return undefined;
  const pieces: string[] = [];
  for (const part of parts) {
    let text = '';
    for (let i = 0; i < part.length; i++) {
      const c = part.charAt(i);
      if (c === '\\') {
        const e = part.charAt(i + 1);
        // Only an escaped punctuation character is itself (\d, \n, \b… mean something else).
        if (e === '' || /[0-9A-Za-z]/.test(e) || e.charCodeAt(0) >= 128) return undefined;
        text += e;
        i++;
      } else if (META.has(c)) return undefined;
      else text += c;
    }
    if (text === '') return undefined;
    pieces.push(text);
  }
  return pieces;
}

function inOrder(text: string, pieces: readonly string[], from: number, to: number): boolean {
  let p = from;
  for (const piece of pieces) {
    const i = text.indexOf(piece, p);
    if (i < 0 || i + piece.length > to) return false;
    p = i + piece.length;
  }
  return true;
}

/** A test equal to `new RegExp(source, flags).test(text)` for a source `orderedPieces` accepted. */
export function orderedTest(pieces: readonly string[], flags: string): (text: string) => boolean {
  const dotAll = flags.includes('s');
  return (text) => {
    if (dotAll || !LINE_BREAK.test(text)) return inOrder(text, pieces, 0, text.length);
    let start = 0;
    for (let i = 0; i <= text.length; i++) {
      const c = i < text.length ? text.charCodeAt(i) : 10;
      if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) {
        if (inOrder(text, pieces, start, i)) return true;
        start = i + 1;
      }
    }
    return false;
  };
}
