/** The process streams a command writes to, injectable for tests. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** stderr as a TTY stream when it is one (progress bar), else undefined. */
  stderrTty?: NodeJS.WriteStream;
  /** Columns the table must fit: the terminal's width, `COLUMNS` off a terminal, else 0 (the table's default). */
  columns: number;
  /** Whether colours may be used on stdout. */
  stdoutIsTty: boolean;
}

/** `COLUMNS` as a positive whole number, or 0 when it is unset or not one. */
function columnsFromEnv(env: NodeJS.ProcessEnv): number {
  const n = Number(env.COLUMNS);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

export function processIo(env: NodeJS.ProcessEnv = process.env): Io {
  const stderrTty = process.stderr.isTTY ? process.stderr : undefined;
  const tty = Boolean(process.stdout.isTTY);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stderrTty,
    columns: tty ? process.stdout.columns || columnsFromEnv(env) || 120 : columnsFromEnv(env),
    stdoutIsTty: tty,
  };
}

/** NO_COLOR turns colours off when it is set to anything but the empty string (no-color.org). */
export function noColorRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.NO_COLOR;
  return v !== undefined && v !== '';
}
