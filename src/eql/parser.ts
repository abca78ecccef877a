import type {
  ArithOp,
  CompareOp,
  EqlQuery,
  EventFilter,
  Expr,
  JoinKeyField,
  MatchOp,
  Pipe,
  SampleQuery,
  SequenceQuery,
  SequenceStage,
} from './ast.js';
import { EqlSyntaxError } from './errors.js';
import { functionSpec, isLegacyFunction } from './function-table.js';
import { type Token, tokenize } from './lexer.js';
import { luceneToRegExp } from './regex.js';

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'in',
  'like',
  'regex',
  'where',
  'sequence',
  'sample',
  'join',
  'by',
  'with',
  'until',
  'any',
  'true',
  'false',
  'null',
  'of',
]);

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_RUNS = 100;
const DEFAULT_PIPE_COUNT = 10;

interface RawTerm {
  filter: EventFilter;
  by: JoinKeyField[];
  missing: boolean;
  runs: number;
  token: Token;
}

/**
 * How deep parentheses, lists, call arguments and prefix operators may nest. Elastic's Windows rules
 * nest 6 parentheses at most; a query written to nest 100,000 would overflow the parser's stack (and then the
 * compiler's) and end the hunt.
 */
export const MAX_EQL_DEPTH = 64;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  /** Runs `f` one level deeper, refusing the query past MAX_EQL_DEPTH. */
  private nested<T>(f: () => T): T {
    if (++this.depth > MAX_EQL_DEPTH) this.fail(`expression nested deeper than ${MAX_EQL_DEPTH} levels`);
    const r = f();
    this.depth--;
    return r;
  }

  private get tok(): Token {
    return this.tokens[this.pos];
  }

  private peek(n = 1): Token {
    return this.tokens[Math.min(this.pos + n, this.tokens.length - 1)];
  }

  private fail(msg: string, t: Token = this.tok): never {
    throw new EqlSyntaxError(msg, t.line, t.column);
  }

  private describe(t: Token): string {
    return t.kind === 'eof' ? 'end of query' : `'${t.text}'`;
  }

  private isKw(word: string, t: Token = this.tok): boolean {
    return t.kind === 'ident' && !t.optional && t.text === word;
  }

  private isOp(op: string, t: Token = this.tok): boolean {
    return t.kind === 'op' && t.text === op;
  }

  private expectKw(word: string): Token {
    if (!this.isKw(word)) this.fail(`expected '${word}' but found ${this.describe(this.tok)}`);
    return this.tokens[this.pos++];
  }

  private expectOp(op: string): Token {
    if (!this.isOp(op)) this.fail(`expected '${op}' but found ${this.describe(this.tok)}`);
    return this.tokens[this.pos++];
  }

  parseQuery(): EqlQuery {
    let query: EqlQuery;
    if (this.isKw('sequence')) query = this.parseSequence();
    else if (this.isKw('sample')) query = this.parseSample();
    else if (this.isKw('join')) this.fail('join is not supported in Elastic EQL (use sequence)');
    else query = { kind: 'event', ...this.parseEventFilter(), pipes: [] };
    query.pipes = this.parsePipes();
    if (this.tok.kind !== 'eof') this.fail(`unexpected ${this.describe(this.tok)}`);
    return query;
  }

  private parsePipes(): Pipe[] {
    const pipes: Pipe[] = [];
    while (this.isOp('|')) {
      this.pos++;
      const t = this.tok;
      if (t.kind !== 'ident') this.fail(`expected a pipe name but found ${this.describe(t)}`);
      this.pos++;
      if (t.text !== 'head' && t.text !== 'tail') {
        this.fail(`pipe '${t.text}' is not supported in Elastic EQL (only head and tail)`, t);
      }
      let count = DEFAULT_PIPE_COUNT;
      if (this.tok.kind === 'number') {
        const n = this.tok;
        if (n.float || (n.value as number) < 0) this.fail(`${t.text} needs a non-negative integer`, n);
        count = n.value as number;
        this.pos++;
      }
      pipes.push({ kind: t.text, count });
    }
    return pipes;
  }

  private parseEventFilter(): EventFilter {
    const t = this.tok;
    let category: string | null;
    if (this.isKw('any')) category = null;
    else if (t.kind === 'string' || t.kind === 'quoted') category = t.value as string;
    else if (t.kind === 'ident' && !t.optional && !KEYWORDS.has(t.text)) category = t.text;
    else this.fail(`expected an event category or 'any' but found ${this.describe(t)}`);
    this.pos++;
    if (this.isKw('of'))
      this.fail('lineage (descendant of / child of / event of) is not supported in Elastic EQL');
    if (!this.isKw('where')) {
      this.fail(`expected 'where' after the event category but found ${this.describe(this.tok)}`);
    }
    this.pos++;
    return { category, where: this.parseExpr() };
  }

  private parseJoinKeys(): JoinKeyField[] {
    this.expectKw('by');
    const keys: JoinKeyField[] = [];
    do {
      if (keys.length > 0) this.pos++;
      const t = this.tok;
      const e = this.parseAdditive();
      if (e.type !== 'field') this.fail('join keys must be field names', t);
      keys.push({ path: e.path, optional: e.optional });
    } while (this.isOp(','));
    return keys;
  }

  private parseMaxspan(): number {
    const w = this.expectKw('with');
    const k = this.tok;
    if (k.kind !== 'ident' || k.text !== 'maxspan') this.fail(`expected 'maxspan' after 'with'`, k);
    this.pos++;
    this.expectOp('=');
    const n = this.tok;
    if (n.kind !== 'number' || (n.value as number) < 0) this.fail('maxspan needs a non-negative number', n);
    this.pos++;
    const u = this.tok;
    if (u.kind !== 'ident' || !Object.hasOwn(UNIT_MS, u.text)) {
      this.fail('maxspan needs a time unit (ms, s, m, h or d)', u);
    }
    this.pos++;
    void w;
    return (n.value as number) * UNIT_MS[u.text];
  }

  private parseTerm(allowMissing: boolean): RawTerm {
    const token = this.tok;
    let missing = false;
    if (this.isOp('!')) {
      if (!allowMissing) this.fail('a missing-event stage (![…]) is not allowed here');
      missing = true;
      this.pos++;
    }
    this.expectOp('[');
    const filter = this.parseEventFilter();
    this.expectOp(']');
    const by = this.isKw('by') ? this.parseJoinKeys() : [];
    let runs = 1;
    if (this.isKw('with') && this.peek().kind === 'ident' && this.peek().text === 'runs') {
      this.pos += 2;
      this.expectOp('=');
      const n = this.tok;
      if (n.kind !== 'number' || n.float || (n.value as number) < 1 || (n.value as number) > MAX_RUNS) {
        this.fail(`runs needs an integer between 1 and ${MAX_RUNS}`, n);
      }
      runs = n.value as number;
      this.pos++;
    }
    return { filter, by, missing, runs, token };
  }

  private checkKeyCounts(terms: RawTerm[]): void {
    const n = terms[0].by.length;
    for (const t of terms) {
      if (t.by.length !== n) {
        this.fail(
          `every stage must have the same number of join keys (${n} expected, ${t.by.length} given)`,
          t.token,
        );
      }
    }
  }

  private expand(terms: RawTerm[]): SequenceStage[] {
    const stages: SequenceStage[] = [];
    for (const t of terms) {
      for (let r = 0; r < t.runs; r++) stages.push({ ...t.filter, by: t.by, missing: t.missing });
    }
    return stages;
  }

  private parseSequence(): SequenceQuery {
    const start = this.expectKw('sequence');
    let by: JoinKeyField[] = [];
    let maxspanMs: number | null = null;
    if (this.isKw('by')) by = this.parseJoinKeys();
    if (this.isKw('with')) maxspanMs = this.parseMaxspan();
    if (this.isKw('by')) this.fail("'sequence by' must come before 'with maxspan'");
    const terms: RawTerm[] = [];
    while (this.isOp('[') || (this.isOp('!') && this.isOp('[', this.peek()))) {
      const term = this.parseTerm(true);
      if (term.missing && maxspanMs === null) {
        this.fail('a missing-event stage (![…]) needs the sequence to have a maxspan', term.token);
      }
      terms.push(term);
    }
    let until: RawTerm | null = null;
    if (this.isKw('until')) {
      this.pos++;
      until = this.parseTerm(false);
      if (until.runs !== 1) this.fail('until does not take runs', until.token);
    }
    const all = until === null ? terms : [...terms, until];
    if (terms.length === 0) this.fail(`expected a sequence stage '[' but found ${this.describe(this.tok)}`);
    this.checkKeyCounts(all);
    const stages = this.expand(terms);
    if (stages.length < 2) this.fail('a sequence needs at least two stages', start);
    if (stages.every((s) => s.missing))
      this.fail('a sequence needs at least one stage that is not missing', start);
    return {
      kind: 'sequence',
      by,
      maxspanMs,
      stages,
      until: until === null ? null : { ...until.filter, by: until.by, missing: false },
      pipes: [],
    };
  }

  private parseSample(): SampleQuery {
    const start = this.expectKw('sample');
    const by = this.isKw('by') ? this.parseJoinKeys() : [];
    const terms: RawTerm[] = [];
    while (this.isOp('[')) {
      const term = this.parseTerm(false);
      if (term.runs !== 1) this.fail('sample stages do not take runs', term.token);
      terms.push(term);
    }
    if (terms.length < 2) this.fail('a sample needs at least two stages', start);
    this.checkKeyCounts(terms);
    return { kind: 'sample', by, stages: this.expand(terms), pipes: [] };
  }

  // Expressions, lowest precedence first.

  parseExpr(): Expr {
    return this.nested(() => this.parseOr());
  }

  private parseOr(): Expr {
    const first = this.parseAnd();
    if (!this.isKw('or')) return first;
    const args = [first];
    while (this.isKw('or')) {
      this.pos++;
      args.push(this.parseAnd());
    }
    return { type: 'or', args };
  }

  private parseAnd(): Expr {
    const first = this.parseNot();
    if (!this.isKw('and')) return first;
    const args = [first];
    while (this.isKw('and')) {
      this.pos++;
      args.push(this.parseNot());
    }
    return { type: 'and', args };
  }

  private parseNot(): Expr {
    if (this.isKw('not')) {
      this.pos++;
      return { type: 'not', expr: this.nested(() => this.parseNot()) };
    }
    return this.parsePredicate();
  }

  private parsePatterns(op: MatchOp): string[] {
    const read = (): string => {
      const t = this.tok;
      let text: string;
      if (t.kind === 'string') text = t.value as string;
      else if (t.kind === 'number') text = t.text;
      else this.fail(`'${op}' needs constant string patterns but found ${this.describe(t)}`);
      this.pos++;
      if (op === 'regex' || op === 'regex~') {
        try {
          luceneToRegExp(text, op === 'regex~');
        } catch (e) {
          this.fail(`invalid regular expression: ${(e as Error).message}`, t);
        }
      }
      return text;
    };
    if (!this.isOp('(')) return [read()];
    this.pos++;
    const out = [read()];
    while (this.isOp(',')) {
      this.pos++;
      out.push(read());
    }
    this.expectOp(')');
    return out;
  }

  private parseList(): Expr[] {
    this.expectOp('(');
    const out = [this.parseExpr()];
    while (this.isOp(',')) {
      this.pos++;
      out.push(this.parseExpr());
    }
    this.expectOp(')');
    return out;
  }

  private parsePredicate(): Expr {
    const left = this.parseAdditive();
    const t = this.tok;
    if (t.kind === 'op') {
      if (t.text === '=')
        this.fail("'=' is not Elastic EQL; use '==' (or ':' for case-insensitive matching)");
      if (['==', '!=', '<', '<=', '>', '>='].includes(t.text)) {
        this.pos++;
        const right = this.parseAdditive();
        if (['==', '!=', '<', '<=', '>', '>='].includes(this.tok.text) && this.tok.kind === 'op') {
          this.fail('comparisons cannot be chained; use and');
        }
        return { type: 'compare', op: t.text as CompareOp, left, right };
      }
      if (t.text === ':') {
        this.pos++;
        return { type: 'match', op: ':', expr: left, patterns: this.parsePatterns(':') };
      }
      return left;
    }
    if (t.kind === 'ident' && !t.optional) {
      if (t.text === 'like' || t.text === 'regex') {
        this.pos++;
        const op = (t.tilde ? `${t.text}~` : t.text) as MatchOp;
        return { type: 'match', op, expr: left, patterns: this.parsePatterns(op) };
      }
      if (t.text === 'in') {
        this.pos++;
        return { type: 'in', expr: left, list: this.parseList(), insensitive: t.tilde, negated: false };
      }
      if (t.text === 'not' && this.isKw('in', this.peek())) {
        const inTok = this.peek();
        this.pos += 2;
        return { type: 'in', expr: left, list: this.parseList(), insensitive: inTok.tilde, negated: true };
      }
    }
    return left;
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.tok.text as ArithOp;
      this.pos++;
      left = { type: 'arith', op, left, right: this.parseMultiplicative() };
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = this.tok.text as ArithOp;
      this.pos++;
      left = { type: 'arith', op, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expr {
    if (this.isOp('-')) {
      this.pos++;
      const inner = this.nested(() => this.parseUnary());
      if (inner.type === 'literal' && typeof inner.value === 'number') {
        return { ...inner, value: -inner.value };
      }
      return { type: 'neg', expr: inner };
    }
    if (this.isOp('+')) {
      this.pos++;
      return this.nested(() => this.parseUnary());
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const t = this.tok;
    switch (t.kind) {
      case 'number':
        this.pos++;
        return t.float
          ? { type: 'literal', value: t.value, float: true }
          : { type: 'literal', value: t.value };
      case 'string':
        this.pos++;
        return { type: 'literal', value: t.value };
      case 'op':
        if (t.text === '(') {
          this.pos++;
          const e = this.parseExpr();
          this.expectOp(')');
          return e;
        }
        return this.fail(`unexpected ${this.describe(t)}`);
      case 'quoted':
        return this.parseField();
      case 'ident':
        if (!t.optional) {
          if (t.text === 'true' || t.text === 'false') {
            this.pos++;
            return { type: 'literal', value: t.text === 'true' };
          }
          if (t.text === 'null') {
            this.pos++;
            return { type: 'literal', value: null };
          }
          if (this.isOp('(', this.peek())) return this.parseCall();
          if (KEYWORDS.has(t.text)) this.fail(`unexpected keyword '${t.text}'`);
        }
        return this.parseField();
      default:
        return this.fail(`unexpected ${this.describe(t)}`);
    }
  }

  private parseCall(): Expr {
    const t = this.tok;
    const spec = functionSpec(t.text);
    if (spec === undefined) {
      if (isLegacyFunction(t.text)) this.fail(`function '${t.text}' is not supported in Elastic EQL`);
      this.fail(`unknown function '${t.text}'`);
    }
    if (t.tilde && !spec.insensitiveVariant)
      this.fail(`function '${spec.name}' has no case-insensitive (~) variant`);
    this.pos += 2;
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      args.push(this.parseExpr());
      while (this.isOp(',')) {
        this.pos++;
        args.push(this.parseExpr());
      }
    }
    this.expectOp(')');
    if (args.length < spec.minArgs || args.length > spec.maxArgs) {
      const want =
        spec.maxArgs === spec.minArgs
          ? `${spec.minArgs}`
          : spec.maxArgs === Number.POSITIVE_INFINITY
            ? `at least ${spec.minArgs}`
            : `${spec.minArgs} to ${spec.maxArgs}`;
      this.fail(`function '${spec.name}' takes ${want} argument(s), ${args.length} given`, t);
    }
    return { type: 'call', name: spec.name, insensitive: t.tilde, args };
  }

  private parseField(): Expr {
    const first = this.tok;
    const optional = first.optional;
    const parts = [first.value as string];
    this.pos++;
    while (this.isOp('.') && this.tok.adjacent) {
      const next = this.peek();
      if ((next.kind !== 'ident' && next.kind !== 'quoted') || next.optional || !next.adjacent) {
        this.fail('expected a field name after "."', next);
      }
      parts.push(next.value as string);
      this.pos += 2;
    }
    if (this.isOp('[') && this.tok.adjacent)
      this.fail('array indexing (field[n]) is not supported in Elastic EQL');
    return { type: 'field', path: parts.join('.'), optional };
  }
}

/** Parses an Elastic EQL query into its AST; throws EqlSyntaxError with line and column. */
export function parseEql(query: string): EqlQuery {
  return new Parser(tokenize(query)).parseQuery();
}
