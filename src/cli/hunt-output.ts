import { levelRank } from '../common/index.js';
import { SpillSorter } from '../engine/index.js';
import {
  createSink,
  type HitRecord,
  type HitSink,
  layoutOnly,
  type OutputFile,
  openOutputFile,
  SummaryAccumulator,
} from '../output/index.js';
import { HELD_HITS } from './held-hits.js';
import { compareHits } from './hits.js';
import type { HuntOptions } from './hunt.js';
import type { Io } from './io.js';

/**
 * Where a hunt's hits go: the sink (stdout or `-o FILE` through a temporary file), `--dedup`,
 * `--fail-on`, the summary counts, and with `--sort time` the hits held until the end and sorted
 * (with bounded memory: past a size, sorted runs go to temporary files).
 */
export class HitWriter {
  readonly summary = new SummaryAccumulator();
  duplicates = 0;
  count = 0;
  failHit = false;
  private readonly seen = new Set<string>();
  /** With `--sort time`: the hits, sorted in memory and in runs on disk past a size (held-hits.ts). */
  private readonly held = new SpillSorter<HitRecord>(compareHits, undefined, HELD_HITS);

  private constructor(
    private readonly opts: HuntOptions,
    private readonly sink: HitSink,
    readonly file: OutputFile | undefined,
  ) {}

  /** Opens the output; a message instead when `-o FILE` cannot be created. */
  static open(opts: HuntOptions, io: Io): HitWriter | string {
    let file: OutputFile | undefined;
    try {
      file = opts.output ? openOutputFile(opts.output, { append: opts.append }) : undefined;
    } catch (err) {
      return `${opts.output}: ${err instanceof Error ? err.message : String(err)}`;
    }
    const sink = createSink(opts.format, file ? file.stream : io.stdout, {
      color: opts.color && !file,
      width: io.columns,
      timezone: opts.timezone,
      abbrev: opts.abbrev,
      header: !(file && file.existingBytes > 0),
    });
    return new HitWriter(opts, sink, file);
  }

  /** Whether emitted hits are kept (to sort them at the end); otherwise their bytes are copied out. */
  get holdsHits(): boolean {
    return this.opts.sort === 'time';
  }

  async emit(h: HitRecord): Promise<void> {
    if (this.opts.dedup) {
      if (this.seen.has(h.hit_id)) {
        this.duplicates++;
        return;
      }
      this.seen.add(h.hit_id);
    }
    this.summary.add(h);
    this.count++;
    if (this.opts.failOn && levelRank(h.level) >= levelRank(this.opts.failOn)) this.failHit = true;
    // The table and CSV show a hit's details, not its event's fields: those are not held.
    if (this.holdsHits)
      this.held.push(this.opts.format === 'table' || this.opts.format === 'csv' ? layoutOnly(h) : h);
    else await this.write(h);
  }

  private async write(h: HitRecord): Promise<void> {
    this.sink.write(h);
    if (this.sink.backlogged) await this.sink.drain();
  }

  /**
   * Writes what is held (sorted), ends the sink and commits the output file — or, when the hunt was
   * interrupted, leaves an existing file as it was (what was found so far went to stdout, if anywhere).
   * Throws when the output could not be written; the temporary file is gone then.
   */
  async close(interrupted: boolean): Promise<void> {
    try {
      for await (const h of this.held.drain()) await this.write(h);
      await this.sink.end();
      if (this.file && interrupted) await this.file.abort();
      else if (this.file) await this.file.commit();
    } catch (err) {
      this.held.discard();
      await this.file?.abort();
      throw err;
    }
  }

  async abort(): Promise<void> {
    this.held.discard();
    await this.file?.abort();
  }
}
