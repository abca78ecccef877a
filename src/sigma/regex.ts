/** Result of preparing a Sigma `re` value for JavaScript's RegExp. */
export type PreparedRegex =
  | { ok: true; source: string; flags: string; lit?: string }
  | { ok: false; reason: string };

/**
 * Prepares a Sigma (PCRE-flavoured) regular expression for JavaScript: a leading inline flag
 * group such as `(?i)` or `(?is)` becomes RegExp flags, `(?P<name>` becomes `(?<name>`.
 * Anything RegExp still rejects is reported with its reason.
 */
export function prepareRegex(pattern: string, subFlags: string): PreparedRegex {
  let source = pattern;
  const flags = new Set(subFlags.split(''));
  const lead = /^\(\?([imsx]+)\)/.exec(source);
  if (lead) {
    for (const f of lead[1]!) {
      if (f === 'x') return { ok: false, reason: 'regular expression uses the extended (?x) flag' };
      flags.add(f);
    }
    source = source.slice(lead[0].length);
  }
  if (/\(\?[imsx-]+[):]/.test(source)) {
    return { ok: false, reason: 'regular expression uses inline flags inside the pattern' };
  }
  source = source.replace(/\(\?P</g, '(?<');
  const flagText = [...flags].sort().join('');
  try {
    new RegExp(source, flagText);
  } catch (e) {
    return { ok: false, reason: `invalid regular expression: ${(e as Error).message}` };
  }
  const lit = necessaryLiteral(source);
  return lit ? { ok: true, source, flags: flagText, lit } : { ok: true, source, flags: flagText };
}

/**
 * A lower-cased substring that every string matched by the expression contains, when a simple
 * scan can prove one: literal runs at the top level of a pattern without top-level alternation,
 * not followed by a quantifier that may drop them. Returns the longest such run.
 */
export function necessaryLiteral(source: string): string | undefined {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (c === '|' && depth === 0) {
      return undefined;
    }
  }
  const runs: string[] = [];
  let cur = '';
  depth = 0;
  inClass = false;
  const flush = () => {
    if (cur) runs.push(cur);
    cur = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (inClass) {
      if (c === '\\') i++;
      else if (c === ']') inClass = false;
      continue;
    }
    if (depth > 0) {
      if (c === '\\') i++;
      else if (c === '[') inClass = true;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    let ch: string | undefined;
    if (c === '\\') {
      const n = source[i + 1];
      i++;
      if (n !== undefined && /[.*+?^${}()|[\]\\/\-\s"'`:;,=<>!@#%&~]/.test(n) && !/\s/.test(n)) ch = n;
      else {
        flush();
        continue;
      }
    } else if (c === '(') {
      flush();
      depth++;
      continue;
    } else if (c === '[') {
      flush();
      inClass = true;
      continue;
    } else if ('.^$'.includes(c)) {
      flush();
      continue;
    } else if ('*+?{'.includes(c)) {
      // The quantifier applies to the previous atom: drop it from the run.
      if (c !== '+' && cur.length > 0) cur = cur.slice(0, -1);
      flush();
      if (c === '{') {
        const close = source.indexOf('}', i);
        if (close > 0) i = close;
      }
      continue;
    } else {
      ch = c;
    }
    cur += ch;
  }
  flush();
  let best = '';
  for (const r of runs) if (r.length > best.length) best = r;
  // Even one character is a cheap guard before a regular expression runs.
  return best.length >= 1 ? best.toLowerCase() : undefined;
}
