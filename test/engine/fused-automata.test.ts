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

  it('answer long suffix and substring lists exactly as endsWith and includes do, over random values', async () => {
    // Short and long literals (past the automaton's 12 characters), overlapping ones, repeats.
    const alphabet = 'ab.\\lx é';
    let seed = 7;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const text = (n: number): string =>
      Array.from({ length: n }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    // (A doubled backslash is an escaped one in a Sigma value: the literals keep theirs single.)
    const lits = Array.from({ length: 20 }, (_, i) =>
      (i % 5 === 0 ? text(14 + i) : text(1 + (i % 4))).replace(/\\+/g, '\\'),
    );
    lits.push('\\a.dll', '\\ab.dll', 'b.dll', 'lll');
    for (const op of ['endswith', 'contains'] as const) {
      const file = path.join(dir, `${op}.yml`);
      const values = lits.map((v) => `            - '${v.replace(/'/g, "''")}'`).join('\n');
      writeFileSync(
        file,
        `title: long ${op} list\nid: 00000000-0000-0000-0000-0000000000f2\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image|${op}:\n${values}\n    condition: sel\n`,
      );
      const { rules, problems } = await loadSigma([file], { cache: false });
      expect(problems).toEqual([]);
      const r = rules[0]!;
      const fa = new FieldAccess();
      const pred = compileVariant(r.detection!, r.sources[0]!, fa, new AutomatonCache());
      let hits = 0;
      for (let k = 0; k < 3000; k++) {
        const pick = lits[Math.floor(rnd() * lits.length)]!;
        const v =
          rnd() < 0.5
            ? text(Math.floor(rnd() * 30)) + (rnd() < 0.5 ? pick : '')
            : text(Math.floor(rnd() * 6));
        fa.begin(createEvent({ Image: v, CommandLine: 'x' }));
        const truth = lits.some((l) => (op === 'endswith' ? v.endsWith(l) : v.includes(l)));
        expect(pred(fa), `${op} ${JSON.stringify(v)}`).toBe(truth);
        if (truth) hits++;
      }
      expect(hits).toBeGreaterThan(500);
      expect(hits).toBeLessThan(2900);
    }
  });
});
