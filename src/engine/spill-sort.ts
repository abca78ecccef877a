import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunLines } from './run-lines.js';

/** Records kept in memory before a sorted run is written to disk (`SPOOR_SPILL_RECORDS` overrides). */
export const DEFAULT_SPILL_RECORDS = 200_000;

/** Characters of a run written to its file at a time. */
const SPILL_PIECE_CHARS = 1 << 20;

/** `text` to the file, in UTF-8, however many writes it takes. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
}

function spillLimit(): number {
  const n = Number(process.env.SPOOR_SPILL_RECORDS);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_SPILL_RECORDS;
}

/** How a SpillSorter bounds and writes records whose size varies. */
export interface SpillOptions<T> {
  /** A bound by size as well as by count: a record's cost, in any unit (characters of text, say)… */
  weigh?: (item: T) => number;
  /** …and the held records' total cost at which a sorted run is written out. */
  budget?: number;
  /** A record as one line of text (no line break in it) and back; JSON by default. */
  encode?: (item: T) => string;
  decode?: (line: string) => T;
}

interface Source<T> {
  head: T | undefined;
  next(): Promise<void>;
}

/**
 * Sorts an unbounded stream of JSON-serialisable records with bounded memory: records are kept in
 * memory up to a limit (a count, and with `options.weigh` a total cost too), then sorted and written to a
 * temporary file as one run; `drain` merges the runs and what is left in memory, in order, and
 * removes the files. Records must survive a JSON round trip (no NaN, no undefined that matters), or
 * the round trip of `options.encode` and `options.decode`.
 */
export class SpillSorter<T> {
  private buffer: T[] = [];
  private readonly runs: string[] = [];
  private dir: string | undefined;
  private count = 0;
  private held = 0;

  constructor(
    private readonly compare: (a: T, b: T) => number,
    private readonly limit = spillLimit(),
    private readonly options: SpillOptions<T> = {},
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
    const { weigh, budget = Number.POSITIVE_INFINITY } = this.options;
    if (weigh !== undefined) this.held += weigh(item);
    if (this.buffer.length >= this.limit || this.held >= budget) this.spill();
  }

  private spill(): void {
    this.buffer.sort(this.compare);
    this.dir ??= mkdtempSync(join(tmpdir(), 'spoor-sort-'));
    const path = join(this.dir, `run-${this.runs.length}.jsonl`);
    // Written a piece at a time: the run's text whole, with its lines and its UTF-8 bytes, would
    // be three more copies of what is held (a one-thread hunt with Elastic's rules peaked 110 MiB
    // higher at its first spill).
    const fd = openSync(path, 'w');
    try {
      const encode = this.options.encode ?? JSON.stringify;
      let piece = '';
      for (const item of this.buffer) {
        piece += `${encode(item)}\n`;
        if (piece.length >= SPILL_PIECE_CHARS) {
          writeAll(fd, piece);
          piece = '';
        }
      }
      if (piece !== '') writeAll(fd, piece);
    } finally {
      closeSync(fd);
    }
    this.runs.push(path);
    this.buffer = [];
    this.held = 0;
  }

  /** Drops every record pushed and removes the runs' files (when the records will not be read). */
  discard(): void {
    this.buffer = [];
    this.count = 0;
    this.held = 0;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.runs.length = 0;
  }

  /** Every record pushed, in order; the sorter is empty (and its files gone) afterwards. */
  async *drain(): AsyncGenerator<T> {
    this.buffer.sort(this.compare);
    const memory = this.buffer;
    this.buffer = [];
    this.count = 0;
    this.held = 0;
    if (this.runs.length === 0) {
      yield* memory;
      return;
    }
    const decode = this.options.decode ?? ((line: string) => JSON.parse(line) as T);
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
    const readers: RunLines[] = [];
    for (const path of this.runs) {
      const lines = new RunLines(path);
      readers.push(lines);
      const src: Source<T> = {
        head: undefined,
        next: async () => {
          for (;;) {
            const line = lines.next();
            if (line === undefined) {
              src.head = undefined;
              return;
            }
            if (line !== '') {
              src.head = decode(line);
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
      for (const r of readers) r.close();
      if (this.dir) rmSync(this.dir, { recursive: true, force: true });
      this.dir = undefined;
      this.runs.length = 0;
    }
  }
}
