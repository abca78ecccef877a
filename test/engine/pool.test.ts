import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/engine/pool.js';

interface Job {
  id: number;
  n: number;
}
interface Res {
  id: number;
  twice: number;
  by?: string;
}

const NO_SCRIPT = new URL('./no-worker.js', import.meta.url);

describe('worker pool with the calling thread as a member', () => {
  it('runs jobs on the calling thread, one per turn of the event loop, in order', async () => {
    const ran: number[] = [];
    const pool = new WorkerPool<Job, Res>(NO_SCRIPT, 0, undefined, undefined, () => (job) => {
      ran.push(job.id);
      return { id: job.id, twice: job.n * 2 };
    });
    await pool.ready();
    expect(pool.size).toBe(1);
    const results = [1, 2, 3].map((n) => pool.run({ id: n, n }));
    // Nothing runs inside `run`: the caller goes on reading while the jobs wait their turn.
    expect(ran).toEqual([]);
    let between = 0;
    setImmediate(() => {
      between = ran.length;
    });
    expect((await Promise.all(results)).map((r) => r.twice)).toEqual([2, 4, 6]);
    expect(ran).toEqual([1, 2, 3]);
    // Other callbacks ran between two jobs, not only after all of them.
    expect(between).toBeGreaterThan(0);
    expect(between).toBeLessThan(3);
    await pool.close();
  });

  it('fails the jobs it holds and refuses new work when a job throws', async () => {
    const pool = new WorkerPool<Job, Res>(NO_SCRIPT, 0, undefined, undefined, () => (job) => {
      if (job.n === 2) throw new Error('rule blew up');
      return { id: job.id, twice: job.n * 2 };
    });
    await pool.ready();
    const a = pool.run({ id: 1, n: 1 });
    const b = pool.run({ id: 2, n: 2 });
    const c = pool.run({ id: 3, n: 3 });
    await expect(a).resolves.toEqual({ id: 1, twice: 2 });
    await expect(b).rejects.toThrow('rule blew up');
    await expect(c).rejects.toThrow('rule blew up');
    await expect(pool.run({ id: 4, n: 4 })).rejects.toThrow('rule blew up');
  });

  it('reports a member that cannot start through ready()', async () => {
    const pool = new WorkerPool<Job, Res>(NO_SCRIPT, 0, undefined, undefined, () => {
      throw new Error('cannot compile');
    });
    await expect(pool.ready()).rejects.toThrow('cannot compile');
  });
});

/** Waits until the pool's first worker has reported that it is ready. */
async function workerUp(pool: WorkerPool<Job, Res>): Promise<void> {
  const slots = (pool as unknown as { slots: { ready: boolean }[] }).slots;
  for (let i = 0; i < 500 && !slots[0]?.ready; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(slots[0]?.ready).toBe(true);
}

describe('worker pool with worker threads and the calling thread', () => {
  const ECHO = new URL('./fixtures/echo-worker.mjs', import.meta.url);
  const local = () => (job: Job) => ({ id: job.id, twice: job.n * 2, by: 'main' });

  it('starts at once on the calling thread while a worker is still starting, then shares', async () => {
    const pool = new WorkerPool<Job, Res>(ECHO, 1, { delayMs: 300 }, undefined, local);
    await pool.ready(); // does not wait for the worker
    // Answered by the calling thread: it did not wait for the worker.
    const first = await pool.run({ id: 1, n: 1 });
    expect(first).toEqual({ id: 1, twice: 2, by: 'main' });
    // Queued beyond what the calling thread takes: the worker gets them once it is up.
    const rest = await Promise.all([2, 3, 4, 5, 6].map((n) => pool.run({ id: n, n })));
    expect(rest.map((r) => r.twice)).toEqual([4, 6, 8, 10, 12]);
    expect(new Set(rest.map((r) => r.by))).toEqual(new Set(['main', 'worker']));
    await pool.close();
  });

  it('fails the jobs of a worker that cannot start, and the pool', async () => {
    const pool = new WorkerPool<Job, Res>(ECHO, 1, { error: 'bad rule in worker' }, undefined, local);
    await pool.ready();
    const jobs = [1, 2, 3].map((n) => pool.run({ id: n, n }));
    const settled = await Promise.allSettled(jobs);
    expect(settled.some((r) => r.status === 'rejected' && /bad rule in worker/.test(String(r.reason)))).toBe(
      true,
    );
    await expect(pool.run({ id: 9, n: 9 })).rejects.toThrow('bad rule in worker');
    await pool.close();
  });

  it('settles every job, those of the calling thread too, when a worker dies mid-hunt', async () => {
    const pool = new WorkerPool<Job, Res>(ECHO, 1, { crashOnJob: true }, undefined, local);
    await workerUp(pool);
    const jobs = [1, 2, 3, 4].map((n) => pool.run({ id: n, n }));
    const settled = await Promise.race([
      Promise.allSettled(jobs),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 5000)),
    ]);
    expect(settled).not.toBe('hung');
    const results = settled as PromiseSettledResult<Res>[];
    expect(results.some((r) => r.status === 'rejected' && /exited with code 3/.test(String(r.reason)))).toBe(
      true,
    );
    await pool.close();
  });

  it('without the calling thread, ready() waits for the workers', async () => {
    const pool = new WorkerPool<Job, Res>(ECHO, 2, { delayMs: 50 });
    await pool.ready();
    const r = await Promise.all([1, 2, 3].map((n) => pool.run({ id: n, n })));
    expect(r.every((x) => x.by === 'worker')).toBe(true);
    await pool.close();
  });
});
