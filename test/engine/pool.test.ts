import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/engine/pool.js';

interface Job {
  id: number;
  n: number;
}
interface Res {
  id: number;
  twice: number;
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
