import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moveDetections, unpackDetection } from '../../src/engine/packed-detections.js';
import { detachDetection, loadSigma } from '../../src/sigma/index.js';
import { cacheDir } from '../../src/sigma/ir-cache.js';

const bundled = path.resolve(__dirname, '../../rules/sigma');

describe('rule IR cache', () => {
  let cache: string;
  let rules: string;
  const saved = { dir: process.env.SPOOR_CACHE_DIR, flag: process.env.SPOOR_RULE_CACHE };

  beforeEach(() => {
    cache = mkdtempSync(path.join(tmpdir(), 'spoor-cache-'));
    rules = mkdtempSync(path.join(tmpdir(), 'spoor-rules-'));
    cpSync(bundled, rules, { recursive: true });
    process.env.SPOOR_CACHE_DIR = cache;
    delete process.env.SPOOR_RULE_CACHE;
  });
  afterEach(() => {
    if (saved.dir === undefined) delete process.env.SPOOR_CACHE_DIR;
    else process.env.SPOOR_CACHE_DIR = saved.dir;
    if (saved.flag === undefined) delete process.env.SPOOR_RULE_CACHE;
    else process.env.SPOOR_RULE_CACHE = saved.flag;
  });

  const entries = () => readdirSync(cache).filter((n) => n.endsWith('.bin'));

  it('stores the IR once and gives the same rules back', async () => {
    const fresh = await loadSigma([rules], { cache: false });
    expect(entries()).toEqual([]);
    const first = await loadSigma([rules]);
    expect(entries().length).toBe(1);
    const second = await loadSigma([rules]);
    expect(first).toEqual(fresh);
    expect(second).toEqual(fresh);
    expect(second.rules.length).toBeGreaterThan(20);
  });

  it('keeps detections as text until read, and a hunt packs that text as it is', async () => {
    const fresh = await loadSigma([rules], { cache: false });
    await loadSigma([rules]);
    const cached = await loadSigma([rules]);
    const [a, b] = [cached.rules[0]!, cached.rules[1]!];
    // Not decoded yet: an accessor stands for the detection.
    expect(Object.getOwnPropertyDescriptor(a, 'detection')?.get).toBeTypeOf('function');
    expect(a.detection).toEqual(fresh.rules[0]!.detection);
    // Read once, it is a plain property, and what is detached is what was read (changes included).
    expect(Object.getOwnPropertyDescriptor(a, 'detection')?.value).toBe(a.detection);
    a.detection.condition = { t: 'ref', name: 'changed' } as never;
    expect(JSON.parse(detachDetection(a)).condition).toEqual({ t: 'ref', name: 'changed' });
    expect('detection' in a).toBe(false);
    // Set before it was read: the value set.
    const c = cached.rules[2]!;
    c.detection = fresh.rules[0]!.detection;
    expect(JSON.parse(detachDetection(c))).toEqual(fresh.rules[0]!.detection);
    // Never read: its stored text, and nothing left on the rule.
    expect(JSON.parse(detachDetection(b))).toEqual(fresh.rules[1]!.detection);
    expect('detection' in b).toBe(false);
    const again = await loadSigma([rules]);
    const { rules: metas, packed } = moveDetections(again.rules);
    expect(metas.every((r) => !('detection' in r))).toBe(true);
    expect(packed.ends.length).toBe(fresh.rules.length);
    fresh.rules.forEach((r, i) => {
      expect(unpackDetection(packed, i)).toEqual(r.detection);
    });
  });

  it('is keyed by content and options: an edited rule or another option is loaded afresh', async () => {
    await loadSigma([rules]);
    const p = readdirSync(rules, { recursive: true, withFileTypes: true })
      .filter((e) => e.name.endsWith('.yml'))
      .map((e) => path.join(e.parentPath, e.name))
      .find((f) => !readFileSync(f, 'utf8').includes('correlation:'))!;
    writeFileSync(p, readFileSync(p, 'utf8').replace(/^title: .*$/m, 'title: Edited title'));
    const edited = await loadSigma([rules]);
    expect(edited.rules.some((r) => r.title === 'Edited title')).toBe(true);
    await loadSigma([rules], { ignoreLogsource: true });
    expect(entries().length).toBe(3);
  });

  it('ignores a corrupt or truncated entry and replaces it', async () => {
    const fresh = await loadSigma([rules], { cache: false });
    await loadSigma([rules]);
    const entry = path.join(cache, entries()[0]!);
    const bytes = readFileSync(entry);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10]! + 1) & 0xff;
    writeFileSync(entry, bytes);
    expect(await loadSigma([rules])).toEqual(fresh);
    writeFileSync(entry, bytes.subarray(0, 40));
    expect(await loadSigma([rules])).toEqual(fresh);
    expect(readFileSync(entry).length).toBeGreaterThan(40);
  });

  it('survives concurrent writers and leaves no temporary files', async () => {
    const fresh = await loadSigma([rules], { cache: false });
    const all = await Promise.all([1, 2, 3, 4].map(() => loadSigma([rules])));
    for (const r of all) expect(r).toEqual(fresh);
    expect(readdirSync(cache).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(entries().length).toBe(1);
  });

  it('can be turned off, and lives under XDG_CACHE_HOME or ~/.cache otherwise', async () => {
    process.env.SPOOR_RULE_CACHE = 'off';
    await loadSigma([rules]);
    expect(entries()).toEqual([]);
    expect(cacheDir({ SPOOR_RULE_CACHE: 'off' })).toBeUndefined();
    expect(cacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe(path.join('/x/cache', 'spoor'));
    expect(cacheDir({ XDG_CACHE_HOME: 'relative' })).toMatch(/\.cache[/\\]spoor$/);
  });
});
