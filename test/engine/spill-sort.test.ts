import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { SpillSorter } from '../../src/engine/index.js';

function spillDirs(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith('spoor-sort-'));
}

describe('SpillSorter', () => {
  it('gives every record in order with memory for only a few, through runs on disk', async () => {
    const before = new Set(spillDirs());
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const items = Array.from({ length: 1000 }, (_, i) => ({ t: rnd() % 100, i }));
    const cmp = (a: { t: number; i: number }, b: { t: number; i: number }) => a.t - b.t || a.i - b.i;
    const sorter = new SpillSorter(cmp, 64);
    for (const it of items) sorter.push(it);
    expect(sorter.spilledRuns).toBe(15);
    expect(sorter.size).toBe(1000);
    const out = [];
    for await (const x of sorter.drain()) out.push(x);
    expect(out).toEqual([...items].sort(cmp));
    expect(spillDirs().filter((d) => !before.has(d))).toEqual([]);
  });

  it('stays in memory below the limit', async () => {
    const sorter = new SpillSorter<number>((a, b) => a - b, 10);
    for (const n of [3, 1, 2]) sorter.push(n);
    expect(sorter.spilledRuns).toBe(0);
    const out: number[] = [];
    for await (const x of sorter.drain()) out.push(x);
    expect(out).toEqual([1, 2, 3]);
    expect(existsSync(tmpdir())).toBe(true);
  });
});
