import { describe, expect, it } from 'vitest';
import { orderedPieces, orderedTest } from '../../src/engine/ordered-pieces.js';

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('A.*B.*C patterns answered without backtracking', () => {
  it('recognises only plain pieces joined by .*', () => {
    expect(orderedPieces('\\+.*\\+.*\\+', '')).toEqual(['+', '+', '+']);
    expect(orderedPieces('`.*`.*`', '')).toEqual(['`', '`', '`']);
    expect(orderedPieces('ab.*c\\.d', 's')).toEqual(['ab', 'c.d']);
    for (const [source, flags] of [
      ['abc', ''], // no .* at all: the pre-filter literal already covers it
      ['a.*b', 'i'],
      ['a.*b', 'u'],
      ['^a.*b', ''],
      ['a.*b$', ''],
      ['a.*?b', ''],
      ['a\\.*b', ''], // a, any number of dots, b
      ['a.*\\d', ''],
      ['.*a', ''],
      ['a.*', ''],
      ['(a).*b', ''],
      ['[ab].*c', ''],
      ['a+.*b', ''],
      ['a{2}.*b', ''],
      ['a|c.*b', ''],
    ] as const) {
      expect(orderedPieces(source, flags), `${source} /${flags}`).toBeUndefined();
    }
  });

  it('agrees with RegExp on random text, line breaks included', () => {
    const sources = [
      '\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+',
      '\\{.*\\{.*\\{',
      '\\^.*\\^.*\\^.*\\^.*\\^',
      'ab.*ba.*ab',
      'a.*a',
      'x\\\\.*y',
    ];
    const alphabet = ['+', '{', '^', 'a', 'b', 'x', 'y', '\\', '\n', '\r', '\u2028', ' '];
    const next = rng(42);
    let matched = 0;
    for (const source of sources) {
      for (const flags of ['', 's']) {
        const pieces = orderedPieces(source, flags);
        expect(pieces, source).toBeDefined();
        const fast = orderedTest(pieces!, flags);
        const rx = new RegExp(source, flags);
        for (let n = 0; n < 3000; n++) {
          const len = Math.floor(next() * 40);
          let text = '';
          for (let i = 0; i < len; i++) text += alphabet[Math.floor(next() * alphabet.length)];
          const want = rx.test(text);
          if (want) matched++;
          expect(fast(text), `${JSON.stringify(source)} /${flags} on ${JSON.stringify(text)}`).toBe(want);
        }
      }
    }
    // Both answers occur, so the comparison means something.
    expect(matched).toBeGreaterThan(1000);
  });
});
