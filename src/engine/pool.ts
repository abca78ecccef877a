import { type ResourceLimits, Worker } from 'node:worker_threads';

interface Pending<R> {
  resolve(r: R): void;
  reject(e: Error): void;
}

interface Slot<J, R> {
  busy: number;
  /** Compiled and listening (the calling thread always is). */
  ready: boolean;
  pending: Map<number, Pending<R>>;
  post(job: J, transfer: ArrayBuffer[]): void;
}

/** Runs one job on the calling thread, synchronously (the main thread's share of the work). */
export type LocalRunner<J, R> = (job: J) => R;

/**
 * The calling thread takes a job only when it has none and every worker has this many queued: it
 * also reads the input and writes the hits, and while it runs a job neither happens, so the workers
 * must have enough queued to last until it is done (500 MB of NDJSON, SigmaHQ's rules, two threads,
 * alternating: 7.15-7.48 s with 3 against 7.37-7.72 s with 2 and 7.86-8.30 s with 4).
 */
const LOCAL_AFTER = 3;

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
  /** Messages from worker i that are neither results nor start-up reports. */
  onMessage: ((from: number, m: unknown) => void) | undefined;

  constructor(
    script: URL,
    size: number,
    workerData: unknown,
    resourceLimits?: ResourceLimits,
    local?: () => LocalRunner<J, R>,
  ) {
    const started: Promise<void>[] = [];
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData, resourceLimits });
      const slot: Slot<J, R> = {
        busy: 0,
        ready: false,
        pending: new Map(),
        post: (job, transfer) => worker.postMessage(job, transfer),
      };
      started.push(
        new Promise<void>((resolve, reject) => {
          // Jobs may be posted before the worker is ready: they wait in its port until it is.
          worker.on('message', (m: R | { ready?: true; error?: string }) => {
            if (typeof (m as { id?: unknown }).id === 'number') {
              this.settle(slot, m as R);
              return;
            }
            const control = m as { ready?: true; error?: string };
            if (control.ready === undefined && control.error === undefined) {
              this.onMessage?.(i, m);
              return;
            }
            if (control.ready) {
              slot.ready = true;
              resolve();
              return;
            }
            const err = new Error(control.error ?? 'worker failed to start');
            reject(err);
            this.fail(slot, err);
          });
          worker.once('error', reject);
        }),
      );
      worker.on('error', (err: Error) => this.fail(slot, err));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(slot, new Error(`worker thread exited with code ${code}`));
      });
      this.workers.push(worker);
      this.slots.push(slot);
    }
    for (const p of started) p.catch(() => undefined);
    let localReady: Promise<void> | undefined;
    if (local) {
      try {
        this.local = this.localSlot(local());
        this.slots.push(this.local);
        localReady = Promise.resolve();
      } catch (err) {
        localReady = Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
    // With the calling thread as a member, work can start at once: the workers take their share
    // when they are up (a worker that fails to start fails the jobs it was given, and the pool).
    this.readyPromise = localReady ?? Promise.all(started).then(() => undefined);
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
      ready: true,
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
      if (job === undefined) return;
      if (this.failure) {
        // Another member failed: what waits here is failed too, never left pending.
        this.fail(slot, this.failure);
        queue.length = 0;
        return;
      }
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
    // A worker still starting counts as having LOCAL_AFTER more jobs: the calling thread, when idle,
    // takes the work rather than wait for it.
    const load = (s: Slot<J, R>): number => (s.ready ? s.busy : s.busy + LOCAL_AFTER);
    let slot: Slot<J, R> | undefined;
    for (const s of this.slots)
      if (s !== this.local && (slot === undefined || load(s) < load(slot))) slot = s;
    const local = this.local;
    if (local !== undefined && (slot === undefined || (load(slot) >= LOCAL_AFTER && local.busy === 0)))
      slot = local;
    if (slot === undefined) return Promise.reject(new Error('the pool has no members'));
    const to = slot;
    return new Promise<R>((resolve, reject) => {
      to.pending.set(job.id, { resolve, reject });
      to.busy++;
      to.post(job, transfer);
    });
  }

  /** Posts a message to every worker (but `except`); shared memory in it is shared, not copied. */
  broadcast(m: unknown, except = -1): void {
    this.workers.forEach((w, i) => {
      if (i !== except) w.postMessage(m);
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
