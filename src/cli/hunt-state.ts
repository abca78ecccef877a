import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CarriedWindows } from '../engine/index.js';
import type { InputFile } from '../input/index.js';
import {
  acquireLock,
  type FileCheckpoint,
  fingerprint,
  isCheckpoint,
  readState,
  resumeDecision,
  type StateFile,
  writeState,
} from '../state/index.js';

/** What a scheduled run carries to the next one besides per-file offsets. */
export interface PendingState {
  windows: CarriedWindows;
  /** Ids of correlation / sequence hits already written whose windows are still open. */
  emitted: string[];
}

interface Tracked {
  key: string;
  base: Omit<FileCheckpoint, 'offset' | 'line'>;
  offset: number;
  line: number;
}

/**
 * A `--state FILE` session: holds the lock, decides where each file resumes, follows how far each
 * file has been scanned, and writes the new state (atomically) when asked — after the hits it covers
 * were written.
 */
export class StateSession {
  private readonly tracked = new Map<InputFile, Tracked>();

  private constructor(
    private readonly path: string,
    private readonly state: StateFile,
    readonly release: () => Promise<void>,
  ) {}

  static async open(path: string): Promise<StateSession> {
    const release = await acquireLock(path);
    try {
      return new StateSession(path, await readState(path), release);
    } catch (err) {
      await release();
      throw err;
    }
  }

  get pending(): PendingState | undefined {
    const p = this.state.pending as PendingState | undefined;
    return p && Array.isArray(p.emitted) && p.windows ? p : undefined;
  }

  /**
   * Where to start reading `file`, plus a note for the user when a file was replaced or shrank.
   * Standard input is never checkpointed.
   */
  async startFor(file: InputFile): Promise<{ start?: { offset: number; line: number }; note?: string }> {
    if (file.path === '-') return {};
    const key = resolve(file.path);
    const entry: unknown = Object.hasOwn(this.state.files, key) ? this.state.files[key] : undefined;
    const prev = isCheckpoint(entry) ? entry : undefined;
    const [st, fp, decision] = await Promise.all([
      stat(file.path),
      fingerprint(file.path),
      resumeDecision(file.path, prev),
    ]);
    const base = { size: st.size, mtimeMs: st.mtimeMs, fingerprint: fp.hash, fingerprintBytes: fp.bytes };
    if (entry !== undefined && prev === undefined) {
      this.tracked.set(file, { key, base, offset: 0, line: 1 });
      return { note: 'its entry in the state file is not one spoor wrote: scanning it from the start' };
    }
    switch (decision.action) {
      case 'unchanged':
      case 'appended':
        this.tracked.set(file, { key, base, ...decision.from });
        return { start: decision.from };
      case 'replaced':
        this.tracked.set(file, { key, base, offset: 0, line: 1 });
        return { note: 'replaced, rotated or truncated since the last run: scanning it from the start' };
      case 'shrunk':
        this.tracked.set(file, { key, base, offset: 0, line: 1 });
        return { note: 'shrank since the last run: scanning it again from the start' };
      default:
        this.tracked.set(file, { key, base, offset: 0, line: 1 });
        return {};
    }
  }

  /** Records that everything in `file` before `end` has been scanned and its hits handled. */
  advance(file: InputFile, end: { offset: number; line: number }): void {
    const t = this.tracked.get(file);
    if (t && end.offset >= t.offset) {
      t.offset = end.offset;
      t.line = end.line;
    }
  }

  /** Writes the new state: call only once the hits it covers are durably written. */
  async save(pending: PendingState): Promise<void> {
    for (const t of this.tracked.values())
      this.state.files[t.key] = { ...t.base, offset: t.offset, line: t.line };
    this.state.pending = pending;
    await writeState(this.path, this.state);
  }
}
