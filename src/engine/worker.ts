import { parentPort, workerData } from 'node:worker_threads';
import { ChunkMatcher } from './chunk-matcher.js';
import type { ChunkJob, WorkerInit } from './messages.js';

function start(port: NonNullable<typeof parentPort>): void {
  let matcher: ChunkMatcher;
  try {
    matcher = new ChunkMatcher(workerData as WorkerInit);
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) });
    return;
  }
  port.postMessage({ ready: true });
  port.on('message', (job: ChunkJob) => {
    port.postMessage(matcher.run(job));
  });
}

if (parentPort) start(parentPort);
