import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AutomatonCache } from '../../src/engine/automaton-cache.js';
import { FieldAccess } from '../../src/engine/field-access.js';
import { compileVariant } from '../../src/engine/sigma-compile.js';
import { createEvent } from '../../src/event/index.js';
import { loadSigma } from '../../src/sigma/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'spoor-fused-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Enough substrings that the OR list is scanned with an automaton (sigma-compile's AC_MIN_LITERALS).
const NEEDLES = [
  'mimikatz',
  'sekurlsa',
  'a b',
  'x\ty',
  'ünï',
  'Δelta',
  '-enc ',
  '\\temp\\',
  'invoke-',
  'frombase64',
  'bypass',
  '.dll,',
  'zz',
  'ß',
];

describe('substring lists scanned with the pre-filter cache', () => {
  it('match exactly what a list scanned with an automaton of its own matches, and the truth', async () => {
    const file = path.join(dir, 'r.yml');
    const values = NEEDLES.map((v) => `            - '${v.replace(/'/g, "''")}'`).join('\n');
    writeFileSync(
      file,
      `title: many substrings\nid: 00000000-0000-0000-0000-0000000000f1\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        CommandLine|contains:\n${values}\n    condition: sel\n`,
    );
    const { rules, problems } = await loadSigma([file], { cache: false });
    expect(problems).toEqual([]);
    const r = rules[0]!;
    const spec = r.sources[0]!;
    const cache = new AutomatonCache();
    const faA = new FieldAccess();
    const faB = new FieldAccess();
    const own = compileVariant(r.detection!, spec, faA);
    const shared = compileVariant(r.detection!, spec, faB, cache);
    expect(cache.built).toBe(1);
    const texts = [
      'cmd /c MIMIKATZ.exe',
      'A B',
      'a\tb',
      'x y',
      'x\tY',
      'ÜNÏ',
      'δelta',
      'powershell -ENC abc',
      'C:\\TEMP\\x',
      'rundll32 a.DLL,Entry',
      'SS',
      'strasse',
      'STRAßE',
      'z',
      'nothing to see',
      '',
      'invoke',
      'Invoke-Thing',
    ];
    let hits = 0;
    for (const cmd of texts) {
      const ev = createEvent({ CommandLine: cmd, Image: 'C:\\x.exe' });
      faA.begin(ev);
      faB.begin(ev);
      const truth = NEEDLES.some((n) => cmd.toLowerCase().includes(n.toLowerCase()));
      expect(own(faA), cmd).toBe(truth);
      expect(shared(faB), cmd).toBe(truth);
      if (truth) hits++;
    }
    expect(hits).toBeGreaterThan(8);
  });
});
