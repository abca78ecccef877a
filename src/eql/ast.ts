/**
 * The EQL abstract syntax tree: plain, JSON-serialisable data, so a parsed query can cross
 * thread boundaries as part of a rule's intermediate representation.
 */

/** A literal value. `float` marks number literals written with a decimal point or exponent. */
export interface LiteralExpr {
  type: 'literal';
  value: string | number | boolean | null;
  float?: boolean;
}

/** A field reference; `optional` is the `?field` form (null when the field is absent). */
export interface FieldExpr {
  type: 'field';
  path: string;
  optional: boolean;
}

export interface NotExpr {
  type: 'not';
  expr: Expr;
}

export interface LogicalExpr {
  type: 'and' | 'or';
  args: Expr[];
}

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

export interface CompareExpr {
  type: 'compare';
  op: CompareOp;
  left: Expr;
  right: Expr;
}

/** `:` (case-insensitive wildcard), `like`/`like~` (wildcard), `regex`/`regex~` (whole-string regexp). */
export type MatchOp = ':' | 'like' | 'like~' | 'regex' | 'regex~';

export interface MatchExpr {
  type: 'match';
  op: MatchOp;
  expr: Expr;
  patterns: string[];
}

/** `in`, `in~` (case-insensitive exact) and `not in`. */
export interface InExpr {
  type: 'in';
  expr: Expr;
  list: Expr[];
  insensitive: boolean;
  negated: boolean;
}

export type ArithOp = '+' | '-' | '*' | '/' | '%';

export interface ArithExpr {
  type: 'arith';
  op: ArithOp;
  left: Expr;
  right: Expr;
}

export interface NegExpr {
  type: 'neg';
  expr: Expr;
}

/** A function call; `name` is the canonical spelling, `insensitive` the `~` variant. */
export interface CallExpr {
  type: 'call';
  name: string;
  insensitive: boolean;
  args: Expr[];
}

export type Expr =
  | LiteralExpr
  | FieldExpr
  | NotExpr
  | LogicalExpr
  | CompareExpr
  | MatchExpr
  | InExpr
  | ArithExpr
  | NegExpr
  | CallExpr;

/** A join key: always a field (Elastic EQL does not join on expressions). */
export interface JoinKeyField {
  path: string;
  optional: boolean;
}

/** `category where condition`; `category` null means `any`. */
export interface EventFilter {
  category: string | null;
  where: Expr;
}

/** One stage of a sequence after `with runs=N` expansion. `missing` is the `![…]` form. */
export interface SequenceStage extends EventFilter {
  by: JoinKeyField[];
  missing: boolean;
}

export interface Pipe {
  kind: 'head' | 'tail';
  count: number;
}

export interface EventQuery extends EventFilter {
  kind: 'event';
  pipes: Pipe[];
}

export interface SequenceQuery {
  kind: 'sequence';
  /** Shared `sequence by` keys, placed before each stage's own keys. */
  by: JoinKeyField[];
  maxspanMs: number | null;
  stages: SequenceStage[];
  until: SequenceStage | null;
  pipes: Pipe[];
}

export interface SampleQuery {
  kind: 'sample';
  by: JoinKeyField[];
  stages: SequenceStage[];
  pipes: Pipe[];
}

export type EqlQuery = EventQuery | SequenceQuery | SampleQuery;
