import { EqlSyntaxError } from './errors.js';

export type TokenKind =
  | 'ident' // identifier or keyword; `tilde` set when written as `name~`
  | 'quoted' // `backquoted identifier`
  | 'string'
  | 'number'
  | 'op' // punctuation and operators
  | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Decoded value of a string literal, or the numeric value of a number. */
  value: string | number;
  float: boolean;
  tilde: boolean;
  /** A `?` written directly before an identifier: the optional-field marker. */
  optional: boolean;
  line: number;
  column: number;
  /** True when no whitespace or comment separates this token from the previous one. */
  adjacent: boolean;
}

const OPERATORS = [
  '==',
  '!=',
  '<=',
  '>=',
  '<',
  '>',
  ':',
  '(',
  ')',
  '[',
  ']',
  ',',
  '+',
  '-',
  '*',
  '/',
  '%',
  '|',
  '!',
  '.',
  '=',
];

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '@';
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

/** Splits an EQL query into tokens; comments (`//…` and `/* … *\/`) and whitespace are dropped. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let adjacent = false;

  const col = (at: number): number => at - lineStart + 1;
  const fail = (msg: string, at: number): never => {
    throw new EqlSyntaxError(msg, line, col(at));
  };
  const push = (t: Omit<Token, 'adjacent' | 'line' | 'column'>, atLine: number, atCol: number): void => {
    tokens.push({ ...t, line: atLine, column: atCol, adjacent });
    adjacent = true;
  };
  const advanceOver = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      if (src[k] === '\n') {
        line++;
        lineStart = k + 1;
      }
    }
  };

  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      if (c === '\n') {
        line++;
        lineStart = i + 1;
      }
      i++;
      adjacent = false;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      adjacent = false;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated comment', i);
      advanceOver(i, end + 2);
      i = end + 2;
      adjacent = false;
      continue;
    }
    const startLine = line;
    const startCol = col(i);
    const base = { value: '', float: false, tilde: false, optional: false };

    if (c === '"') {
      if (src.startsWith('"""', i)) {
        const end = src.indexOf('"""', i + 3);
        if (end < 0) fail('unterminated raw string', i);
        let close = end;
        // A raw string may end with quotes: `""""a"""" ` closes at the last run of three.
        while (src[close + 3] === '"') close++;
        const text = src.slice(i + 3, close);
        advanceOver(i, close + 3);
        push({ ...base, kind: 'string', text: src.slice(i, close + 3), value: text }, startLine, startCol);
        i = close + 3;
        continue;
      }
      const { value, end } = readString(src, i, fail);
      push({ ...base, kind: 'string', text: src.slice(i, end), value }, startLine, startCol);
      i = end;
      continue;
    }
    if (c === "'") fail('single-quoted strings are not Elastic EQL; use "double quotes"', i);
    if (isDigit(c) || (c === '.' && isDigit(src[i + 1] ?? ''))) {
      let j = i;
      let float = false;
      while (j < src.length && isDigit(src[j])) j++;
      if (src[j] === '.' && !isIdentStart(src[j + 1] ?? '')) {
        float = true;
        j++;
        while (j < src.length && isDigit(src[j])) j++;
      }
      if ((src[j] === 'e' || src[j] === 'E') && /[0-9+-]/.test(src[j + 1] ?? '')) {
        const k = src[j + 1] === '+' || src[j + 1] === '-' ? j + 2 : j + 1;
        if (isDigit(src[k] ?? '')) {
          float = true;
          j = k;
          while (j < src.length && isDigit(src[j])) j++;
        }
      }
      const text = src.slice(i, j);
      push({ ...base, kind: 'number', text, value: Number(text), float }, startLine, startCol);
      i = j;
      continue;
    }
    const optional = c === '?' && (isIdentStart(src[i + 1] ?? '') || src[i + 1] === '`');
    const at = optional ? i + 1 : i;
    if (src[at] === '`') {
      const end = src.indexOf('`', at + 1);
      if (end < 0 || src.slice(at + 1, end).includes('\n')) fail('unterminated backquoted name', at);
      const name = src.slice(at + 1, end);
      push(
        { ...base, optional, kind: 'quoted', text: src.slice(i, end + 1), value: name },
        startLine,
        startCol,
      );
      i = end + 1;
      continue;
    }
    if (isIdentStart(src[at] ?? '')) {
      let j = at;
      while (j < src.length && isIdentPart(src[j])) j++;
      const text = src.slice(at, j);
      const tilde = !optional && src[j] === '~';
      push({ ...base, optional, kind: 'ident', text, value: text, tilde }, startLine, startCol);
      i = tilde ? j + 1 : j;
      continue;
    }
    if (c === '?' && src[i + 1] === '"') fail('?"raw" strings are not Elastic EQL; use """raw""" strings', i);
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op === undefined) fail(`unexpected character '${c}'`, i);
    push({ ...base, kind: 'op', text: op as string, value: op as string }, startLine, startCol);
    i += (op as string).length;
  }
  tokens.push({
    kind: 'eof',
    text: '',
    value: '',
    float: false,
    tilde: false,
    optional: false,
    line,
    column: col(i),
    adjacent,
  });
  return tokens;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '0': '\0',
};

function readString(
  src: string,
  start: number,
  fail: (msg: string, at: number) => never,
): { value: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i];
    if (c === '"') return { value: out, end: i + 1 };
    if (c === '\n') fail('unterminated string (strings cannot span lines; use """raw""" strings)', start);
    if (c === '\\') {
      const e = src[i + 1] ?? '';
      if (Object.hasOwn(SIMPLE_ESCAPES, e)) {
        out += SIMPLE_ESCAPES[e];
        i += 2;
        continue;
      }
      if (e === 'u') {
        const m =
          /^\{([0-9a-fA-F]{1,8})\}/.exec(src.slice(i + 2, i + 13)) ??
          /^([0-9a-fA-F]{4})/.exec(src.slice(i + 2, i + 6));
        if (m === null) fail('invalid unicode escape in string', i);
        const cp = Number.parseInt((m as RegExpExecArray)[1], 16);
        if (cp > 0x10ffff) fail('unicode escape out of range', i);
        out += String.fromCodePoint(cp);
        i += 2 + (m as RegExpExecArray)[0].length;
        continue;
      }
      fail(`invalid escape sequence '\\${e}' in string (write '\\\\' for a backslash)`, i);
    }
    out += c;
    i++;
  }
  return fail('unterminated string', start);
}
