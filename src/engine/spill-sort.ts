import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** Records kept in memory before a sorted run is written to disk (`SPOOR_SPILL_RECORDS` overrides). */
export const DEFAULT_SPILL_RECORDS = 200_000;

function spillLimit(): number {
  const n = Number(process.env.SPOOR_SPILL_RECORDS);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_SPILL_RECORDS;
}

interface Source<T> {
  head: T | undefined;
  next(): Promise<void>;
}

/**
 * Sorts an unbounded stream of small JSON-serialisable records with bounded memory: records are kept
 * in memory up to a limit, then sorted and written to a temporary file as one run; `drain` merges the
 * runs and what is left in memory, in order, and removes the files. Records must survive a JSON round
 * trip (no NaN, no undefined that matters).
 */
export class SpillSorter<T> {
  private buffer: T[] = [];
  private readonly runs: string[] = [];
  private dir: string | undefined;
  private count = 0;

  constructor(
    private readonly compare: (a: T, b: T) => number,
    private readonly limit = spillLimit(),
  ) {}

  get size(): number {
    return this.count;
  }

  /** How many sorted runs went to disk. */
  get spilledRuns(): number {
    return this.runs.length;
  }

  push(item: T): void {
    this.buffer.push(item);
    this.count++;
    if (this.buffer.length >= this.limit) this.spill();
  }

  private spill(): void {
    this.buffer.sort(this.compare);
    this.dir ??= mkdtempSync(join(tmpdir(), 'spoor-sort-'));
    const path = join(this.dir, `run-${this.runs.length}.jsonl`);
    const lines: string[] = [];
    for (const item of this.buffer) lines.push(JSON.stringify(item));
    writeFileSync(path, `${lines.join('\n')}\n`);
    this.runs.push(path);
    this.buffer = [];
  }

  /** Every record pushed, in order; the sorter is empty (and its files gone) afterwards. */
  async *drain(): AsyncGenerator<T> {
    this.buffer.sort(this.compare);
    const memory = this.buffer;
    this.buffer = [];
    this.count = 0;
    if (this.runs.length === 0) {
      yield* memory;
      return;
    }
    const sources: Source<T>[] = [];
    let i = 0;
    const mem: Source<T> = {
      head: memory[0],
      next: async () => {
        i++;
        mem.head = memory[i];
      },
    };
    sources.push(mem);
    const closers: (() => void)[] = [];
    for (const path of this.runs) {
      const rl = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
      const it = rl[Symbol.asyncIterator]();
      closers.push(() => rl.close());
      const src: Source<T> = {
        head: undefined,
        next: async () => {
          for (;;) {
            const r = await it.next();
            if (r.done) {
              src.head = undefined;
              return;
            }
            if (r.value !== '') {
              src.head = JSON.parse(r.value) as T;
              return;
            }
          }
        },
      };
      await src.next();
      sources.push(src);
    }
    try {
      for (;;) {
        let best: Source<T> | undefined;
        for (const s of sources) {
          if (s.head !== undefined && (best === undefined || this.compare(s.head, best.head as T) < 0))
            best = s;
        }
        if (!best) break;
        const item = best.head as T;
        await best.next();
        yield item;
      }
    } finally {
      for (const c of closers) c();
      if (this.dir) rmSync(this.dir, { recursive: true, force: true });
      this.dir = undefined;
      this.runs.length = 0;
    }
  }
}
