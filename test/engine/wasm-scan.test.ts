import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AutomatonStore } from '../../src/engine/automaton-store.js';
import { AhoCorasick, latin1Bytes } from '../../src/engine/prefilter-ac.js';
import { Arena, newArenaMemory, useArena } from '../../src/engine/wasm-arena.js';
import { kernelAvailable, ScanKernel } from '../../src/engine/wasm-scan.js';

afterEach(() => {
  useArena(undefined);
  vi.restoreAllMocks();
});

/** A small deterministic generator (xorshift), so that a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const ALPHABET = 'abcdeABCDE01\\:. -_{}"xyz';

function randomText(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += r() < 0.03 ? 'é' : ALPHABET[Math.floor(r() * ALPHABET.length)]!;
  return s;
}

/** Every report of a scan over `ranges` of `b`, as sorted text (the kernel reports in its own order). */
function reports(ac: AhoCorasick, b: Uint8Array, ranges: number[]): string[] {
  const out: string[] = [];
  ac.scanRanges(b, Int32Array.from(ranges), ranges.length / 2, (id, end, from, to) => {
    out.push(`${id}@${end}[${from},${to})`);
  });
  return out.sort();
}

/** Sorted, disjoint ranges over [0, n), some adjacent, some one byte, the last one at the end. */
function randomRanges(r: () => number, n: number): number[] {
  const out: number[] = [];
  let at = Math.floor(r() * 3);
  while (at < n) {
    const len = 1 + Math.floor(r() * (r() < 0.2 ? 200 : 30));
    const to = Math.min(n, at + len);
    out.push(at, to);
    at = to + (r() < 0.3 ? 0 : Math.floor(r() * 5));
  }
  return out;
}

