// One temporary folder per test run: every folder and file the tests (and the spoor processes they
// start) make with os.tmpdir() lands in it, and it is removed when the run ends, passed or failed.
// The rule and automaton caches live in it too, so a test run never fills or prunes the user's own
// (`~/.cache/spoor`: a run's rule sets would otherwise push the user's cached rules out).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

export default function setup(): () => void {
  const outer = { tmp: process.env.TMPDIR, cache: process.env.SPOOR_CACHE_DIR };
  const dir = mkdtempSync(path.join(tmpdir(), 'spoor-test-run-'));
  // Read by os.tmpdir() at each call, and inherited by the test processes started after this.
  process.env.TMPDIR = dir;
  process.env.SPOOR_CACHE_DIR = path.join(dir, 'cache');
  return () => {
    restore('TMPDIR', outer.tmp);
    restore('SPOOR_CACHE_DIR', outer.cache);
    rmSync(dir, { recursive: true, force: true });
  };
}
