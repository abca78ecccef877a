import { type ResourceLimits, Worker } from 'node:worker_threads';

interface Pending<R> {
  resolve(r: R): void;
  reject(e: Error): void;
}

interface Slot<J, R> {
  busy: number;
  pending: Map<number, Pending<R>>;
  post(job: J, transfer: ArrayBuffer[]): void;
}

/** Runs one job on the calling thread, synchronously (the main thread's share of the work). */
export type LocalRunner<J, R> = (job: J) => R;

/**
 * The calling thread takes a job only when it has none and every worker has this many queued: it
 * also reads the input, and while it runs a job nothing is read, so the workers must have enough
 * queued to last until it is done.
 */
const LOCAL_AFTER = 2;

/**
 * A small pool of worker threads, each holding state compiled once at start-up (the rules), and
 * optionally the calling thread as one more member. Jobs go to the least busy worker, or to the
 * calling thread when it is idle and the workers have enough queued (LOCAL_AFTER); buffers named
 * in `transfer` move to a worker without a copy. The calling thread runs its jobs one per turn of the
 * event loop, so reads, writes and signals go on between them. A worker that dies, or a job that
 * throws, fails every job its member held and the pool refuses new work.
 */
export class WorkerPool<J extends { id: number }, R extends { id: number }> {
  private readonly slots: Slot<J, R>[] = [];
  private local: Slot<J, R> | undefined;
  private readonly workers: Worker[] = [];
  private failure: Error | undefined;
  private readonly readyPromise: Promise<void>;

  constructor(
    script: URL,
    size: number,
    workerData: unknown,
    resourceLimits?: ResourceLimits,
    local?: () => LocalRunner<J, R>,
  ) {
    const ready: Promise<void>[] = [];
    const workerSlots: Slot<J, R>[] = [];
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData, resourceLimits });
      const slot: Slot<J, R> = {
        busy: 0,
        pending: new Map(),
        post: (job, transfer) => worker.postMessage(job, transfer),
      };
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
      this.workers.push(worker);
      workerSlots.push(slot);
      this.slots.push(slot);
    }
    if (local) {
      try {
        this.local = this.localSlot(local());
        this.slots.push(this.local);
      } catch (err) {
        ready.push(Promise.reject(err instanceof Error ? err : new Error(String(err))));
      }
    }
    this.readyPromise = Promise.all(ready).then(() => {
      workerSlots.forEach((slot, i) => {
        this.workers[i]!.on('message', (r: R) => this.settle(slot, r));
      });
    });
    // Errors surface through ready(); avoid an unhandled rejection before anyone awaits it.
    this.readyPromise.catch(() => undefined);
  }

  private settle(slot: Slot<J, R>, r: R): void {
    const p = slot.pending.get(r.id);
    if (!p) return;
    slot.pending.delete(r.id);
    slot.busy--;
    p.resolve(r);
  }

  private localSlot(runner: LocalRunner<J, R>): Slot<J, R> {
    const queue: J[] = [];
    let scheduled = false;
    const slot: Slot<J, R> = {
      busy: 0,
      pending: new Map(),
      post: (job) => {
        queue.push(job);
        if (!scheduled) {
          scheduled = true;
          setImmediate(step);
        }
      },
    };
    const step = (): void => {
      scheduled = false;
      const job = queue.shift();
      if (job === undefined || this.failure) return;
      let r: R;
      try {
        r = runner(job);
      } catch (err) {
        this.fail(slot, err instanceof Error ? err : new Error(String(err)));
        return;
      }
      if (queue.length > 0) {
        scheduled = true;
        setImmediate(step);
      }
      this.settle(slot, r);
    };
    return slot;
  }

  ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Members: worker threads, plus the calling thread when it takes a share. */
  get size(): number {
    return this.slots.length;
  }

  run(job: J, transfer: ArrayBuffer[] = []): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    let slot: Slot<J, R> | undefined;
    for (const s of this.slots) if (s !== this.local && (slot === undefined || s.busy < slot.busy)) slot = s;
    const local = this.local;
    if (local !== undefined && (slot === undefined || (slot.busy >= LOCAL_AFTER && local.busy === 0)))
      slot = local;
    if (slot === undefined) return Promise.reject(new Error('the pool has no members'));
    const to = slot;
    return new Promise<R>((resolve, reject) => {
      to.pending.set(job.id, { resolve, reject });
      to.busy++;
      to.post(job, transfer);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private fail(slot: Slot<J, R>, err: Error): void {
    this.failure ??= err;
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
  }
}
