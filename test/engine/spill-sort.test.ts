import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunLines, SpillSorter } from '../../src/engine/index.js';

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

  it("spills by the records' cost when given a budget, whatever their count", async () => {
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const sorter = new SpillSorter<string>(cmp, 1_000, { weigh: (s) => s.length, budget: 100 });
    const items = ['x'.repeat(60), 'a', 'é'.repeat(50), 'b"\\\n', 'm'.repeat(99), 'c'];
    for (const s of items) sorter.push(s);
    // 60 + 1 + 50 reaches 100, then 5 + 99; 'c' stays in memory.
    expect(sorter.spilledRuns).toBe(2);
    const out: string[] = [];
    for await (const x of sorter.drain()) out.push(x);
    expect(out).toEqual([...items].sort(cmp));
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

  it('reads a run back line by line: lines past a block, characters cut by a block, no final newline', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spoor-lines-'));
    try {
      const long = 'é'.repeat(700_000); // 1.4 MB of UTF-8: past the 1 MiB block, cut inside a character
      const lines = ['first', '', long, `${'x'.repeat(1_048_575)}ü`, 'last without a newline'];
      const path = join(dir, 'run.jsonl');
      writeFileSync(path, lines.join('\n'));
      const reader = new RunLines(path);
      const read: string[] = [];
      for (let l = reader.next(); l !== undefined; l = reader.next()) read.push(l);
      expect(read).toEqual(lines);
      expect(reader.next()).toBeUndefined();
      reader.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
