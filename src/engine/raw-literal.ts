/**
 * How a required literal (lower-cased text a field value must contain) shows in the bytes of a
 * record before it is parsed. The pre-filter may only ever be conservative: when the literal is
 * in the parsed value, the form chosen here must be in the raw record (compared with ASCII case
 * folded). So the literal is cut at every character whose raw spelling can vary, and the longest
 * piece is kept:
 * - `plain`: the event's values as the view gives them, each scanned apart (no encoding at all);
 * - `xml`: entities may stand for `& < > " '` (numeric references are refused per record); a space
 *   in an attribute may have been a tab or line break, which the scan reads as a space;
 * - `json`: `\` and `"` are always escaped, control characters are (`\u` and `\/` escapes are
 *   refused per record).
 * Both raw forms are scanned as bytes with ASCII case folded (so cased characters outside ASCII
 * are cut too; see prefilter-ac.ts) and account for the view's
 * value normalisation: hexadecimal values lose zero padding after `0x`, GUIDs gain braces,
 * FILETIMEs are rewritten, so literals that could only occur inside such values are cut at `x`,
 * `{`, `}`, `t`, `z` or a space; records with JSON numbers JavaScript spells differently are read
 * in full.
 */
import { usefulLiteral } from '../sigma/index.js';

export type RawForm = 'plain' | 'xml' | 'json';

const HEX_LIKE = /^[0-9a-fx]+$/;
const GUID_LIKE = /^[0-9a-f{}-]+$/;
/**
 * What could lie inside a FILETIME as the view writes it (`2019-03-19t00:02:04.319944z` once
 * lower-cased): digits, `-`, `:`, `.`, at most one `t`, and a `z` only at the end. `.zzz` (a file
 * extension) or `tz` cannot, so they are not cut.
 */
const TIME_LIKE = /^[0-9:.-]*(?:t[0-9:.-]*)?z?$/;

/** Lower-case sigma has two forms chosen by context; the raw scan cannot tell them apart. */
function isSigma(c: number): boolean {
  return c === 0x3c3 || c === 0x3c2;
}

/** A combining dot above: part of what capital I with a dot lower-cases to (see prefilter-ac.ts). */
const COMBINING_DOT = 0x307;

/** A character outside the BMP that has another case (Deseret, Adlam, …; emoji have none). */
function isCasedPair(lit: string, i: number): boolean {
  const cp = lit.codePointAt(i)!;
  if (cp <= 0xffff) return false;
  const ch = String.fromCodePoint(cp);
  return ch.toLowerCase() !== ch || ch.toUpperCase() !== ch;
}

/** A BMP character with another case: the raw forms are scanned as bytes, folding ASCII only. */
function isCasedUnit(c: number): boolean {
  if (c < 128 || (c >= 0xd800 && c <= 0xdfff)) return false;
  const ch = String.fromCharCode(c);
  return ch.toLowerCase() !== ch || ch.toUpperCase() !== ch;
}

function isCut(c: number, form: RawForm): boolean {
  // Every form is scanned unit by unit with case folded: sigma's two lower cases and the
  // combining dot cannot be relied on (nor cased characters outside the BMP, see rawLiteral).
  if (isSigma(c) || c === COMBINING_DOT) return true;
  if (form === 'plain') return c === 0;
  if (c < 32 || c === 127 || isCasedUnit(c)) return true;
  // & < > " ' may be entities (a space may be a normalised tab or line break in an attribute,
  // but the scan reads tabs and line breaks as spaces).
  if (form === 'xml') return c === 38 || c === 60 || c === 62 || c === 34 || c === 39;
  return false;
}

/** The longest piece of `lit` usable in a scan of the given form, or undefined (too short to help). */
export function rawLiteral(lit: string, form: RawForm): string | undefined {
  let extra = '';
  if (form !== 'plain') {
    // Values the view rewrites: FILETIMEs (separator, fraction digits, zone), hexadecimal zero
    // padding after 0x, GUID braces. A literal that could lie inside one is cut where they differ.
    if (TIME_LIKE.test(lit)) extra = 'tz ';
    else if (HEX_LIKE.test(lit)) extra = 'x';
    else if (GUID_LIKE.test(lit)) extra = '{}';
  }
  let best = '';
  let start = 0;
  for (let i = 0; i <= lit.length; i++) {
    const c = i < lit.length ? lit.charCodeAt(i) : -1;
    // A cased pair lower-cases as a whole, which a unit-by-unit scan cannot: cut at both halves.
    const pair = c >= 0xd800 && c <= 0xdbff && isCasedPair(lit, i);
    if (c === -1 || pair || isCut(c, form) || (extra !== '' && extra.includes(lit.charAt(i)))) {
      if (i - start > best.length) best = lit.slice(start, i);
      if (pair) i++;
      start = i + 1;
    }
  }
  if (!usefulLiteral(best)) return undefined;
  if (form === 'json') return best.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  return best;
}
