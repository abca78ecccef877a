/**
 * What the program takes from the process it runs in beyond its output streams: standard input and
 * the interrupt (Ctrl-C). On the main thread these are Node's own; when the command line runs in a
 * worker thread (cli/launch.ts), neither reaches a worker directly, and the worker installs its own.
 */
export interface Host {
  /** Standard input as a stream of byte pieces. */
  stdin(): NodeJS.ReadableStream & { destroy(): void };
  /** Calls `listener` on each interrupt until the returned function is called. */
  onInterrupt(listener: () => void): () => void;
}

const processHost: Host = {
  stdin: () => process.stdin,
  onInterrupt(listener) {
    process.on('SIGINT', listener);
    return () => {
      process.removeListener('SIGINT', listener);
    };
  },
};

let current: Host = processHost;

/** Replaces the process's standard input and interrupt for the rest of this thread's life. */
export function setHost(host: Host): void {
  current = host;
}

/** Standard input (see Host). */
export function hostStdin(): NodeJS.ReadableStream & { destroy(): void } {
  return current.stdin();
}

/** Listens for interrupts (see Host); returns the function that stops listening. */
export function onInterrupt(listener: () => void): () => void {
  return current.onInterrupt(listener);
}
