/**
 * Wildcard patterns of `:` and `like`: `*` matches any run of characters (none included), `?`
 * exactly one; every other character, the backslash included, is literal. Common shapes
 * compile to `startsWith` / `endsWith` / `includes` / `===`; the rest to an anchored RegExp.
 */
export type TextTest = (s: string) => boolean;

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** Compiles one pattern. With `insensitive`, the caller must pass lower-cased text. */
export function compileWildcard(pattern: string, insensitive: boolean): TextTest {
  const p = insensitive ? pattern.toLowerCase() : pattern;
  if (!p.includes('?')) {
    const parts = p.split('*');
    if (parts.length === 1) return (s) => s === p;
    const inner = parts.slice(1, -1);
    const head = parts[0];
    const tail = parts[parts.length - 1];
    if (inner.every((x) => x === '')) {
      if (head === '' && tail === '') return () => true;
      if (tail === '') return (s) => s.startsWith(head);
      if (head === '') return (s) => s.endsWith(tail);
      const min = head.length + tail.length;
      return (s) => s.length >= min && s.startsWith(head) && s.endsWith(tail);
    }
    if (parts.length === 3 && head === '' && tail === '') {
      const mid = parts[1];
      return (s) => s.includes(mid);
    }
  }
  let src = '';
  for (const ch of p) {
    if (ch === '*') src += '[\\s\\S]*';
    else if (ch === '?') src += '[\\s\\S]';
    else src += escapeRegExp(ch);
  }
  const re = new RegExp(`^${src}$`, 'u');
  return (s) => re.test(s);
}

/** Compiles a pattern list into one test (true when any pattern matches). */
export function compileWildcards(patterns: readonly string[], insensitive: boolean): TextTest {
  const tests = patterns.map((p) => compileWildcard(p, insensitive));
  if (tests.length === 1) return tests[0];
  return (s) => {
    for (const t of tests) if (t(s)) return true;
    return false;
  };
}
