/**
 * Elastic EQL's `regex` takes a Lucene regular expression that must match the whole string.
 * This translates one into an anchored JavaScript RegExp:
 * - `^` and `$` are ordinary characters in Lucene and are escaped;
 * - `"…"` quotes a literal run; `\c` escapes c (`\d \w \s \D \W \S` keep their class meaning);
 * - `.` matches any character including a newline; `@` (any string) and `#` (empty language)
 *   are supported; `&`, `~` and `<n-m>` intervals are refused rather than guessed.
 */
const SPECIAL_OUTSIDE = new Set(['^', '$', '/']);
const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S']);

function escapeChar(c: string, inClass = false): string {
  if (c === '-') return inClass ? '\\-' : '-';
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

export function luceneToRegExp(pattern: string, insensitive: boolean): RegExp {
  let out = '';
  let i = 0;
  let depth = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) throw new Error('trailing backslash');
      out += CLASS_ESCAPES.has(e) ? `\\${e}` : escapeChar(e);
      i += 2;
      continue;
    }
    if (c === '"') {
      const end = pattern.indexOf('"', i + 1);
      if (end < 0) throw new Error('unterminated quoted string');
      for (const ch of pattern.slice(i + 1, end)) out += escapeChar(ch);
      i = end + 1;
      continue;
    }
    if (c === '[') {
      const { text, end } = readClass(pattern, i);
      out += text;
      i = end;
      continue;
    }
    if (c === '.') {
      out += '[\\s\\S]';
    } else if (c === '@') {
      out += '[\\s\\S]*';
    } else if (c === '#') {
      out += '(?!)';
    } else if (c === '&' || c === '~') {
      throw new Error(`the '${c}' operator is not supported`);
    } else if (c === '<') {
      throw new Error('numeric intervals (<n-m>) are not supported');
    } else if (c === '(') {
      depth++;
      out += '(?:';
    } else if (c === ')') {
      if (depth === 0) throw new Error('unbalanced parenthesis');
      depth--;
      out += ')';
    } else if (SPECIAL_OUTSIDE.has(c)) {
      out += `\\${c}`;
    } else {
      out += c;
    }
    i++;
  }
  if (depth !== 0) throw new Error('unbalanced parenthesis');
  // Validates quantifiers and the rest; throws SyntaxError on a malformed pattern.
  return new RegExp(`^(?:${out})$`, insensitive ? 'iu' : 'u');
}

function readClass(pattern: string, start: number): { text: string; end: number } {
  let i = start + 1;
  let text = '[';
  if (pattern[i] === '^') {
    text += '^';
    i++;
  }
  let first = true;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === ']' && !first) return { text: `${text}]`, end: i + 1 };
    first = false;
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) throw new Error('trailing backslash');
      text += CLASS_ESCAPES.has(e) ? `\\${e}` : escapeChar(e, true);
      i += 2;
      continue;
    }
    text += c === '[' || c === '/' ? `\\${c}` : c === ']' ? '\\]' : c;
    i++;
  }
  throw new Error('unterminated character class');
}
