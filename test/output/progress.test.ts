import { describe, expect, it } from 'vitest';
import { createProgress, type ProgressStream } from '../../src/output/index.js';

function fakeStream(isTTY: boolean): ProgressStream & { out: string[] } {
  const out: string[] = [];
  return {
    isTTY,
    columns: 100,
    out,
    write(s: string) {
      out.push(s);
      return true;
    },
  };
}

function clock(): { now: () => number; advance(ms: number): void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('createProgress', () => {
  it('draws nothing on a pipe', () => {
    const s = fakeStream(false);
    const p = createProgress(s, 1000, { env: {} });
    p.update(500, 10, 1);
    p.done();
    expect(s.out).toEqual([]);
  });

  it('draws nothing under CI, even on a terminal', () => {
    const s = fakeStream(true);
    const p = createProgress(s, 1000, { env: { CI: 'true' } });
    p.update(500, 10, 1);
    p.done();
    expect(s.out).toEqual([]);
  });

  it('draws a bar by bytes on a terminal, throttled, and erases it when done', () => {
    const s = fakeStream(true);
    const c = clock();
    const p = createProgress(s, 4 * 1024 * 1024, { env: {}, now: c.now, intervalMs: 100 });
    c.advance(1000);
    p.update(1024 * 1024, 50_000, 3);
    expect(s.out).toHaveLength(1);
    const line = s.out[0]!;
    expect(line.startsWith('\r\u001b[2K[')).toBe(true);
    expect(line).toContain(' 25.0%');
    expect(line).toContain('1.0 MiB/4.0 MiB');
    expect(line).toContain('50.0k ev/s');
    expect(line).toContain('3 hits');
    expect(line.length).toBeLessThan(100 + 5);
    c.advance(50);
    p.update(2 * 1024 * 1024, 60_000, 3);
    expect(s.out).toHaveLength(1);
    c.advance(60);
    p.update(2 * 1024 * 1024, 60_000, 4);
    expect(s.out).toHaveLength(2);
    expect(s.out[1]).toContain(' 50.0%');
    p.clear();
    expect(s.out[2]).toBe('\r\u001b[2K');
    p.update(3 * 1024 * 1024, 70_000, 4);
    expect(s.out).toHaveLength(4);
    p.done();
    expect(s.out[4]).toBe('\r\u001b[2K');
    p.update(4 * 1024 * 1024, 80_000, 4);
    expect(s.out).toHaveLength(5);
  });

  it('shows bytes without a bar when the total is unknown', () => {
    const s = fakeStream(true);
    const c = clock();
    const p = createProgress(s, 0, { env: {}, now: c.now });
    c.advance(500);
    p.update(2048, 100, 0);
    expect(s.out[0]).toBe('\r\u001b[2K2.0 KiB  200 ev/s  0 hits');
  });
});
