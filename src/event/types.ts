import type { Dict } from '../common/index.js';

/** A field's value: text as written in the log, or a list (unnamed <Data>, repeated leaves, JSON arrays). */
export type FieldValue = string | readonly string[];

/** Where a record came from: the file and its byte offset (XML) or 1-based line (NDJSON). */
export interface SourceRef {
  file: string;
  offset?: number;
  line?: number;
}

/**
 * The one read-only view of an event that every rule language reads.
 * `fields` is a null-prototype dictionary with Sigma-style flat names (see docs/event-fields.md).
 * Empty, null and absent are one thing: the view never holds an empty value.
 */
export interface Event {
  /** Milliseconds since the epoch (UTC); NaN when the record carries no time. */
  readonly timestamp: number;
  readonly computer: string;
  readonly channel: string;
  readonly eventId: string;
  readonly recordId: string;
  readonly provider: string;
  readonly fields: Readonly<Dict<FieldValue>>;
  /** The names `fields` holds (cheaper than enumerating `fields`). */
  fieldNames(): readonly string[];
  /**
   * The names `fields` holds that contain a space (Sigma writes them without: see FieldAccess),
   * which most records have none of; a view may tell that without building `fields`.
   */
  spacedNames(): readonly string[];
  /** Every value of every field, lists flattened, in no particular order (keyword searches, pre-filter). */
  allValues(): readonly string[];
  /** The value stored under exactly this flat name (no dotted-path resolution); undefined when absent. */
  field(name: string): FieldValue | undefined;
  /** Resolves a Sigma-style or dotted field name; undefined when absent. */
  get(name: string): FieldValue | undefined;
}

/** A problem with the input that did not stop the read: file plus line and/or byte offset. */
export interface Warning {
  file: string;
  line?: number;
  offset?: number;
  message: string;
  /** The whole file was turned away (not an event export): nothing in it was read. */
  refused?: boolean;
}

/** The record-aligned bytes the parser needs: the input layer's `Chunk` is one of these. */
export interface ChunkLike {
  format: 'xml' | 'ndjson';
  /** UTF-8, whole records only. */
  data: Uint8Array;
  /** Byte offset of data[0] in the file's decoded UTF-8 stream. */
  offset: number;
  /** 1-based line number of data[0]. */
  line: number;
  /**
   * Records are named by byte offset, not line: JSON that was not one object a line, rewritten so
   * (src/input/json-layout.ts); its `Record N` lines (evtx_dump's `-o json`) are read past.
   */
  byOffset?: boolean;
}

/** What one call to parseChunk did: records read, records skipped with a warning, records not parsed. */
export interface ParseStats {
  records: number;
  skipped: number;
  /** Records counted in `records` that a screen turned away before parsing (see ParseOptions). */
  unparsed: number;
}
