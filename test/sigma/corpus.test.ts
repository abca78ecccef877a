import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSigma } from '../../src/engine/index.js';
import { loadSigma } from '../../src/sigma/index.js';

const sigmaDir = path.resolve(__dirname, '../../../shared/corpus/sigma');
const hasShared = existsSync(path.join(sigmaDir, 'rules'));
if (!hasShared) console.warn('skipping SigmaHQ rule tree tests: ../shared not present');

const TREES = [
  'rules',
  'rules-emerging-threats',
  'rules-threat-hunting',
  'rules-placeholder',
  'rules-compliance',
];

describe.skipIf(!hasShared)('SigmaHQ rule trees', () => {
  it('loads every Windows rule; the only refusals are other products and unset placeholders', async () => {
    const { rules, problems, files } = await loadSigma(TREES.map((t) => path.join(sigmaDir, t)));
    expect(files).toBeGreaterThan(3000);
    const unexpected = problems.filter(
      (p) =>
        p.severity === 'error' &&
        !/^placeholder %[^%]+% has no value$/.test(p.reason) &&
        !(/^unknown logsource /.test(p.reason) && !/product=windows/.test(p.reason)),
    );
    expect(unexpected).toEqual([]);
    expect(problems.filter((p) => p.severity === 'warning')).toEqual([]);
    const windows = rules.filter((r) => r.logsource.product === 'windows');
    expect(windows.length).toBeGreaterThan(2500);
    const engine = compileSigma(rules);
    expect(engine.count).toBe(rules.length);
  });

  it('with values for its placeholders, every rule of rules-placeholder/windows loads', async () => {
    const dir = path.join(sigmaDir, 'rules-placeholder/windows');
    const first = await loadSigma([dir]);
    expect(first.problems.length).toBeGreaterThan(0);
    // A rule reports its first unset placeholder: fill them in until none is left.
    const expand: Record<string, string[]> = {};
    let res = first;
    for (let round = 0; round < 5 && res.problems.length > 0; round++) {
      for (const p of res.problems) {
        const name = /^placeholder %([^%]+)% has no value$/.exec(p.reason)?.[1];
        expect(name, p.reason).toBeDefined();
        expand[name!] = ['value-for-test'];
      }
      res = await loadSigma([dir], { expand });
    }
    expect(res.problems).toEqual([]);
    expect(res.rules.length).toBe(first.rules.length + first.problems.length);
  });
});
