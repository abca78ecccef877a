// The command line's own thread (started by launch.ts): the program with the standard
// descriptors opened here, and Ctrl-C as forwarded by the main thread.
import './v8-flags.js';
import { parentPort, workerData } from 'node:worker_threads';
import { setHost } from '../common/index.js';
import { fdReadable, fdWritable } from './fd-streams.js';
import { main } from './index.js';
import { streamIo } from './io.js';

/** What the main thread starts the program with. */
export interface ThreadStart {
  argv: string[];
}

/** What the program tells the main thread: whether it listens for Ctrl-C. */
export interface ThreadMessage {
  listening: boolean;
}

const port = parentPort;
if (port === null) throw new Error('cli-thread.js runs as a worker thread (see launch.ts)');

const listeners = new Set<() => void>();
let stdin: (NodeJS.ReadableStream & { destroy(): void }) | undefined;
setHost({
  stdin: () => {
    stdin ??= fdReadable();
    return stdin;
  },
  onInterrupt(listener) {
    listeners.add(listener);
    port.postMessage({ listening: true } satisfies ThreadMessage);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) port.postMessage({ listening: false } satisfies ThreadMessage);
    };
  },
});
port.on('message', (m: { interrupt?: true }) => {
  if (m.interrupt) for (const l of [...listeners]) l();
});

/** Resolves once everything written to the stream so far has been handed to the system. */
function flushed(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    if ((stream as { destroyed?: boolean }).destroyed) resolve();
    else stream.write('', () => resolve());
  });
}

const stdout = fdWritable(1);
const stderr = fdWritable(2);
// A worker's own process.stdout and process.stderr forward to the main thread, which would then open
// the descriptors a second time: whatever writes to them here (a library's default) writes to the
// streams above instead.
for (const [name, stream] of [
  ['stdout', stdout],
  ['stderr', stderr],
] as const) {
  Object.defineProperty(process, name, { configurable: true, enumerable: true, get: () => stream });
}
const { argv } = workerData as ThreadStart;
let code: number;
try {
  code = await main(argv, streamIo(stdout, stderr));
} catch (err) {
  stderr.write(`spoor: ${err instanceof Error ? err.message : String(err)}\n`);
  code = 2;
}
await Promise.all([flushed(stdout), flushed(stderr)]);
stdin?.destroy();
process.exit(code);
