import type { InputFile } from '../input/index.js';

/** A compressed file's bytes as the bytes it will likely decode to (event exports compress ~8×). */
const GZIP_RATIO = 8;

/**
 * Input bytes each matching thread beyond the first must have to pay for itself. A thread costs
 * its start-up (a V8 isolate warming up, the rules it reaches compiled again) and, on a machine with
 * few cores, a share of the main thread's core; that cost grows with the rules. Measured on two
 * cores with SigmaHQ's 2,407 Windows rules, `--threads 1` against `--threads 2` (docs/performance.md):
 * in 2026-12-07's build one thread won on 30 MB (1.12 against 1.29-1.34 s) and 64 MB of NDJSON
 * (1.44 against 1.58-1.63 s) and on 60 MB of python-evtx XML (1.61-1.66 against 1.69-1.79 s), they
 * tied on 90 MB of NDJSON (1.75-1.90 against 1.80-1.87 s), and two won on 100 MB of XML (2.05
 * against 2.16-2.24 s), 115 MB and 150 MB of NDJSON (2.18-2.24 against 2.55-2.60 s): ~97 MiB with
 * these rules (it was 162 MiB, 64 KiB a rule, when a thread's start-up cost more). With the 31
 * bundled rules one thread won on 9 MB and two on 18 MB.
 */
export function bytesPerExtraThread(rules: number): number {
  return (12 << 20) + rules * (36 << 10);
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
