import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRulesLint, runRulesList } from '../../src/cli/rules.js';
import { ruleText } from './helpers.js';

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += s) },
      stderr: { write: (s: string) => (out.stderr += s) },
    },
  };
}

const dir = mkdtempSync(path.join(tmpdir(), 'spoor-rules-cli-'));
const good = path.join(dir, 'good.yml');
const bad = path.join(dir, 'bad.yml');
writeFileSync(
  good,
  ruleText('    sel:\n        Image|endswith: x.exe\n    condition: sel', 'level: high\nstatus: test\n'),
);
writeFileSync(bad, ruleText('    sel:\n        Image|nope: x.exe\n    condition: sel and other'));

describe('spoor rules lint / list', () => {
  it('lint reports every rule and exits 0 when all load', async () => {
    const { out, io } = capture();
    expect(await runRulesLint([good], io)).toBe(0);
    expect(out.stdout).toBe(`${good}:1: ok: sigma: t\n`);
    expect(out.stderr).toMatch(/1 files, 1 rules loaded, 0 refused/);
  });
  it('lint gives file, line and reason, counts reasons and exits 2 on errors', async () => {
    const { out, io } = capture();
    expect(await runRulesLint([dir], io)).toBe(2);
    expect(out.stdout).toContain(`${bad}:8:9: error: unsupported modifier nope (t)`);
    expect(out.stderr).toMatch(/1 rules loaded, 1 refused/);
    expect(out.stderr).toMatch(/\s1 {2}error: unsupported modifier nope/);
  });
  it('list prints a table of title, level, status, logsource and file', async () => {
    const { out, io } = capture();
    expect(await runRulesList([good], io)).toBe(0);
    for (const s of ['title', 'level', 'high', 'test', 'category=process_creation', 'good.yml'])
      expect(out.stdout).toContain(s);
  });
});
