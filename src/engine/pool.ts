import { type ResourceLimits, Worker } from 'node:worker_threads';

interface Pending<R> {
  resolve(r: R): void;
  reject(e: Error): void;
}

interface Slot<R> {
  worker: Worker;
  busy: number;
  pending: Map<number, Pending<R>>;
}

/**
 * A small pool of worker threads, each holding state compiled once at start-up (the rules).
 * Jobs go to the least busy worker; buffers named in `transfer` move without a copy.
 * A worker that dies fails every job it held and the pool refuses new work.
 */
export class WorkerPool<J extends { id: number }, R extends { id: number }> {
  private readonly slots: Slot<R>[] = [];
  private failure: Error | undefined;
  private readonly readyPromise: Promise<void>;

  constructor(script: URL, size: number, workerData: unknown, resourceLimits?: ResourceLimits) {
    const ready: Promise<void>[] = [];
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData, resourceLimits });
      const slot: Slot<R> = { worker, busy: 0, pending: new Map() };
      ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once('message', (m: { ready?: true; error?: string }) => {
            if (m.ready) resolve();
            else reject(new Error(m.error ?? 'worker failed to start'));
          });
          worker.once('error', reject);
        }),
      );
      worker.on('error', (err: Error) => this.fail(slot, err));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(slot, new Error(`worker thread exited with code ${code}`));
      });
      this.slots.push(slot);
    }
    this.readyPromise = Promise.all(ready).then(() => {
      for (const slot of this.slots) {
        slot.worker.on('message', (r: R) => {
          const p = slot.pending.get(r.id);
          if (!p) return;
          slot.pending.delete(r.id);
          slot.busy--;
          p.resolve(r);
        });
      }
    });
    // Errors surface through ready(); avoid an unhandled rejection before anyone awaits it.
    this.readyPromise.catch(() => undefined);
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  get size(): number {
    return this.slots.length;
  }

  run(job: J, transfer: ArrayBuffer[] = []): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.busy < slot.busy) slot = s;
    return new Promise<R>((resolve, reject) => {
      slot.pending.set(job.id, { resolve, reject });
      slot.busy++;
      slot.worker.postMessage(job, transfer);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private fail(slot: Slot<R>, err: Error): void {
    this.failure ??= err;
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
  }
}
