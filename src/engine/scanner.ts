import type { ChunkJob, ChunkResult, WorkerInit } from './messages.js';
import { WorkerPool } from './pool.js';

/**
 * Runs record-aligned chunks through a pool of workers that each compiled the rules once.
 * `submit` resolves with the chunk's result; `drain` waits until at most `limit` chunks are in flight,
 * which is how the reader is kept only a few chunks ahead of the workers (flat memory on any input).
 */
export class Scanner {
  private readonly pool: WorkerPool<ChunkJob, ChunkResult>;
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private nextId = 0;

  constructor(init: WorkerInit, threads: number) {
    this.pool = new WorkerPool<ChunkJob, ChunkResult>(new URL('./worker.js', import.meta.url), threads, init);
  }

  ready(): Promise<void> {
    return this.pool.ready();
  }

  get threads(): number {
    return this.pool.size;
  }

  submit(job: Omit<ChunkJob, 'id'>): Promise<ChunkResult> {
    const full: ChunkJob = { ...job, id: this.nextId++ };
    this.inFlight++;
    const transfer =
      job.data.byteOffset === 0 &&
      job.data.byteLength === job.data.buffer.byteLength &&
      job.data.buffer instanceof ArrayBuffer
        ? [job.data.buffer]
        : [];
    return this.pool.run(full, transfer).finally(() => {
      this.inFlight--;
      const w = this.waiters.shift();
      if (w) w();
    });
  }

  /** Resolves when fewer than `limit` chunks are in flight. */
  async drain(limit: number): Promise<void> {
    while (this.inFlight >= limit) await new Promise<void>((r) => this.waiters.push(r));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
