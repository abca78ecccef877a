const FLUSH_AT = 64 * 1024;

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

  constructor(out: NodeJS.WritableStream) {
    this.out = out;
    out.on('error', (err: unknown) => {
      if (isBrokenPipe(err)) this.broken = true;
      else this.error ??= err;
      this.pending = [];
      this.pendingLength = 0;
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

  /** Text, or bytes already encoded as UTF-8. */
  push(text: string | Uint8Array): void {
    if (this.broken || this.error !== undefined) return;
    this.pending.push(text);
    if (typeof text === 'string') this.pendingLength += text.length;
    else {
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

  /** The pending pieces as one string or buffer, and nothing pending after. */
  private joined(): string | Buffer {
    const p = this.pending;
    const out = this.bytes
      ? Buffer.concat(p.map((x) => (typeof x === 'string' ? Buffer.from(x, 'utf8') : x)))
      : (p as string[]).join('');
    this.pending = [];
    this.pendingLength = 0;
    this.bytes = false;
    return out;
  }

  private flush(): void {
    if (this.pending.length === 0 || this.broken || this.error !== undefined) return;
    const chunk = this.joined();
    if (!this.out.write(chunk) && !this.waitingForDrain) {
      this.waitingForDrain = true;
      this.out.once('drain', () => {
        this.waitingForDrain = false;
      });
    }
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
    const chunk = this.joined();
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
