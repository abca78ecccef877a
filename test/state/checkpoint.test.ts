import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyState, fingerprint, readState, resumeDecision, writeState } from '../../src/state/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spoor-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function checkpointOf(path: string, offset: number) {
  const fp = await fingerprint(path);
  const { stat } = await import('node:fs/promises');
  const st = await stat(path);
  return {
    size: st.size,
    mtimeMs: st.mtimeMs,
    fingerprint: fp.hash,
    fingerprintBytes: fp.bytes,
    offset,
    line: 3,
  };
}

describe('state file', () => {
  it('round-trips through a durable write and treats a missing file as empty', async () => {
    const p = join(dir, 'state.json');
    expect(await readState(p)).toEqual(emptyState());
    const s = emptyState();
    s.files['a.xml'] = { size: 10, mtimeMs: 1, fingerprint: 'ab', fingerprintBytes: 10, offset: 7, line: 2 };
    await writeState(p, s);
    const back = await readState(p);
    expect(back.files['a.xml']?.offset).toBe(7);
    expect(Object.getPrototypeOf(back.files)).toBeNull();
  });

  it('names the file when it is not a state file', async () => {
    const p = join(dir, 'bad.json');
    await writeFile(p, '{not json');
    await expect(readState(p)).rejects.toThrow(/bad\.json: not a spoor state file/);
    await writeFile(p, '{"version":7}');
    await expect(readState(p)).rejects.toThrow(/unknown version/);
  });
});

describe('resume decisions', () => {
  it('new, unchanged, appended, replaced and shrunk files', async () => {
    const f = join(dir, 'log.ndjson');
    await writeFile(f, '{"a":1}\n{"a":2}\n');
    expect((await resumeDecision(f, undefined)).action).toBe('new');
    const cp = await checkpointOf(f, 16);
    expect(await resumeDecision(f, cp)).toEqual({ action: 'unchanged', from: { offset: 16, line: 3 } });
    await appendFile(f, '{"a":3}\n');
    expect(await resumeDecision(f, cp)).toEqual({ action: 'appended', from: { offset: 16, line: 3 } });
    await writeFile(f, '{"b":1}\n{"b":2}\n{"b":3}\n');
    expect((await resumeDecision(f, cp)).action).toBe('replaced');
    // Cut inside the fingerprinted head: it can no longer be told from a new file.
    await writeFile(f, '{"a":1}\n');
    expect((await resumeDecision(f, cp)).action).toBe('replaced');
    expect((await readFile(f, 'utf8')).length).toBe(8);
  });

  it('a file that keeps its 64 KiB head but loses its tail has shrunk', async () => {
    const f = join(dir, 'big.ndjson');
    const line = '{"EventID":4624,"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}\n';
    const text = line.repeat(3000);
    await writeFile(f, text);
    const cp = await checkpointOf(f, text.length);
    expect(cp.fingerprintBytes).toBe(64 * 1024);
    await writeFile(f, text.slice(0, 100_000));
    expect((await resumeDecision(f, cp)).action).toBe('shrunk');
  });
});
