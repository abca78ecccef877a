import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${ROOT}bin/spoor.js`;

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI; `CI` and colour variables are cleared so the output is plain. */
export function runCli(
  args: string[],
  opts: { cwd?: string; killAfterMs?: number; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const env = { ...process.env, ...opts.env };
  delete env.CI;
  delete env.FORCE_COLOR;
  env.NO_COLOR = '1';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    if (opts.killAfterMs !== undefined) {
      setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
    }
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export function hitIds(jsonl: string): string[] {
  return jsonl
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { hit_id: string }).hit_id);
}
