import type { MessagePort } from 'node:worker_threads';
import { internStrings } from '../common/index.js';
import { ChunkMatcher } from './chunk-matcher.js';
import {
  type AutomatonMessage,
  type ChunkJob,
  isAutomatonMessage,
  type PostedInit,
  type RendererFactory,
  type WorkerInit,
} from './messages.js';
import { unpackJson } from './packed-detections.js';

/** The WorkerInit a worker was started with (see PostedInit). */
function openInit(posted: PostedInit): WorkerInit {
  const { packed, ...rest } = posted;
  const { sigma, render } = unpackJson(packed) as Pick<WorkerInit, 'sigma' | 'render'>;
  return { ...rest, sigma, render };
}

/**
 * A worker thread's life: compile the rules once (reporting `ready`, or the error), then match every
 * chunk posted to it and post the result back. Automata built here go to the other matching
 * threads; theirs come in between jobs. `renderer`, when given, builds the hit renderer from
 * `init.render` (see HitRenderer).
 */
export function serveChunks(port: MessagePort, posted: PostedInit, renderer?: RendererFactory): void {
  let matcher: ChunkMatcher;
  try {
    const init = openInit(posted);
    // The rules came as JSON: one copy of each string instead of one per occurrence.
    internStrings(init.sigma);
    matcher = new ChunkMatcher(init, renderer?.(init.render));
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) });
    return;
  }
  matcher.automata.onBuilt = (offer) => port.postMessage({ automaton: offer } satisfies AutomatonMessage);
  port.postMessage({ ready: true });
  port.on('message', (m: ChunkJob | AutomatonMessage) => {
    if (isAutomatonMessage(m)) matcher.automata.adopt(m.automaton);
    else {
      const r = matcher.run(m);
      // The chunk's buffer goes back with the result, for the reader to fill again.
      r.data = m.data;
      const transfer: ArrayBuffer[] = m.data.buffer instanceof ArrayBuffer ? [m.data.buffer] : [];
      if (r.texts) transfer.push(r.texts.buffer as ArrayBuffer);
      port.postMessage(r, transfer);
    }
  });
}
