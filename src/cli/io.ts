/** The process streams a command writes to, injectable for tests. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** stderr as a TTY stream when it is one (progress bar), else undefined. */
  stderrTty?: NodeJS.WriteStream;
  /** Terminal width for tables (80 when unknown). */
  columns: number;
  /** Whether colours may be used on stdout. */
  stdoutIsTty: boolean;
}

export function processIo(): Io {
  const stderrTty = process.stderr.isTTY ? process.stderr : undefined;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stderrTty,
    columns: process.stdout.isTTY ? process.stdout.columns || 120 : Number(process.env.COLUMNS) || 160,
    stdoutIsTty: Boolean(process.stdout.isTTY),
  };
}
