import { describe, expect, it } from 'vitest';
import { AhoCorasick } from '../../src/engine/prefilter-ac.js';

/** A deterministic generator (xorshift), so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789\\.-_ :é';

function word(next: () => number, min: number, max: number): string {
  const n = min + Math.floor(next() * (max - min + 1));
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return s;
}

/** Every (literal, end) pair a plain search finds, sorted. */
function naive(literals: string[], text: string): string[] {
  const out: string[] = [];
  literals.forEach((lit, id) => {
    for (let at = text.indexOf(lit); at >= 0; at = text.indexOf(lit, at + 1))
      out.push(`${id}@${at + lit.length - 1}`);
  });
  return out.sort();
}

describe('the pre-filter automaton', () => {
  it('finds exactly what a plain search finds, for a list large enough to be built on paged memory', () => {
    const next = rng(20261204);
    // 4,000 literals of up to 12 characters: tens of thousands of states, a trie of several MB.
    const literals = [...new Set(Array.from({ length: 4000 }, () => word(next, 2, 12)))];
    const ac = new AhoCorasick(literals);
    for (let t = 0; t < 40; t++) {
      // Texts made of pieces of literals and noise, so that literals overlap and nest.
      let text = '';
      while (text.length < 400)
        text +=
          next() < 0.6
            ? literals[Math.floor(next() * literals.length)]!.slice(Math.floor(next() * 3))
            : word(next, 1, 6);
      const got: string[] = [];
      ac.scan(text, (id, end) => got.push(`${id}@${end}`));
      expect(got.sort()).toEqual(naive(literals, text));
    }
  });

  it('keeps its tables on shared memory from the start: nothing is copied to share them', () => {
    const ac = new AhoCorasick(['alpha', 'beta', 'gamma'], true);
    const before = ac.toShared();
    const again = ac.toShared();
    expect(again.delta).toBe(before.delta);
    for (const a of [before.delta, before.accept, before.outStart, before.outIds])
      expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
  });
});
