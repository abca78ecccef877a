import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AutomatonStore, decode } from '../../src/engine/automaton-store.js';
import { ChunkMatcher } from '../../src/engine/chunk-matcher.js';
import { AhoCorasick } from '../../src/engine/prefilter-ac.js';
import { loadSigma } from '../../src/sigma/index.js';
import { ROOT, sigmaFixturesJob } from './fixture-job.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'spoor-automata-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const scan = (ac: AhoCorasick, values: string[]): number[] => {
  const got: number[] = [];
  ac.scanValues(values, (id) => got.push(id));
  return got;
};

describe('automata kept on disk', () => {
  it('gives back tables that scan exactly as the built ones, on shared memory', () => {
    const lits = ['mimikatz', 'sekurlsa', 'атака', 'zz', 'procdump', 'x'.repeat(40)];
    const values = ['C:\\Tools\\MimiKatz.exe sekurlsa::logonpasswords', 'АТАКА', 'zzz', 'x'.repeat(45), 'no'];
    const built = new AhoCorasick(lits, true);
    const store = new AutomatonStore(path.join(tmp, 'one'));
    store.save(lits.join('\u0000'), built.toShared());
    expect(store.saved).toBe(1);
    const t = store.load(lits.join('\u0000'));
    expect(t).toBeDefined();
    for (const a of [t!.ascii, t!.delta, t!.accept, t!.outStart, t!.outIds])
      expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    const loaded = new AhoCorasick(t!);
    expect(scan(loaded, values)).toEqual(scan(built, values));
    expect(scan(built, values).length).toBeGreaterThan(4);
  });

  it('ignores an entry that is truncated, altered or not one at all', () => {
    const dir = path.join(tmp, 'two');
    new AutomatonStore(dir).save('alpha', new AhoCorasick(['alpha', 'beta'], true).toShared());
    const [name] = readdirSync(dir);
    const good = readFileSync(path.join(dir, name!));
    expect(decode(good)).toBeDefined();
    expect(decode(good.subarray(0, good.length - 3))).toBeUndefined();
    const altered = Buffer.from(good);
    altered[altered.length - 1] = altered[altered.length - 1]! ^ 1;
    expect(decode(altered)).toBeUndefined();
    expect(decode(Buffer.from('not an automaton'))).toBeUndefined();
    expect(decode(Buffer.alloc(0))).toBeUndefined();
  });

  it('a second matcher loads what the first stored: none built, the same hits; a corrupt entry is rebuilt', async () => {
    const dir = path.join(tmp, 'store');
    const { rules } = await loadSigma([path.join(ROOT, 'rules')], { cache: false });
    const init = { sigma: rules, eql: [], filter: {}, automataDir: dir };
    const job = sigmaFixturesJob();
    const hits = (m: ChunkMatcher) => m.run(job()).hits.map((h) => `${h.rule} ${h.event.src.offset}`);
    const first = new ChunkMatcher(init);
    const want = hits(first);
    expect(want.length).toBeGreaterThan(0);
    expect(first.automata.built).toBeGreaterThan(0);
    const entries = readdirSync(dir).filter((n) => n.startsWith('ac-') && n.endsWith('.bin'));
    expect(entries).toHaveLength(first.automata.built);

    const second = new ChunkMatcher(init);
    expect(hits(second)).toEqual(want);
    expect(second.automata.built).toBe(0);
    expect(second.automata.loaded).toBe(first.automata.built);

    // One entry damaged on disk: that automaton is built again (and stored again), the rest load.
    const victim = path.join(dir, entries[0]!);
    writeFileSync(victim, readFileSync(victim).subarray(0, 40));
    const third = new ChunkMatcher(init);
    expect(hits(third)).toEqual(want);
    expect(third.automata.built).toBe(1);
    expect(third.automata.loaded).toBe(first.automata.built - 1);
    expect(new AutomatonStore(dir).load('no such literals')).toBeUndefined();
  });
});
