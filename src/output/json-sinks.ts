import { BufferedWriter } from './buffered-writer.js';
import { jsonForTerminal } from './escape.js';
import type { HitRecord, HitSink } from './types.js';

/** A hit's JSON line (without the newline): the text written ahead, or the record's JSON, terminal-safe. */
export function hitJson(hit: HitRecord): string {
  const j = hit.json;
  return j === undefined
    ? jsonForTerminal(hit)
    : Buffer.from(j.buffer, j.byteOffset, j.byteLength).toString('utf8');
}

/** A separator as text and as bytes (written beside a hit's bytes). */
interface Sep {
  text: string;
  bytes: Buffer;
}
const sep = (text: string): Sep => ({ text, bytes: Buffer.from(text) });
const NONE = sep('');
const NEWLINE = sep('\n');
const FIRST = sep('[\n');
const NEXT = sep(',\n');

/** Pushes a hit's line between two separators: its bytes written ahead, or its JSON. */
function pushHit(w: BufferedWriter, hit: HitRecord, before: Sep, after: Sep): void {
  const j = hit.json;
  if (j === undefined) {
    w.push(`${before.text}${jsonForTerminal(hit)}${after.text}`);
    return;
  }
  if (before !== NONE) w.push(before.bytes);
  w.push(j);
  if (after !== NONE) w.push(after.bytes);
}

/** One hit record per line, nothing else. */
export function createJsonlSink(out: NodeJS.WritableStream): HitSink {
  const w = new BufferedWriter(out);
  return {
    write: (hit: HitRecord) => pushHit(w, hit, NONE, NEWLINE),
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
      pushHit(w, hit, count === 0 ? FIRST : NEXT, NONE);
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
