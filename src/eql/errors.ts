/** A query that does not parse or is not valid Elastic EQL; `line` and `column` are 1-based. */
export class EqlSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  /** The message without the position suffix. */
  readonly reason: string;
  constructor(reason: string, line: number, column: number) {
    super(`${reason} (line ${line}, column ${column})`);
    this.name = 'EqlSyntaxError';
    this.reason = reason;
    this.line = line;
    this.column = column;
  }
}
