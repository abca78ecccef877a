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
}
