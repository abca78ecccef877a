import { BufferedWriter } from './buffered-writer.js';
import { jsonForTerminal } from './escape.js';
import type { HitRecord, HitSink } from './types.js';

/** One hit record per line, nothing else. */
export function createJsonlSink(out: NodeJS.WritableStream): HitSink {
  const w = new BufferedWriter(out);
  return {
    write: (hit: HitRecord) => w.push(`${jsonForTerminal(hit)}\n`),
    end: () => w.finish(),
    get backlogged() {
      return w.backlogged;
    },
    drain: () => w.drain(),
  };
}

/** One JSON array of hit records, streamed one record per line: nothing is held back. */
export function createJsonSink(out: NodeJS.WritableStream): HitSink {
  const w = new BufferedWriter(out);
  let count = 0;
  return {
    write: (hit: HitRecord) => {
      w.push(`${count === 0 ? '[\n' : ',\n'}${jsonForTerminal(hit)}`);
      count++;
    },
    end: () => {
      w.push(count === 0 ? '[]\n' : '\n]\n');
      return w.finish();
    },
    get backlogged() {
      return w.backlogged;
    },
    drain: () => w.drain(),
  };
}
