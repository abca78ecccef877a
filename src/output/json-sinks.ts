import { BufferedWriter } from './buffered-writer.js';
import { jsonForTerminal } from './escape.js';
import type { HitRecord, HitSink } from './types.js';

/** A hit's JSON line (without the newline): the text written ahead, or the record's JSON, terminal-safe. */
export function hitJson(hit: HitRecord): string {
  return hit.json ?? jsonForTerminal(hit);
}

/** One hit record per line, nothing else. */
export function createJsonlSink(out: NodeJS.WritableStream): HitSink {
  const w = new BufferedWriter(out);
  return {
    write: (hit: HitRecord) => w.push(`${hitJson(hit)}\n`),
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
      w.push(`${count === 0 ? '[\n' : ',\n'}${hitJson(hit)}`);
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
