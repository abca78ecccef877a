// One temporary folder per test run: every folder and file the tests (and the spoor processes they
// start) make with os.tmpdir() lands in it, and it is removed when the run ends, passed or failed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const dir = mkdtempSync(path.join(tmpdir(), 'spoor-test-run-'));
  // Read by os.tmpdir() at each call, and inherited by the test processes started after this.
  process.env.TMPDIR = dir;
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    rmSync(dir, { recursive: true, force: true });
  };
}
