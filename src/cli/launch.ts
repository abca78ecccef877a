import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ThreadMessage, ThreadStart } from './cli-thread.js';
import { setProgramHeapFloor } from './heap-floor.js';

/**
 * The young generation (MiB) of the thread the command line runs in. V8 gives a process's main
 * thread up to 32 MiB of it and grows it to that over any long hunt, though little of what that
 * thread allocates lives long; a worker thread's is set at its creation. With 9 MiB (3 MiB
 * semi-spaces) a two-thread hunt over 500 MB peaks ~40 MiB lower; 3 MiB gave a little less memory
 * still, for four times as many scavenges (docs/performance.md).
 */
const YOUNG_GENERATION_MB = 9;

/** Writes straight to the descriptor: the main thread never opens process.stderr (see below). */
function report(text: string): void {
  try {
    writeSync(2, text);
  } catch {
    // stderr is gone: nothing else can be told
  }
}

/**
 * Runs the command line in a worker thread and resolves with its exit code. The main thread only
 * starts it, forwards Ctrl-C while the program listens for it (otherwise the process ends at once,
 * as without a handler), and waits. The program opens the standard descriptors itself
 * (cli-thread.ts): the main thread must not open them too, so it never touches process.stdout or
 * process.stderr.
 */
export function launch(argv: string[]): Promise<number> {
  const start: ThreadStart = { argv };
  setProgramHeapFloor();
  const worker = new Worker(new URL('./cli-thread.js', import.meta.url), {
    workerData: start,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    stdin: false,
  });
  let listening = false;
  let failed = false;
  const onSigint = (): void => {
    if (listening) {
      worker.postMessage({ interrupt: true });
      return;
    }
    process.removeListener('SIGINT', onSigint);
    process.kill(process.pid, 'SIGINT');
  };
  process.on('SIGINT', onSigint);
  worker.on('message', (m: ThreadMessage) => {
    listening = m.listening;
  });
  worker.on('error', (err: Error) => {
    failed = true;
    report(`spoor: ${err.message}\n`);
  });
  return new Promise((resolve) => {
    worker.on('exit', (code) => {
      process.removeListener('SIGINT', onSigint);
      resolve(failed ? 2 : code);
    });
  });
}
