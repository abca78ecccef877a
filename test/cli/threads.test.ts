import { describe, expect, it } from 'vitest';
import { autoThreads, bytesPerExtraThread } from '../../src/cli/threads.js';
import type { InputFile } from '../../src/input/index.js';

const file = (size: number, path = 'a.ndjson'): InputFile => ({ path, display: path, size });
const MiB = 1 << 20;

describe('the automatic thread count', () => {
  it('is one thread for an input too small to pay for a second one, more as it grows, never past the cores', () => {
    const sigma = 2407;
    const step = bytesPerExtraThread(sigma);
    // Measured on two cores: one thread wins up to ~64 MB (NDJSON and XML), they tie at ~90 MB of
    // NDJSON, two win from ~100 MB (XML 7 %, NDJSON at 150 MB 15 %).
    expect(step).toBeGreaterThan(90 * MiB);
    expect(step).toBeLessThan(110 * MiB);
    expect(autoThreads([file(18 * MiB)], sigma, 2)).toBe(1);
    expect(autoThreads([file(40 * MiB), file(40 * MiB)], sigma, 2)).toBe(1);
    expect(autoThreads([file(64 * MiB), file(64 * MiB)], sigma, 2)).toBe(2);
    expect(autoThreads([file(step)], sigma, 2)).toBe(2);
    expect(autoThreads([file(500 * MiB)], sigma, 2)).toBe(2);
    expect(autoThreads([file(500 * MiB)], sigma, 8)).toBe(6);
    expect(autoThreads([file(50_000 * MiB)], sigma, 8)).toBe(8);
    // Few rules: a second thread pays for itself on far less input.
    expect(autoThreads([file(18 * MiB)], 31, 2)).toBe(2);
    expect(autoThreads([file(1 * MiB)], 31, 2)).toBe(1);
  });

  it('counts a gzip file as what it decodes to, and gives standard input and pipes every core', () => {
    expect(autoThreads([file(25 * MiB, 'x.ndjson.gz')], 2407, 2)).toBe(2);
    expect(autoThreads([file(25 * MiB, 'x.ndjson')], 2407, 2)).toBe(1);
    expect(autoThreads([{ path: '-', display: '-', size: 0, stream: true }], 2407, 2)).toBe(2);
    expect(
      autoThreads([file(0), { path: '/dev/fd/63', display: '/dev/fd/63', size: 0, stream: true }], 31, 4),
    ).toBe(4);
    expect(autoThreads([file(10_000 * MiB)], 31, 1)).toBe(1);
    expect(autoThreads([], 31, 0)).toBe(1);
  });
});
