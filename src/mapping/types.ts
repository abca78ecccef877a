/** How a field of the alternative source turns into the value a Sigma rule expects. */
export type FieldConversion = 'hex-to-decimal' | 'integrity-level';

/** A field a rule names, read from another field of the event (and possibly converted). */
export interface FieldAlias {
  from: string;
  convert?: FieldConversion;
}

/**
 * One concrete event source a logsource stands for: channel and event-id preconditions,
 * extra equality conditions, and how field names differ from the Sigma taxonomy.
 * Plain data: it travels inside the rule IR to the workers.
 */
export interface SourceSpec {
  /** Short name shown in lint output and docs, e.g. `sysmon-1`, `security-4688`. */
  name: string;
  /** Channels the event must come from (compared case-insensitively); null means any channel. */
  channels: string[] | null;
  /** Event ids (decimal text); null means any event id. */
  eventIds: string[] | null;
  /** Further fields that must equal one of the values (case-insensitive). */
  conditions?: { field: string; values: string[] }[];
  /** Sigma field name → where the value really is on this source. */
  fields?: Record<string, FieldAlias>;
  /**
   * When set, this source carries only these fields (besides the renamed ones and the System
   * header): a rule reading any other field is not run against this source.
   */
  only?: string[];
}

/** One row of the logsource table: what a (product, category, service) triple means. */
export interface LogsourceEntry {
  product?: string;
  category?: string;
  service?: string;
  sources: SourceSpec[];
  /** Free text shown in docs/mapping.md. */
  note?: string;
}

export interface LogsourceQuery {
  product?: string;
  category?: string;
  service?: string;
}
