import type { Level } from '../common/index.js';

export type RuleKind = 'sigma' | 'sigma-correlation' | 'eql';

/** One hit, exactly the JSONL contract (schema 1) in docs/output.md. */
export interface HitRecord {
  schema: 1;
  /** ISO 8601 UTC with milliseconds, or null when the event carries no time. */
  timestamp: string | null;
  level: Level;
  rule: { id: string; title: string; kind: RuleKind; path: string; tags: string[] };
  computer: string | null;
  channel: string | null;
  event_id: number | string | null;
  record_id: number | string | null;
  source: { file: string; offset?: number; line?: number } | null;
  /** The few fields an analyst reads first. */
  details: Record<string, string>;
  /** All fields of the matched event (null for correlation/sequence hits). */
  event: Record<string, string | string[]> | null;
  hit_id: string;
  /** Correlation and sequence hits only. */
  group?: Record<string, string | null>;
  /** Correlation: hit ids + sources; EQL sequence: the events in stage order. */
  events?: unknown[];
  /** Correlation aggregate (count or value). */
  count?: number;
  value?: number;
  /**
   * The record's JSON line (UTF-8, without its newline) when it was written ahead, where the hit
   * was found; the JSON sinks write it as it is. Not part of the record itself.
   */
  json?: Uint8Array;
  /**
   * Beside `json` only: the event's time in milliseconds (NaN without one), which the summary reads
   * instead of parsing `timestamp` back. Not part of the record itself.
   */
  ms?: number;
}

/** Output formats: a table for people, the others for programs. */
export type Format = 'table' | 'jsonl' | 'json' | 'csv';

export interface SinkOptions {
  /** ANSI colours in the table (the caller decides: TTY, NO_COLOR, --no-color). */
  color: boolean;
  /** Terminal columns the table must fit; 0 or less (not a terminal) means 200. */
  width: number;
  /** IANA zone for the table's timestamps; default UTC. Data formats always carry UTC. */
  timezone?: string;
  /** Channel abbreviations (Sec, Sys, Sysmon, PwSh, …) in the table; false shows full names. */
  abbrev: boolean;
  /** CSV only: write the header row (default true; false when appending to a file that has one). */
  header?: boolean;
}

/**
 * Where hits go. `write` never blocks; a producer that can outrun the output checks `backlogged`
 * and awaits `drain()`. `end` writes what is left and resolves once the stream has taken it all
 * (it does not end the stream: whoever opened it does). A reader that went away (EPIPE) is not an
 * error: output stops quietly.
 */
export interface HitSink {
  write(hit: HitRecord): void;
  end(): Promise<void>;
  readonly backlogged: boolean;
  drain(): Promise<void>;
}
