import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScratch } from '../../src/common/index.js';

describe('readScratch', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'spoor-scratch-'));
  const write = (name: string, bytes: Buffer): string => {
    const f = path.join(dir, name);
    writeFileSync(f, bytes);
    return f;
  };

  it('gives the bytes readFileSync gives, for files smaller and larger than the last one', () => {
    const sizes = [0, 1, 65535, 65536, 65537, 3 * 65536 + 17, 100, 1 << 20];
    sizes.forEach((n, i) => {
      const bytes = Buffer.alloc(n);
      for (let j = 0; j < n; j++) bytes[j] = (j * 31 + i) & 0xff;
      const f = write(`f${i}.bin`, bytes);
      const got = readScratch(f);
      expect(got.length).toBe(n);
      expect(Buffer.compare(got, readFileSync(f))).toBe(0);
    });
  });

  it('throws as readFileSync does for a missing file', () => {
    expect(() => readScratch(path.join(dir, 'absent.bin'))).toThrow(/ENOENT/);
  });
});
