import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeLiteral,
  detectionRequirement,
  encodeLiteral,
  loadSigma,
  type SigmaRuleIR,
} from '../../src/sigma/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'spoor-req-'));

async function one(detection: string): Promise<SigmaRuleIR> {
  const file = path.join(dir, `r${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(
    file,
    `title: t\nid: 00000000-0000-0000-0000-000000000001\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n${detection}\n`,
  );
  const r = await loadSigma([file], { cache: false });
  expect(r.problems).toEqual([]);
  return r.rules[0]!;
}

describe('literal requirements with anchors', () => {
  it('round-trips every literal, anchored or not, NUL-led or not', () => {
    for (const lit of ['abc', '\u0000abc', '\u0000sx', '', 'c$'])
      for (const anchor of [undefined, 'start', 'end', 'whole'] as const)
        expect(decodeLiteral(encodeLiteral(lit, anchor))).toEqual({ lit, anchor });
  });

  it('pins the literal of endswith, startswith and a plain value, but not one a wildcard cut', async () => {
    const r = await one(
      "    a:\n        Image|endswith: '\\cmd.exe'\n    b:\n        CommandLine|startswith: 'Net '\n" +
        "    c:\n        User: 'SYSTEM'\n    d:\n        ParentImage: '*\\explorer*.exe'\n    condition: a and b and c and d",
    );
    const decoded = (r.requirements?.[0] ?? []).map((c) => c.map(decodeLiteral));
    expect(decoded).toContainEqual([{ lit: '\\cmd.exe', anchor: 'end' }]);
    expect(decoded).toContainEqual([{ lit: 'net ', anchor: 'start' }]);
    expect(decoded).toContainEqual([{ lit: 'system', anchor: 'whole' }]);
    // `*\explorer*.exe`: its literal is a piece, which may sit anywhere.
    expect(decoded.flat().filter((a) => a.lit.includes('explorer'))).toEqual([
      { lit: '\\explorer', anchor: undefined },
    ]);
  });

  it('multiplies an OR of ANDs out into one clause per choice, not one clause for the whole OR', async () => {
    const branch = (k: string) =>
      `    ${k}:\n        CommandLine|contains|all:\n            - '${k}1'\n            - '${k}2'\n            - '${k}3'\n`;
    const r = await one(`${branch('aa')}${branch('bb')}${branch('cc')}    condition: 1 of aa or bb or cc`);
    const req = detectionRequirement(r.detection!);
    // 3 x 3 x 3 = 27 choices, each one literal of each branch: every event the rule matches holds all.
    expect(req.length).toBe(27);
    for (const clause of req) expect(clause.map((a) => a.lit.slice(0, 2)).sort()).toEqual(['aa', 'bb', 'cc']);
  });
});
