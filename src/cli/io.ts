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

/**
 * A reader that went away (`spoor --help | head -1`) is not an error: whatever was being written
 * stops, as with grep. Other stream errors still surface. Installed once per process.
 */
let pipeGuard = false;
function ignoreClosedPipes(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  for (const s of [process.stdout, process.stderr]) {
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
}

export function processIo(env: NodeJS.ProcessEnv = process.env): Io {
  ignoreClosedPipes();
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
