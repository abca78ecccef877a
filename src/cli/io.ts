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
 * stops, as with grep. Other stream errors still surface. Installed once per stream.
 */
const guarded = new WeakSet<NodeJS.WritableStream>();
function ignoreClosedPipes(streams: NodeJS.WritableStream[]): void {
  for (const s of streams) {
    if (guarded.has(s)) continue;
    guarded.add(s);
    s.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
}

/** The two output streams as an Io: a terminal is told by the stream's own `isTTY`. */
export function streamIo(
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv = process.env,
): Io {
  ignoreClosedPipes([stdout, stderr]);
  const stderrTty = (stderr as Partial<NodeJS.WriteStream>).isTTY
    ? (stderr as NodeJS.WriteStream)
    : undefined;
  const out = stdout as Partial<NodeJS.WriteStream>;
  const tty = Boolean(out.isTTY);
  return {
    stdout,
    stderr,
    stderrTty,
    columns: tty ? out.columns || columnsFromEnv(env) || 120 : columnsFromEnv(env),
    stdoutIsTty: tty,
  };
}

/** NO_COLOR turns colours off when it is set to anything but the empty string (no-color.org). */
export function noColorRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.NO_COLOR;
  return v !== undefined && v !== '';
}
