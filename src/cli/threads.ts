import type { InputFile } from '../input/index.js';

/** A compressed file's bytes as the bytes it will likely decode to (event exports compress ~8×). */
const GZIP_RATIO = 8;

/**
 * Input bytes each matching thread beyond the first must have to pay for itself. A thread costs
 * its start-up (a V8 isolate warming up, the rules it reaches compiled again) and, on a machine with
 * few cores, a share of the main thread's core; that cost grows with the rules. Measured on two
 * cores (docs/performance.md): with SigmaHQ's 2,407 Windows rules one thread beat two on 18 MB
 * (4.3–4.8 against 5.8–6.1 s) and 64 MB (6.3 against 7.2–7.8 s), tied on 150 MB and lost on 500 MB
 * (26–28 against 21 s); with the 31 bundled rules one thread won on 9 MB (1.0–1.15 against
 * 1.4–1.5 s) and two on 18 MB (2.7 against 3.2–3.5 s).
 */
export function bytesPerExtraThread(rules: number): number {
  return (12 << 20) + rules * (64 << 10);
}

/**
 * The matching threads for a hunt when `--threads` is not given: one per core, but no more than
 * the input can keep busy (bytesPerExtraThread). Standard input and pipes, whose size is unknown,
 * get one per core.
 */
export function autoThreads(files: InputFile[], rules: number, cores: number): number {
  const most = Math.max(1, cores);
  if (files.some((f) => f.stream)) return most;
  const bytes = files.reduce((n, f) => n + (/\.gz$/i.test(f.path) ? f.size * GZIP_RATIO : f.size), 0);
  return Math.min(most, 1 + Math.floor(bytes / bytesPerExtraThread(rules)));
}
