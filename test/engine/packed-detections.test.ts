import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChunkMatcher } from '../../src/engine/chunk-matcher.js';
import { moveDetections, packDetections, unpackDetection } from '../../src/engine/packed-detections.js';
import { compileSigma } from '../../src/engine/sigma-engine.js';
import { loadSigma } from '../../src/sigma/index.js';
import { ROOT, sigmaFixturesJob } from './fixture-job.js';

const loadBundled = async () => (await loadSigma([path.join(ROOT, 'rules')], { cache: false })).rules;

describe('detections packed into shared memory', () => {
  it('decode to what was packed, rule by rule, from shared memory', async () => {
    const rules = await loadBundled();
    const packed = packDetections(rules.map((r) => r.detection));
    expect(packed.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(packed.ends.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(packed.ends.length).toBe(rules.length);
    // A structured clone (a worker's start-up message) shares the bytes instead of copying them.
    const other = structuredClone(packed);
    rules.forEach((r, i) => {
      expect(unpackDetection(packed, i)).toEqual(r.detection);
      expect(unpackDetection(other, i)).toEqual(r.detection);
    });
    expect(() => unpackDetection(packed, rules.length)).toThrow(RangeError);
  });

  it('keep text outside ASCII as it was', () => {
    const d = { selections: [{ name: 'sel', maps: [] }], condition: { t: 'ref', name: 'атака ü 🦊' } };
    const packed = packDetections([d, d] as never);
    expect(unpackDetection(packed, 1)).toEqual(d);
  });

  it('moved off the rules, give a matcher the same hits as the rules with their own', async () => {
    const job = sigmaFixturesJob();
    const own = new ChunkMatcher({ sigma: await loadBundled(), eql: [], filter: {} }).run(job());
    const rules = await loadBundled();
    const { rules: metas, packed } = moveDetections(rules);
    expect(metas[0]).toBe(rules[0]);
    expect(metas.every((r) => !('detection' in r))).toBe(true);
    const moved = new ChunkMatcher({ sigma: metas, detections: packed, eql: [], filter: {} }).run(job());
    const hits = (r: typeof own) => r.hits.map((h) => `${h.rule} ${h.event.src.offset}`);
    expect(hits(own).length).toBeGreaterThan(0);
    expect(hits(moved)).toEqual(hits(own));
  });

  it('are required for a rule that comes without its detection', async () => {
    const { rules: metas } = moveDetections(await loadBundled());
    expect(() => compileSigma(metas)).toThrow(/no detection to compile/);
  });
});

describe('JSON packed into shared memory', () => {
  it('decodes to what was packed, from a structured clone too', async () => {
    const { packJson, unpackJson } = await import('../../src/engine/packed-detections.js');
    const value = {
      sigma: [{ id: 'r1', requirements: [['a', 'ü 🦊']], eventIds: null }],
      render: [null, { t: 1 }],
    };
    const packed = packJson(value);
    expect(packed.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(unpackJson(structuredClone(packed))).toEqual(value);
    expect(unpackJson(packJson(undefined))).toBeNull();
  });
});
