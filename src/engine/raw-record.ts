import { normValue } from '../event/index.js';

/**
 * What a raw walk of one record (its bytes, before any parsing) finds: the byte ranges that hold
 * the record's values as the Event view will read them (names and markup left out), and the
 * record's channel and event id when they can be placed with certainty. When the record holds
 * anything whose raw spelling may differ from the view's value beyond what the raw literals
 * account for (see raw-literal.ts), `ok` is false and the record must be parsed and its values
 * scanned instead.
 */
export class RawRecord {
  /**
   * Value ranges: ranges[2i] up to ranges[2i + 1], for i below `count`. The record's own array
   * (`own`, which `push` grows), or the scan kernel's room where the WebAssembly walk put them.
   */
  ranges: Int32Array;
  own = new Int32Array(128);
  count = 0;
  ok = false;
  /** False when the walk stopped early (the ranges are not all of the record's values). */
  complete = true;
  /** Channel and event id as the view normalises them; undefined when not placed with certainty. */
  channel: string | undefined;
  eventId: string | undefined;

  /**
   * Sets the key from the bytes that hold the channel and the event id (checked by the walk: plain
   * ASCII, digits), normalised as the view does. Consecutive records mostly share both, so the
   * last texts are reused when the bytes are the same.
   */
  setKey(b: Uint8Array, chFrom: number, chTo: number, idFrom: number, idTo: number): void {
    if (!bytesAre(b, chFrom, chTo, this.lastChannel)) {
      this.lastChannel = asciiText(b, chFrom, chTo);
      this.lastChannelNorm = normValue(this.lastChannel);
    }
    if (!bytesAre(b, idFrom, idTo, this.lastId)) {
      this.lastId = asciiText(b, idFrom, idTo);
      this.lastIdNorm = normValue(this.lastId);
    }
    this.channel = this.lastChannelNorm;
    this.eventId = this.lastIdNorm;
  }

  private lastChannel = '';
  private lastChannelNorm = '';
  private lastId = '';
  private lastIdNorm = '';

  constructor() {
    this.ranges = this.own;
  }

  reset(): void {
    this.ranges = this.own;
    this.count = 0;
    this.ok = true;
    this.complete = true;
    this.channel = undefined;
    this.eventId = undefined;
  }

  push(from: number, to: number): void {
    if (to <= from) return;
    let r = this.ranges;
    const at = this.count * 2;
    if (at + 2 > r.length) {
      const bigger = new Int32Array(r.length * 2);
      bigger.set(r);
      this.own = bigger;
      this.ranges = bigger;
      r = bigger;
    }
    r[at] = from;
    r[at + 1] = to;
    this.count++;
  }
}

/**
 * Capital I with a dot (C4 B0) and the Kelvin sign (E2 84 AA) lower-case to ASCII letters, which a
 * scan folding ASCII only cannot see: a record holding either is read in full.
 */
export function lowersToAscii(b: Uint8Array, i: number): boolean {
  const c = b[i]!;
  if (c === 0xc4) return b[i + 1] === 0xb0;
  if (c === 0xe2) return b[i + 1] === 0x84 && b[i + 2] === 0xaa;
  return false;
}

/** Whether b[from, to) holds exactly the ASCII text `s`. */
export function bytesAre(b: Uint8Array, from: number, to: number, s: string): boolean {
  if (to - from !== s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[from + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** Whether b[from, to) is 1 to 15 ASCII digits. */
export function isDigitBytes(b: Uint8Array, from: number, to: number): boolean {
  if (to <= from || to - from > 15) return false;
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Whether b[from, to) is printable ASCII without the byte `except`. */
export function isPlainAscii(b: Uint8Array, from: number, to: number, except = -1): boolean {
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c >= 0x80 || c < 32 || c === except) return false;
  }
  return true;
}

/** The ASCII text of b[from, to). */
export function asciiText(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(b[i]!);
  return s;
}
