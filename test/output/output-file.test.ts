import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSink, FILE_WRITE_AHEAD, openOutputFile } from '../../src/output/index.js';
import { makeHit } from './hits.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'spoor-output-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('openOutputFile', () => {
  it('takes a megabyte of writes ahead before it asks the writer to wait', async () => {
    const target = join(dir, 'big.jsonl');
    const file = openOutputFile(target);
    const piece = Buffer.alloc(64 * 1024, 0x61);
    // Node's default for a file stream is 16 KiB: the first 64 KiB write would already say wait.
    let writes = 0;
    while (file.stream.write(piece)) writes++;
    expect(FILE_WRITE_AHEAD).toBe(1 << 20);
    expect(writes).toBe(FILE_WRITE_AHEAD / piece.length - 1);
    await file.commit();
    expect(readFileSync(target).length).toBe((writes + 1) * piece.length);
  });

  it('writes to a temporary name beside the target and renames it on commit', async () => {
    const target = join(dir, 'hits.jsonl');
    const file = openOutputFile(target);
    const sink = createSink('jsonl', file.stream, { color: false, width: 0, abbrev: true });
    sink.write(makeHit());
    sink.write(makeHit({ hitId: 'b' }));
    await sink.end();
    expect(existsSync(target)).toBe(false);
    const temps = readdirSync(dir);
    expect(temps).toHaveLength(1);
    expect(temps[0]).toMatch(/^\.hits\.jsonl\.[0-9a-f]+\.spoor-tmp$/);
    await file.commit();
    expect(readdirSync(dir)).toEqual(['hits.jsonl']);
    const lines = readFileSync(target, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).hit_id)).toEqual(['9f3c0a1b2c3d4e5f', 'b']);
  });

  it('replaces an existing file only on commit, and leaves it alone on abort', async () => {
    const target = join(dir, 'hits.csv');
    writeFileSync(target, 'previous run\n');
    const aborted = openOutputFile(target);
    aborted.stream.write('half a run');
    await aborted.abort();
    expect(readFileSync(target, 'utf8')).toBe('previous run\n');
    expect(readdirSync(dir)).toEqual(['hits.csv']);
    await aborted.abort();
    await expect(aborted.commit()).rejects.toThrow(/already aborted/);

    const committed = openOutputFile(target);
    committed.stream.write('new run\n');
    await committed.commit();
    expect(readFileSync(target, 'utf8')).toBe('new run\n');
  });

  it('fails at once when the directory does not exist', () => {
    expect(() => openOutputFile(join(dir, 'missing', 'hits.json'))).toThrow(/ENOENT/);
  });

  it('fails at once, saying so, when the path is a directory, and writes nothing beside it', () => {
    for (const append of [false, true])
      expect(() => openOutputFile(dir, { append })).toThrow(
        `is a directory: name a file to write (for example -o ${join(dir, 'hits.jsonl')})`,
      );
    expect(readdirSync(dir)).toEqual([]);
    const own = `.${dir.split('/').pop()}.`;
    expect(readdirSync(join(dir, '..')).filter((n) => n.startsWith(own))).toEqual([]);
  });
});
