import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../scheduled/run-cli.js';

describe('Ctrl-C while reading standard input', () => {
  it('ends the wait for more data at once and prints the hits of the records already read', async () => {
    const env = { ...process.env, NO_COLOR: '1' };
    delete env.CI;
    const child = spawn(process.execPath, [BIN, 'hunt', '-', '--jsonl', '--threads', '1'], { env });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    const lines: string[] = [];
    for (let i = 1; i <= 500; i++) {
      lines.push(
        JSON.stringify({
          Channel: 'Microsoft-Windows-Sysmon/Operational',
          EventID: 1,
          Computer: 'H1',
          EventRecordID: i,
          TimeCreated_SystemTime: '2026-11-18T10:00:00Z',
          Image: 'C:\\Windows\\System32\\wsmprovhost.exe',
        }),
      );
    }
    // Write the records and keep the pipe open, as a slow producer would.
    child.stdin.write(`${lines.join('\n')}\n`);
    await new Promise((r) => setTimeout(r, 1500));
    const sent = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(Date.now() - sent).toBeLessThan(5000);
    expect(stdout.trim().split('\n')).toHaveLength(500);
  });
});
