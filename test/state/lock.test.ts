import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, LockedError } from '../../src/state/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spoor-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('state lock', () => {
  it('lets exactly one holder in and names the owner pid', async () => {
    const state = join(dir, 'state.json');
    const release = await acquireLock(state);
    expect(await readFile(`${state}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    const second = acquireLock(state);
    await expect(second).rejects.toBeInstanceOf(LockedError);
    await expect(acquireLock(state)).rejects.toThrow(new RegExp(`pid ${process.pid}`));
    await release();
    const again = await acquireLock(state);
    await again();
  });

  it('takes over a lock whose owner is dead', async () => {
    const state = join(dir, 'state.json');
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    await writeFile(`${state}.lock`, `${deadPid}\n`);
    const release = await acquireLock(state);
    expect(await readFile(`${state}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    await release();
  });
});
