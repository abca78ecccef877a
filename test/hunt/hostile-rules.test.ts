import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../scheduled/run-cli.js';

// Rule files can be hostile as well as logs: neither may hang or exhaust a hunt.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spoor-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER = `status: test
level: high
logsource:
    product: windows
    category: process_creation
`;

describe('hostile rules', () => {
  it('a catastrophically backtracking regular expression finishes at once, with exact results', async () => {
    await writeFile(
      join(dir, 'redos.yml'),
      `title: Nested quantifier\nid: 6d0f3d51-4a61-4b0d-9c53-1f1a3a0b2b11\n${HEADER}detection:\n    sel:\n        CommandLine|re: '(a+)+$'\n    condition: sel\n`,
    );
    const event = (id: number, cmd: string) =>
      JSON.stringify({
        Channel: 'Microsoft-Windows-Sysmon/Operational',
        EventID: 1,
        Computer: 'H',
        EventRecordID: id,
        CommandLine: cmd,
      });
    await writeFile(
      join(dir, 'events.ndjson'),
      `${event(1, `${'a'.repeat(48)}!`)}\n${event(2, 'a'.repeat(48))}\n`,
    );
    const started = Date.now();
    const r = await runCli([
      'hunt',
      join(dir, 'events.ndjson'),
      '-r',
      join(dir, 'redos.yml'),
      '--jsonl',
      '-q',
    ]);
    expect(r.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    const ids = r.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { record_id: number }).record_id);
    expect(ids).toEqual([2]);
  });

  it('a YAML alias bomb is refused with a reason instead of being expanded', async () => {
    const lines = [
      `title: Bomb`,
      'id: 11111111-2222-3333-4444-555555555555',
      HEADER.trimEnd(),
      'a0: &a0 [x, x, x, x, x, x, x, x, x, x]',
    ];
    for (let i = 1; i <= 8; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    lines.push('detection:', '    sel:', '        CommandLine: *a8', '    condition: sel');
    await writeFile(join(dir, 'bomb.yml'), `${lines.join('\n')}\n`);
    const r = await runCli(['rules', 'lint', join(dir, 'bomb.yml')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/bomb\.yml:\d+:\d+: error: YAML error: .*resource exhaustion/);
  });
});

describe('hostile file names', () => {
  it('a warning about a file whose name holds an escape sequence shows it escaped', async () => {
    const evil = join(dir, 'd\u001b[31mx');
    await mkdir(evil);
    await writeFile(join(evil, 'f.ndjson'), '{"a":1');
    const r = await runCli(['hunt', evil, '--jsonl']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('malformed JSON');
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).toContain('d\\e[31mx');
  });
});
