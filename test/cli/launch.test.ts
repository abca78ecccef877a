import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, FIXTURES, ROOT, sh, shell, spoor } from './helpers.js';

// The program runs in a worker thread of its own that opens the standard descriptors itself
// (src/cli/launch.ts, src/cli/fd-streams.ts): each kind of descriptor must carry the output whole.
describe('the launcher', () => {
  it('writes the same hits to a pipe and to a file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'spoor-launch-'));
    try {
      const file = path.join(dir, 'hits.jsonl');
      const piped = await spoor(['hunt', FIXTURES, '--jsonl', '-q']);
      const redirected = await shell(
        `${sh(process.execPath)} ${sh(BIN)} hunt ${sh(FIXTURES)} --jsonl -q > ${sh(file)}`,
      );
      expect(piped.code).toBe(0);
      expect(redirected.code).toBe(0);
      expect(piped.stdout.split('\n').length).toBeGreaterThan(50);
      expect(readFileSync(file, 'utf8')).toBe(piped.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes help printed by a subcommand to its stdout', async () => {
    const r = await spoor(['hunt', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: spoor hunt/);
    expect(r.stderr).toBe('');
  });

  it('ends at once by the signal on Ctrl-C while nothing listens for it (dump waiting on stdin)', async () => {
    const child = spawn(process.execPath, [BIN, 'dump', '-'], { cwd: ROOT, env: cleanEnv(), stdio: 'pipe' });
    await new Promise((r) => setTimeout(r, 800));
    const sent = Date.now();
    child.kill('SIGINT');
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (c, s) => resolve([c, s])),
    );
    expect(Date.now() - sent).toBeLessThan(3000);
    expect(code).toBeNull();
    expect(signal).toBe('SIGINT');
  });
});
