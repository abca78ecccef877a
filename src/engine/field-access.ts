import type { Event, FieldValue } from '../event/index.js';
import { convertValue, type FieldConversion } from '../mapping/index.js';

function lowerValue(v: FieldValue): FieldValue {
  if (typeof v === 'string') return v.toLowerCase();
  return v.map((x) => x.toLowerCase());
}

/**
 * Per-event field cache shared by all compiled rules of one worker. Each (field, conversion)
 * pair is a numbered slot; its value is read from the event, and lower-cased, at most once per
 * event and only when some rule asks for it. A generation counter invalidates the cache without
 * clearing arrays, so nothing is allocated per event except the lower-cased strings themselves.
 */
export class FieldAccess {
  private readonly froms: string[] = [];
  private readonly converts: (FieldConversion | undefined)[] = [];
  private readonly index = new Map<string, number>();
  private rawGen: number[] = [];
  private raws: (FieldValue | undefined)[] = [];
  private lowGen: number[] = [];
  private lows: (FieldValue | undefined)[] = [];
  private gen = 0;
  private allGen = -1;
  private allRaw: readonly string[] = [];
  private allLow: string[] = [];
  private allLowGen = -1;
  ev!: Event;

  /** The slot for a field (read from `from`, converted when asked). */
  slot(from: string, convert?: FieldConversion): number {
    const key = convert ? `${from}\u0000${convert}` : from;
    let s = this.index.get(key);
    if (s === undefined) {
      s = this.froms.length;
      this.froms.push(from);
      this.converts.push(convert);
      this.rawGen.push(-1);
      this.raws.push(undefined);
      this.lowGen.push(-1);
      this.lows.push(undefined);
      this.index.set(key, s);
    }
    return s;
  }

  /** Whether the slot's value is converted (its text is not the text of the record). */
  isConverted(s: number): boolean {
    return this.converts[s] !== undefined;
  }

  get slotCount(): number {
    return this.froms.length;
  }

  begin(ev: Event): void {
    this.ev = ev;
    this.gen++;
  }

  raw(s: number): FieldValue | undefined {
    if (this.rawGen[s] !== this.gen) {
      let v = this.ev.get(this.froms[s]!);
      if (v === undefined) v = this.spaced(this.froms[s]!);
      const conv = this.converts[s];
      if (v !== undefined && conv)
        v = typeof v === 'string' ? convertValue(conv, v) : v.map((x) => convertValue(conv, x));
      if (v !== undefined && typeof v !== 'string' && v.length === 0) v = undefined;
      if (v === '') v = undefined;
      this.raws[s] = v;
      this.rawGen[s] = this.gen;
    }
    return this.raws[s];
  }

  low(s: number): FieldValue | undefined {
    if (this.lowGen[s] !== this.gen) {
      const v = this.raw(s);
      this.lows[s] = v === undefined ? undefined : lowerValue(v);
      this.lowGen[s] = this.gen;
    }
    return this.lows[s];
  }

  private spacedGen = -1;
  private spacedNames = new Map<string, string>();

  /**
   * Sigma writes field names without their spaces (`SourceName` for Defender's `Source Name`):
   * on a miss, look the name up among the event's names with spaces removed.
   */
  private spaced(name: string): FieldValue | undefined {
    if (this.spacedGen !== this.gen) {
      this.spacedGen = this.gen;
      this.spacedNames.clear();
      for (const k of this.ev.spacedNames()) this.spacedNames.set(k.replace(/ /g, ''), k);
    }
    if (this.spacedNames.size === 0) return undefined;
    const k = this.spacedNames.get(name);
    return k === undefined ? undefined : this.ev.get(k);
  }

  /** Every value of every field of the event (for keyword searches). */
  allValues(): readonly string[] {
    if (this.allGen !== this.gen) {
      this.allRaw = this.ev.allValues();
      this.allGen = this.gen;
    }
    return this.allRaw;
  }

  allLowValues(): string[] {
    if (this.allLowGen !== this.gen) {
      this.allLow = this.allValues().map((v) => v.toLowerCase());
      this.allLowGen = this.gen;
    }
    return this.allLow;
  }
}
