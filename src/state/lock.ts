import { open, readFile, unlink } from 'node:fs/promises';

export class LockedError extends Error {
  constructor(
    readonly path: string,
    readonly pid: number,
  ) {
    super(
      `${path} is locked by a running spoor (pid ${pid}); wait for it or remove the lock if that process is gone`,
    );
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<state>.lock`, created exclusively and holding the owner's pid. A lock left by a process that
 * no longer exists is taken over; a live owner makes this throw LockedError. Returns the release function.
 */
export async function acquireLock(statePath: string): Promise<() => Promise<void>> {
  const lockPath = `${statePath}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(lockPath, 'wx');
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await unlink(lockPath).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const text = await readFile(lockPath, 'utf8').catch(() => '');
      const pid = Number.parseInt(text, 10);
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new LockedError(lockPath, pid);
      // Stale (dead owner, or a lock file cut short before its pid was written): take it over.
      await unlink(lockPath).catch(() => undefined);
    }
  }
  throw new Error(`${lockPath}: could not take the lock`);
}
