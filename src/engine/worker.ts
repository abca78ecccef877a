import { parentPort, workerData } from 'node:worker_threads';
import { ChunkMatcher } from './chunk-matcher.js';
import { type AutomatonMessage, type ChunkJob, isAutomatonMessage, type WorkerInit } from './messages.js';

function start(port: NonNullable<typeof parentPort>): void {
  let matcher: ChunkMatcher;
  try {
    matcher = new ChunkMatcher(workerData as WorkerInit);
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) });
    return;
  }
  // Automata built here go to the other matching threads; theirs come in between jobs.
  matcher.automata.onBuilt = (offer) => port.postMessage({ automaton: offer } satisfies AutomatonMessage);
  port.postMessage({ ready: true });
  port.on('message', (m: ChunkJob | AutomatonMessage) => {
    if (isAutomatonMessage(m)) matcher.automata.adopt(m.automaton);
    else port.postMessage(matcher.run(m));
  });
}

if (parentPort) start(parentPort);
