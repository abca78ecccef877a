/**
 * How many bytes a file stream takes before it asks the writer to wait (its highWaterMark; Node's
 * default is 16 KiB). A file is written through libuv's thread pool, and each of the writer's 64 KiB
 * flushes filled a 16 KiB stream at once, so every flush waited a round trip through the pool before
 * the next hit: a one-thread hunt with SigmaHQ's rules over 150 MB of NDJSON, writing 58 MB of JSON
 * lines to a file, sat idle 260-280 ms; with 1 MiB, 46-52 ms. Pipes and terminals write at once
 * when they can and keep Node's default (no difference measured through a pipe).
 */
export const FILE_WRITE_AHEAD = 1 << 20;

const FLUSH_AT = 64 * 1024;
/** Room for the bytes pushed between two writes (a flush comes at FLUSH_AT, or one piece is larger). */
const STAGE_BYTES = 2 * FLUSH_AT;
/** Written stages kept for use again: as many as a file stream holds writes at once, and a few more. */
const MAX_SPARE = FILE_WRITE_AHEAD / FLUSH_AT + 4;

function isBrokenPipe(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EPIPE';
}

/**
 * Text to a writable stream in batches: pieces are joined and written when 64 KiB have gathered or
 * at the next turn of the event loop, whichever comes first. The stream's backpressure is exposed
 * (`backlogged`, `drain()`), and a reader that goes away (EPIPE, as with `| head`) silently stops
 * the output instead of failing the scan. The writer never ends the stream: its owner does.
 */
export class BufferedWriter {
  private readonly out: NodeJS.WritableStream;
  private pending: (string | Uint8Array)[] = [];
  /** Whether some pending piece is bytes (then they are joined as bytes). */
  private bytes = false;
  private pendingLength = 0;
  private scheduled = false;
  private waitingForDrain = false;
  private error: unknown;
  private broken = false;
  /** Where pushed bytes are copied until written (pending views point into it). */
  private stage: Buffer | undefined;
  private staged = 0;
  /** Whether the pending pieces are all bytes, in order from the stage's start (then written as is). */
  private direct = true;
  /**
   * Stages the stream has finished writing, for use again: a fresh 128 KiB stage per write left
   * hundreds of C-heap blocks a second to the allocator, freed only when the collector reached
   * their wrappers, and the process's resident memory climbed with them.
   */
  private readonly spare: Buffer[] = [];

  constructor(out: NodeJS.WritableStream) {
    this.out = out;
    out.on('error', (err: unknown) => {
      if (isBrokenPipe(err)) this.broken = true;
      else this.error ??= err;
      this.pending = [];
      this.pendingLength = 0;
      this.staged = 0;
      this.direct = true;
    });
  }

  /** True when the stream has asked to wait; a caller producing fast should `await drain()`. */
  get backlogged(): boolean {
    return this.waitingForDrain || this.pendingLength >= FLUSH_AT;
  }

  /** True once the reader has gone away; further text is dropped. */
  get closed(): boolean {
    return this.broken;
  }

  /**
   * Text, or bytes already encoded as UTF-8. Bytes are copied at once: the caller may use their
   * memory again as soon as this returns (see TextShelf).
   */
  push(text: string | Uint8Array): void {
    if (this.broken || this.error !== undefined) return;
    if (typeof text === 'string') {
      this.direct = false;
      this.pending.push(text);
      this.pendingLength += text.length;
    } else {
      this.pending.push(this.copy(text));
      this.pendingLength += text.byteLength;
      this.bytes = true;
    }
    if (this.pendingLength >= FLUSH_AT) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** `b` copied into the stage (a new stage when it is full: the old one's views stay valid). */
  private copy(b: Uint8Array): Buffer {
    let stage = this.stage;
    if (stage === undefined || this.staged + b.byteLength > stage.length) {
      if (this.pending.length > 0) this.direct = false;
      stage =
        (b.byteLength <= STAGE_BYTES ? this.spare.pop() : undefined) ??
        Buffer.allocUnsafeSlow(Math.max(STAGE_BYTES, b.byteLength));
      this.stage = stage;
      this.staged = 0;
    }
    const at = this.staged;
    stage.set(b, at);
    this.staged += b.byteLength;
    return stage.subarray(at, this.staged);
  }

  /**
   * The pending pieces as one string or buffer, and nothing pending after; `stage` is the stage
   * when it was handed on as the chunk itself.
   */
  private joined(): { chunk: string | Buffer; stage: Buffer | undefined } {
    const p = this.pending;
    let out: string | Buffer;
    let handed: Buffer | undefined;
    if (this.bytes && this.direct && this.stage !== undefined) {
      // The stage already holds the batch as it is to be written: it goes to the stream (which owns
      // it from now on) instead of being copied once more; the next bytes get a new stage.
      handed = this.stage;
      out = handed.subarray(0, this.staged);
      this.stage = undefined;
    } else {
      out = this.bytes
        ? Buffer.concat(p.map((x) => (typeof x === 'string' ? Buffer.from(x, 'utf8') : x)))
        : (p as string[]).join('');
    }
    this.pending = [];
    this.pendingLength = 0;
    this.bytes = false;
    this.direct = true;
    // The pieces were copied out (or the stage handed on): the stage can be filled again.
    this.staged = 0;
    return { chunk: out, stage: handed };
  }

  private flush(): void {
    if (this.pending.length === 0 || this.broken || this.error !== undefined) return;
    const { chunk, stage } = this.joined();
    // A stage handed on comes back once written (the stream holds it until then).
    const done = stage !== undefined ? () => this.recycle(stage) : undefined;
    if (!this.out.write(chunk, done) && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.out.once('drain', () => {
        this.waitingForDrain = false;
      });
    }
  }

  /** Keeps a written stage for use again (one of the usual size: larger ones served one piece). */
  private recycle(stage: Buffer): void {
    if (stage.length === STAGE_BYTES && this.spare.length < MAX_SPARE) this.spare.push(stage);
  }

  /** Resolves when the stream can take more (at once when it can). */
  drain(): Promise<void> {
    this.flush();
    if (!this.waitingForDrain || this.broken) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.out.off('drain', done);
        this.out.off('error', done);
        resolve();
      };
      this.out.once('drain', done);
      this.out.once('error', done);
    });
  }

  /** Writes what is left and resolves once the stream has taken all of it; rejects on a write error. */
  finish(): Promise<void> {
    const { chunk } = this.joined();
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        if (this.error !== undefined) reject(this.error);
        else resolve();
      };
      if (this.broken || this.error !== undefined) {
        settle();
        return;
      }
      this.out.write(chunk, (err) => {
        if (err && !isBrokenPipe(err)) this.error ??= err;
        settle();
      });
    });
  }
}
