import type { ConditionIR } from './types.js';

type Tok =
  | { k: 'lp' | 'rp' | 'and' | 'or' | 'not' }
  | { k: 'of'; quant: 'one' | 'all'; pattern: string }
  | { k: 'id'; name: string };

export class ConditionError extends Error {}

/**
 * How deep parentheses and `not`s may nest. SigmaHQ's deepest condition nests 2 parentheses; a rule written
 * to nest 100,000 would overflow the parser's stack (and then the compiler's) and end the hunt.
 */
export const MAX_CONDITION_DEPTH = 64;

function tokenize(text: string): Tok[] {
  const raw = text.match(/\(|\)|[^\s()]+/g) ?? [];
  const toks: Tok[] = [];
  for (let i = 0; i < raw.length; i++) {
    const w = raw[i]!;
    const lw = w.toLowerCase();
    if (w === '(') toks.push({ k: 'lp' });
    else if (w === ')') toks.push({ k: 'rp' });
    else if (lw === 'and' || lw === 'or' || lw === 'not') toks.push({ k: lw });
    else if (w === '|') throw new ConditionError('aggregation expressions (| count() …) are not supported');
    else if ((lw === '1' || lw === 'any' || lw === 'all') && raw[i + 1]?.toLowerCase() === 'of') {
      const pattern = raw[i + 2];
      if (pattern === undefined || pattern === '(' || pattern === ')') {
        throw new ConditionError(`"${w} of" needs an identifier pattern or "them"`);
      }
      toks.push({ k: 'of', quant: lw === 'all' ? 'all' : 'one', pattern });
      i += 2;
    } else if (/^\d+$/.test(w) && raw[i + 1]?.toLowerCase() === 'of') {
      throw new ConditionError(`"${w} of" is not part of Sigma: only "1 of", "any of" and "all of"`);
    } else if (/^[A-Za-z0-9_\-.*]+$/.test(w)) toks.push({ k: 'id', name: w });
    else throw new ConditionError(`unexpected "${w}" in condition`);
  }
  return toks;
}

function globToRegExp(pattern: string): RegExp {
  const src = pattern
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${src}$`);
}

/**
 * Parses a condition with the spec's precedence (or < and < not < x of < parentheses) into a
 * tree over selection indexes. `them` covers every identifier not starting with `_`.
 */
export function parseCondition(text: string, names: string[]): ConditionIR {
  const toks = tokenize(text);
  let pos = 0;
  let depth = 0;
  const deeper = (): void => {
    if (++depth > MAX_CONDITION_DEPTH)
      throw new ConditionError(`condition nested deeper than ${MAX_CONDITION_DEPTH} levels`);
  };
  const peek = () => toks[pos];
  const index = (name: string): number => {
    const i = names.indexOf(name);
    if (i < 0) throw new ConditionError(`condition refers to missing identifier ${name}`);
    return i;
  };
  const ofExpr = (quant: 'one' | 'all', pattern: string): ConditionIR => {
    let idx: number[];
    if (pattern === 'them') {
      idx = names.flatMap((n, i) => (n.startsWith('_') ? [] : [i]));
    } else {
      const re = globToRegExp(pattern);
      idx = names.flatMap((n, i) => (re.test(n) ? [i] : []));
    }
    if (idx.length === 0) throw new ConditionError(`condition refers to missing identifier ${pattern}`);
    const c = idx.map((i): ConditionIR => ({ t: 'sel', i }));
    if (c.length === 1) return c[0]!;
    return { t: quant === 'all' ? 'and' : 'or', c };
  };
  const primary = (): ConditionIR => {
    const t = peek();
    if (!t) throw new ConditionError('condition ends unexpectedly');
    pos++;
    if (t.k === 'lp') {
      deeper();
      const e = orExpr();
      if (peek()?.k !== 'rp') throw new ConditionError('missing ")" in condition');
      pos++;
      depth--;
      return e;
    }
    if (t.k === 'of') return ofExpr(t.quant, t.pattern);
    if (t.k === 'id') {
      if (t.name.includes('*'))
        throw new ConditionError(`wildcard identifier ${t.name} needs "1 of" or "all of"`);
      return { t: 'sel', i: index(t.name) };
    }
    throw new ConditionError(`unexpected "${t.k}" in condition`);
  };
  const notExpr = (): ConditionIR => {
    if (peek()?.k === 'not') {
      pos++;
      deeper();
      const c = notExpr();
      depth--;
      return { t: 'not', c };
    }
    return primary();
  };
  const andExpr = (): ConditionIR => {
    const c = [notExpr()];
    while (peek()?.k === 'and') {
      pos++;
      c.push(notExpr());
    }
    return c.length === 1 ? c[0]! : { t: 'and', c };
  };
  const orExpr = (): ConditionIR => {
    const c = [andExpr()];
    while (peek()?.k === 'or') {
      pos++;
      c.push(andExpr());
    }
    return c.length === 1 ? c[0]! : { t: 'or', c };
  };
  if (toks.length === 0) throw new ConditionError('condition is empty');
  const e = orExpr();
  if (pos < toks.length) throw new ConditionError(`unexpected "${describe(toks[pos]!)}" in condition`);
  return e;
}

function describe(t: Tok): string {
  if (t.k === 'id') return t.name;
  if (t.k === 'of') return `${t.quant === 'all' ? 'all' : '1'} of ${t.pattern}`;
  if (t.k === 'lp') return '(';
  if (t.k === 'rp') return ')';
  return t.k;
}
