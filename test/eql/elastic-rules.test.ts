import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileEql, type EqlQuery, parseEql } from '../../src/eql/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rulesFile = path.resolve(here, '../../../shared/eql-rules/windows-eql-rules.jsonl');
const hasShared = existsSync(rulesFile);
if (!hasShared) console.warn("skipping Elastic's Windows EQL rules: ../shared not present");

describe.skipIf(!hasShared)("Elastic's Windows EQL rules", () => {
  it('every query parses and compiles (none refused)', () => {
    const lines = readFileSync(rulesFile, 'utf8').trim().split('\n');
    const refused: string[] = [];
    const kinds: Record<string, number> = { event: 0, sequence: 0, sample: 0 };
    let withMaxspan = 0;
    let withRuns = 0;
    for (const line of lines) {
      const r = JSON.parse(line) as { name: string; query: string };
      let ast: EqlQuery;
      try {
        ast = parseEql(r.query);
        compileEql({ ast });
      } catch (e) {
        refused.push(`${r.name}: ${(e as Error).message}`);
        continue;
      }
      kinds[ast.kind]++;
      if (ast.kind === 'sequence') {
        if (ast.maxspanMs !== null) withMaxspan++;
        // runs=N expands stages: more stages than written `[` terms.
        if (ast.stages.length > (r.query.match(/^\s*\[/gm) ?? []).length) withRuns++;
      }
    }
    expect(refused).toEqual([]);
    expect(lines).toHaveLength(486);
    // Counts from the data set's README: 400 event queries, 86 sequences, 77 with maxspan.
    expect(kinds).toEqual({ event: 400, sequence: 86, sample: 0 });
    expect(withMaxspan).toBe(77);
    expect(withRuns).toBe(5);
  });
});
