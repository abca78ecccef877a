import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEntry, writeEntry } from '../../src/common/index.js';

describe('cache entries', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'spoor-entries-'));

  it('writes a payload given in parts as the one written whole', () => {
    const parts = [
      Buffer.from('head'),
      new Uint8Array([0, 1, 2, 255]),
      new Uint8Array(0),
      Buffer.alloc(70_000, 7),
    ];
    expect(writeEntry(dir, 'parts.bin', 'test-1\n', parts)).toBe(true);
    expect(writeEntry(dir, 'whole.bin', 'test-1\n', Buffer.concat(parts))).toBe(true);
    const a = readFileSync(path.join(dir, 'parts.bin'));
    expect(Buffer.compare(a, readFileSync(path.join(dir, 'whole.bin')))).toBe(0);
    expect(Buffer.compare(openEntry(a, 'test-1\n')!, Buffer.concat(parts))).toBe(0);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('says false, and leaves nothing behind, when the folder cannot be written', () => {
    const file = path.join(dir, 'parts.bin');
    expect(writeEntry(path.join(file, 'sub'), 'x.bin', 'test-1\n', [Buffer.from('x')])).toBe(false);
  });
});