describe('the WebAssembly scan kernel', () => {
  it('is built and loads', () => {
    expect(kernelAvailable()).toBe(true);
  });

  it('leaves a hunt without an arena where shared WebAssembly memory cannot be had', () => {
    expect(newArenaMemory()).toBeInstanceOf(WebAssembly.Memory);
    vi.spyOn(WebAssembly, 'Memory').mockImplementation(() => {
      throw new RangeError('no shared memory here');
    });
    expect(newArenaMemory()).toBeUndefined();
  });

  it('reports exactly what the JavaScript scan reports, over random literals, texts and ranges', () => {
    const run = vi.spyOn(ScanKernel.prototype, 'run');
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const lits = Array.from({ length: 1 + Math.floor(r() * 60) }, () =>
        latin1Bytes(randomText(r, 1 + Math.floor(r() * 14)).toLowerCase()),
      );
      const arena = new Arena();
      useArena(arena.memory);
      const inArena = new AhoCorasick(lits, true);
      expect(inArena.toShared().arena).toBe(arena.id);
      useArena(undefined);
      const plain = new AhoCorasick(lits, true);
      expect(plain.toShared().arena).toBeUndefined();
      useArena(arena.memory);
      // A view that starts inside its buffer, over a buffer whose length is not a multiple of 4.
      const text = Buffer.from(`${randomText(r, 3)}${randomText(r, 400 + Math.floor(r() * 3000))}`);
      const whole = new Uint8Array(text.length + 3);
      whole.set(text, 3);
      const b = whole.subarray(3, 3 + text.length);
      const ranges = randomRanges(r, b.length);
      expect(reports(inArena, b, ranges)).toEqual(reports(plain, b, ranges));
    }
    expect(run).toHaveBeenCalled();
  });

  it('reports a state stamped once a scan no more than once in it, and every other state every time', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = rng(seed * 7919);
      const lits = Array.from({ length: 1 + Math.floor(r() * 40) }, () =>
        latin1Bytes(randomText(r, 1 + Math.floor(r() * 6)).toLowerCase()),
      );
      useArena(new Arena().memory);
      const ac = new AhoCorasick(lits, true);
      const b = Buffer.from(randomText(r, 300 + Math.floor(r() * 2000)));
      const ranges = Int32Array.from(randomRanges(r, b.length));
      const count = ranges.length / 2;
      const scan = (stamps: number, scanNo: number): string[] => {
        const out: string[] = [];
        ac.scanRanges(b, ranges, count, (id, end) => out.push(`${id}@${end}`), stamps, scanNo);
        return out.sort();
      };
      const all = scan(0, 0);
      // Every state reported every time: the same reports as without a table.
      expect(
        scan(
          ac.stampTable(() => false),
          1,
        ),
      ).toEqual(all);
      // Every state once a scan: every literal found still found, repeats left out.
      const once = ac.stampTable(() => true);
      expect(once).toBeGreaterThan(0);
      const first = scan(once, 1);
      const ids = (rs: string[]): string[] => [...new Set(rs.map((x) => x.split('@')[0]!))].sort();
      expect(ids(first)).toEqual(ids(all));
      expect(first.length).toBeLessThanOrEqual(all.length);
      if (all.length > 0) {
        // The same scan number again: everything is stamped already. A new one: as the first.
        expect(scan(once, 1)).toEqual([]);
        expect(ids(scan(once, 2))).toEqual(ids(all));
      }
    }
  });

  it('leaves a record with more reports than it has room for to the JavaScript scan', () => {
    const arena = new Arena();
    useArena(arena.memory);
    const ac = new AhoCorasick(['a', 'aa'], true);
    const b = Buffer.alloc(20_001, 'a');
    const run = vi.spyOn(ScanKernel.prototype, 'run');
    const got = reports(ac, b, [0, 20_001]);
    expect(run).toHaveReturnedWith(-1);
    expect(got.length).toBe(20_001 + 20_000);
  });

  it('leaves a record of more than a mebibyte of values to the JavaScript scan', () => {
    const arena = new Arena();
    useArena(arena.memory);
    const ac = new AhoCorasick(['mimikatz'], true);
    const b = Buffer.alloc((1 << 20) + 100, 'x');
    b.write('mimikatz', 10);
    b.write('MIMIKATZ', (1 << 20) + 50);
    const run = vi.spyOn(ScanKernel.prototype, 'run');
    expect(reports(ac, b, [0, b.length])).toEqual(
      [`0@17[0,${b.length})`, `0@${(1 << 20) + 57}[0,${b.length})`].sort(),
    );
    expect(run).toHaveReturnedWith(-1);
    expect(reports(ac, b, [0, 100])).toEqual(['0@17[0,100)']);
    expect(run).toHaveLastReturnedWith(1);
  });

  it('never reads tables placed in another arena', () => {
    useArena(new Arena().memory);
    const ac = new AhoCorasick(['powershell', 'cmd.exe'], true);
    useArena(new Arena().memory);
    const run = vi.spyOn(ScanKernel.prototype, 'run');
    const b = Buffer.from('C:\\Windows\\System32\\cmd.exe /c powershell -nop');
    expect(reports(ac, b, [0, b.length])).toHaveLength(2);
    expect(run).not.toHaveBeenCalled();
  });

  it('places the tables it loads from the store in the arena, and scans them there', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spoor-arena-'));
    try {
      const lits = ['mimikatz', 'sekurlsa', '::logonpasswords'].map((l) => latin1Bytes(l));
      const key = lits.join('\u0000');
      useArena(undefined);
      const built = new AhoCorasick(lits, true);
      const store = new AutomatonStore(dir);
      store.save(key, built.toShared());
      const arena = new Arena();
      useArena(arena.memory);
      const stored = store.load(key);
      expect(stored?.arena).toBe(arena.id);
      const run = vi.spyOn(ScanKernel.prototype, 'run');
      const b = Buffer.from('x mimikatz.exe sekurlsa::logonpasswords exit');
      const loaded = new AhoCorasick(stored!);
      expect(reports(loaded, b, [0, 12, 12, b.length])).toEqual(reports(built, b, [0, 12, 12, b.length]));
      expect(run).toHaveBeenCalledTimes(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
