import { ChunkMatcher } from './chunk-matcher.js';
import {
  type AutomatonMessage,
  type ChunkJob,
  type ChunkResult,
  isAutomatonMessage,
  type PostedInit,
  type RendererFactory,
  type WorkerInit,
} from './messages.js';
import { packDetections, packJson } from './packed-detections.js';
import { WorkerPool } from './pool.js';
import { newArenaMemory } from './wasm-arena.js';

/**
 * Heap limits of each worker. Without them V8 let a worker's heap grow to about three times what
 * is live (its compiled rules and a few chunks: ~56 MiB with SigmaHQ's 2,400 Windows rules) before
 * collecting; with a small nursery for per-event garbage, which dies young, and an explicit old
 * generation limit, it collects sooner. The limit itself stays far above what is live, so that one
 * huge record (a chunk holds at least one whole record) still fits.
 */
export function workerLimits(rules: number): {
  maxYoungGenerationSizeMb: number;
  maxOldGenerationSizeMb: number;
} {
  return { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 512 + Math.ceil(rules / 20) };
}

/**
 * Runs record-aligned chunks through `threads` matching threads that each compiled the rules once:
 * the main thread (which also reads, frames and writes) and `threads - 1` worker threads. The main
 * thread takes its share rather than waiting on the workers, which saves one V8 heap with its copy
 * of the compiled rules, and the copy of every matched event it handles itself (docs/performance.md).
 * `submit` resolves with the chunk's result; the caller bounds how many are in flight.
 */
export interface ScannerOptions {
  /**
   * The worker threads' script (default engine/worker.js); one that renders hits calls
   * serveChunks with the same `renderer` as given here.
   */
  script?: URL;
  /** Builds each thread's hit renderer from `init.render` (the main thread's too). */
  renderer?: RendererFactory;
}

export class Scanner {
  private readonly pool: WorkerPool<ChunkJob, ChunkResult>;
  private nextId = 0;

  constructor(init: WorkerInit, threads: number, opts: ScannerOptions = {}) {
    // Workers get only what they compile: titles, descriptions and references stay here, and the
    // detections go packed into shared memory (once for every thread), to be decoded on first use.
    const detections =
      init.detections ??
      packDetections(
        init.sigma.map((r) => {
          if (r.detection === undefined) throw new Error(`rule ${r.id}: no detection to compile`);
          return r.detection;
        }),
      );
    const lean: WorkerInit = {
      ...init,
      // One arena for the hunt's automata, shared by every matching thread (wasm-arena.ts).
      arena: init.arena ?? newArenaMemory(),
      detections,
      sigma: init.sigma.map((r) => ({
        id: r.id,
        sources: r.sources,
        eventIds: r.eventIds,
        requirements: r.requirements,
      })),
    };
    let local: ChunkMatcher | undefined;
    const { sigma, render, ...rest } = lean;
    const posted: PostedInit | undefined =
      threads > 1 ? { ...rest, packed: packJson({ sigma, render }) } : undefined;
    this.pool = new WorkerPool<ChunkJob, ChunkResult>(
      opts.script ?? new URL('./worker.js', import.meta.url),
      threads - 1,
      posted,
      workerLimits(init.sigma.length + init.eql.length),
      () => {
        const matcher = new ChunkMatcher(lean, opts.renderer?.(lean.render));
        local = matcher;
        return (job) => matcher.run(job);
      },
    );
    // Automata are built once per hunt where possible: each thread offers what it builds, and the
    // others adopt it (messages arrive in order, so a worker has every automaton the main thread
    // built before posting it a chunk).
    const pool = this.pool;
    const main: ChunkMatcher | undefined = local;
    if (main !== undefined && threads > 1) {
      main.automata.onBuilt = (offer) => pool.broadcast({ automaton: offer } satisfies AutomatonMessage);
    }
    pool.onMessage = (from, m) => {
      if (!isAutomatonMessage(m)) return;
      main?.automata.adopt(m.automaton);
      pool.broadcast(m, from);
    };
  }

  ready(): Promise<void> {
    return this.pool.ready();
  }

  get threads(): number {
    return this.pool.size;
  }

  /**
   * `lent`: the chunk's ArrayBuffer (which it starts) is the caller's to give, even when longer than
   * the chunk: it moves to a worker and comes back as the result's `data`. Otherwise only a buffer
   * the chunk fills exactly moves (and stays with the worker).
   */
  submit(job: Omit<ChunkJob, 'id'>, lent = false): Promise<ChunkResult> {
    const full: ChunkJob = { ...job, id: this.nextId++ };
    const { data, texts } = job;
    const transfer: ArrayBuffer[] =
      data.byteOffset === 0 &&
      data.buffer instanceof ArrayBuffer &&
      (lent || data.byteLength === data.buffer.byteLength)
        ? [data.buffer]
        : [];
    // A text buffer lent with the job moves with it (to a worker) and comes back as `texts`.
    if (texts !== undefined && texts.buffer instanceof ArrayBuffer) transfer.push(texts.buffer);
    return this.pool.run(full, transfer);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
