import './v8-flags.js';
import { CommanderError } from 'commander';
import type { Io } from './io.js';
import { buildProgram } from './program.js';

/** Runs the command line; resolves with the process exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  program.exitOverride();
  // Commands inherit these settings only when created after them: each is given them here.
  const output = {
    writeOut: (s: string) => io.stdout.write(s),
    writeErr: (s: string) => io.stderr.write(s),
  };
  program.configureOutput(output);
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput(output);
    for (const subsub of sub.commands) subsub.exitOverride().configureOutput(output);
  }
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0
        ? 0
        : 2;
    }
    throw err;
  }
  return code;
}
