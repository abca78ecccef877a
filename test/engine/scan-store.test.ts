import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AutomatonStore } from '../../src/engine/automaton-store.js';
import { ChunkMatcher } from '../../src/engine/chunk-matcher.js';
import type { ChunkJob } from '../../src/engine/messages.js';
import { decodeScan, encodeScan, scanKey } from '../../src/engine/scan-store.js';
import { loadSigma } from '../../src/sigma/index.js';
import { ROOT, sigmaFixturesJob } from './fixture-job.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'spoor-scans-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const scans = (dir: string): string[] =>
  readdirSync(dir).filter((n) => n.startsWith('gs-') && n.endsWith('.bin'));

/**
 * The NDJSON sample as one chunk job, with a copy of each record that runs mimikatz: its records go
 * through the raw screen (the `json` form), and some match.
 */
function ndjsonJob(): () => ChunkJob {
  const lines = readFileSync(path.join(ROOT, 'fixtures/samples/sysmon-evtx_dump.ndjson'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const bad = lines.map((l) =>
    l.replace(/"CommandLine":"[^,]*",/, '"CommandLine":"mimikatz.exe sekurlsa::logonpasswords",'),
  );
  const data = Buffer.from(`${[...lines, ...bad].join('\n')}\n`);
  return () => ({ id: 2, file: 'sample', format: 'ndjson', data, offset: 0, line: 1 });
}

const hitsOf = (m: ChunkMatcher, job: () => ChunkJob): string[] =>
  m.run(job()).hits.map((h) => `${h.rule} ${h.event.src.line ?? h.event.src.offset}`);

describe('gate scans kept on disk', () => {
  it('a second matcher loads every scan the first kept and builds none: the same hits, with or without a store', async () => {
    const dir = path.join(tmp, 'store');
    const { rules } = await loadSigma([path.join(ROOT, 'rules')], { cache: false });
    const jobs = [sigmaFixturesJob(), ndjsonJob()];
    const bare = new ChunkMatcher({ sigma: rules, eql: [], filter: {} });
    const want = jobs.map((j) => hitsOf(bare, j));
    expect(want.every((w) => w.length > 0)).toBe(true);

    const init = { sigma: rules, eql: [], filter: {}, automataDir: dir };
    const first = new ChunkMatcher(init);
    expect(jobs.map((j) => hitsOf(first, j))).toEqual(want);
    const kept = first.automata.store!.scansSaved;
    expect(kept).toBeGreaterThan(1);
    expect(first.automata.store!.scansLoaded).toBe(0);
    expect(scans(dir)).toHaveLength(kept);

    const second = new ChunkMatcher(init);
    expect(jobs.map((j) => hitsOf(second, j))).toEqual(want);
    expect(second.automata.store!.scansSaved).toBe(0);
    expect(second.automata.store!.scansLoaded).toBe(kept);
    expect(second.automata.built).toBe(0);

    // One scan cut short on disk: that one is built (and kept) again, the rest load.
    const victim = path.join(dir, scans(dir)[0]!);
    writeFileSync(victim, readFileSync(victim).subarray(0, 60));
    const third = new ChunkMatcher(init);
    expect(jobs.map((j) => hitsOf(third, j))).toEqual(want);
    expect(third.automata.store!.scansSaved).toBe(1);
    expect(third.automata.store!.scansLoaded).toBe(kept - 1);
  });

  it('never gives one key the scan kept for another, even under its name', () => {
    const dir = path.join(tmp, 'names');
    const store = new AutomatonStore(dir);
    const scan = {
      literalKey: 'abc',
      ownStart: Int32Array.of(0, 1),
      ownPos: Int32Array.of(0),
      ownBit: Int32Array.of(1),
      ownAnchor: Int32Array.of(0),
      need: Int32Array.of(1),
      always: [] as number[],
      length: Int32Array.of(3),
    };
    store.saveScan('key one', scan);
    const [one] = scans(dir);
    store.saveScan('key two', { ...scan, literalKey: 'xyz' });
    const two = scans(dir).find((n) => n !== one)!;
    expect(store.loadScan('key one')?.literalKey).toBe('abc');
    expect(store.loadScan('key two')?.literalKey).toBe('xyz');
    copyFileSync(path.join(dir, two), path.join(dir, one!));
    expect(store.loadScan('key one')).toBeUndefined();
    expect(store.loadScan('key three')).toBeUndefined();
  });

  it('decodes what it encodes, keys of any text included, and refuses parts that do not fit', () => {
    const scan = {
      literalKey: 'a\u0000\ud800b\u0000c',
      ownStart: Int32Array.of(0, 1, 3, 3),
      ownPos: Int32Array.of(0, 1, 0),
      ownBit: Int32Array.of(1, 1, 2),
      ownAnchor: Int32Array.of(0, 2, 0),
      need: Int32Array.of(3, 1),
      always: [1],
      length: Int32Array.of(1, 2, 1),
    };
    const payload = (s: typeof scan): Buffer => Buffer.concat(encodeScan(s));
    const back = decodeScan(payload(scan));
    const { length: _length, ...arrays } = scan;
    expect(back).toEqual({ ...arrays, always: Int32Array.of(1), literalCount: 3 });
    // A raw form's byte-string literals (kept one byte a character) come back the same too.
    const bytes = { ...scan, literalKey: 'a\u0000\u00ffb\u0000\\' };
    expect(decodeScan(payload(bytes))?.literalKey).toBe(bytes.literalKey);
    const good = payload(scan);
    expect(decodeScan(good.subarray(0, good.length - 2))).toBeUndefined();
    expect(decodeScan(Buffer.concat([good, Buffer.alloc(4)]))).toBeUndefined();
    expect(decodeScan(Buffer.alloc(3))).toBeUndefined();
    // A position outside the gate, owners past the end, a literal count that disagrees.
    expect(decodeScan(payload({ ...scan, ownPos: Int32Array.of(0, 2, 0) }))).toBeUndefined();
    expect(decodeScan(payload({ ...scan, always: [-1] }))).toBeUndefined();
    expect(decodeScan(payload({ ...scan, ownStart: Int32Array.of(0, 1, 3, 2) }))).toBeUndefined();
    expect(decodeScan(payload({ ...scan, length: Int32Array.of(1, 2) }))).toBeUndefined();
  });

  it('keys entries without ambiguity', () => {
    const key = (entries: { clauses: string[][]; pos: number }[], form: 'json' | 'xml' | 'plain' = 'json') =>
      scanKey(entries, form);
    const keys = [
      key([{ clauses: [['ab', 'c']], pos: 0 }]),
      key([{ clauses: [['a', 'bc']], pos: 0 }]),
      key([{ clauses: [['a'], ['bc']], pos: 0 }]),
      key([{ clauses: [['a', 'bc']], pos: 1 }]),
      key([{ clauses: [['a', 'bc']], pos: 0 }], 'plain'),
      key([{ clauses: [['a:1:b']], pos: 0 }]),
      key([{ clauses: [['a'], ['b']], pos: 0 }]),
      key([
        { clauses: [['a']], pos: 0 },
        { clauses: [['b']], pos: 0 },
      ]),
      key([]),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(key([{ clauses: [['ab', 'c']], pos: 0 }])).toBe(keys[0]);
  });
});
