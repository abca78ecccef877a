import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkMatcher } from '../../src/engine/chunk-matcher.js';
import { AhoCorasick } from '../../src/engine/prefilter-ac.js';
import { loadSigma } from '../../src/sigma/index.js';
import { ROOT, sigmaFixturesJob } from './fixture-job.js';

describe('automata shared between matching threads', () => {
  it('moves its tables onto shared memory and scans the same from them', () => {
    const lits = ['mimikatz', 'sekurlsa', 'атака', 'zz', 'procdump'];
    const ac = new AhoCorasick(lits, true);
    const values = ['C:\\Tools\\MimiKatz.exe sekurlsa::logonpasswords', 'АТАКА', 'zzz', 'nothing'];
    const before: number[] = [];
    ac.scanValues(values, (id) => before.push(id));
    const tables = ac.toShared();
    for (const t of [tables.ascii, tables.delta, tables.accept, tables.outStart, tables.outIds])
      expect(t.buffer).toBeInstanceOf(SharedArrayBuffer);
    // The automaton itself now scans from the shared copies, and so does one made from them.
    const other = new AhoCorasick(structuredClone(tables));
    for (const a of [ac, other]) {
      const got: number[] = [];
      a.scanValues(values, (id) => got.push(id));
      expect(got).toEqual(before);
    }
    expect(before.length).toBeGreaterThan(3);
  });

  it('a matcher that adopts the automata of another builds none of its own, with the same hits', async () => {
    const { rules } = await loadSigma([path.join(ROOT, 'rules')], { cache: false });
    const init = { sigma: rules, eql: [], filter: {} };
    const first = new ChunkMatcher(init);
    const second = new ChunkMatcher(init);
    first.automata.onBuilt = (offer) => second.automata.adopt(structuredClone(offer));
    const job = sigmaFixturesJob();
    const a = first.run(job());
    const b = second.run(job());
    expect(first.automata.built).toBeGreaterThan(0);
    expect(second.automata.adopted).toBe(first.automata.built);
    expect(second.automata.built).toBe(0);
    const hits = (r: typeof a) => r.hits.map((h) => `${h.rule} ${h.event.src.offset}`);
    expect(hits(b)).toEqual(hits(a));
    expect(a.hits.length).toBeGreaterThan(0);
  });
});
