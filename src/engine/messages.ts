import type { EqlRuleIR, StageHit } from '../eql/index.js';
import type { FieldValue, SourceRef, Warning } from '../event/index.js';
import type { DetectionIR, SigmaRuleIR } from '../sigma/index.js';
import type { AutomatonOffer } from './automaton-cache.js';
import type { PackedDetections } from './packed-detections.js';

/**
 * The part of a Sigma rule's IR a worker compiles; metadata stays on the main thread. Without its
 * `detection`, rule i's is the i-th of the packed detections it is compiled with.
 */
export type CompilableRule = Pick<SigmaRuleIR, 'id' | 'sources' | 'eventIds' | 'requirements'> & {
  detection?: DetectionIR;
};

/** Event-level filters applied in the workers before any rule runs. */
export interface EventFilter {
  /** Inclusive lower bound, ms since the epoch. */
  fromMs?: number;
  /** Inclusive upper bound, ms since the epoch. */
  toMs?: number;
}

/** Sent once to every worker (structured clone): the rules as IR, compiled there into closures. */
export interface WorkerInit {
  sigma: CompilableRule[];
  /** The detections of the rules that come without one (shared memory, decoded on first use). */
  detections?: PackedDetections;
  eql: EqlRuleIR[];
  filter: EventFilter;
  /**
   * Screen raw records for the rules' literals before parsing them, and take the candidates from
   * that scan (default on; off parses every record and scans its values: see docs/performance.md).
   */
  rawScan?: boolean;
  /** A folder to keep pre-filter automata in between hunts (see AutomatonStore); none when unset. */
  automataDir?: string;
  /**
   * The hunt's shared WebAssembly memory (wasm-arena.ts): each matching thread places the automata
   * it builds or loads there, and the scan kernel reads them in place. None: shared buffers and the
   * JavaScript scan.
   */
  arena?: WebAssembly.Memory;
  /**
   * What the caller's hit renderer needs (see HitRenderer), passed through as it is: the matching
   * threads know nothing of output.
   */
  render?: unknown;
}

/**
 * A WorkerInit as it travels to a worker: the rules' metadata and the renderer's part packed as
 * JSON in shared memory (see packJson), the rest as it is.
 */
export type PostedInit = Omit<WorkerInit, 'sigma' | 'render'> & { packed: Uint8Array };

/** An automaton one matching thread built, for the others (its tables are on shared memory). */
export interface AutomatonMessage {
  automaton: AutomatonOffer;
}

export function isAutomatonMessage(m: unknown): m is AutomatonMessage {
  return typeof m === 'object' && m !== null && 'automaton' in m;
}

export interface ChunkJob {
  id: number;
  file: string;
  format: 'xml' | 'ndjson';
  data: Uint8Array;
  offset: number;
  line: number;
  /** A buffer the job's rendered hits may be written into (see TextShelf); it comes back as `texts`. */
  texts?: Uint8Array;
}

/** The parts of a matched event the main thread needs to build a hit record. */
export interface EventSnapshot {
  timestamp: number;
  computer: string;
  channel: string;
  eventId: string;
  recordId: string;
  fields: Record<string, FieldValue>;
  src: SourceRef;
}

export interface RawHit {
  kind: 'sigma' | 'eql';
  /** Index into WorkerInit.sigma or WorkerInit.eql. */
  rule: number;
  /** The matched event; without its fields when the hit was rendered (`textAt`). */
  event: EventSnapshot;
  /** The hit as the renderer wrote it, in the matching thread: ChunkResult.texts[textAt, textEnd), and its id. */
  textAt?: number;
  textEnd?: number;
  hitId?: string;
}

/** A hit written out where it was found (see HitRenderer). */
export interface RenderedHit {
  /**
   * The hit's line in pieces, written one after the other (joined, the line's kilobytes would be
   * copied once more into a flat string before being encoded). Read at once: a renderer may fill
   * the same array for its next hit.
   */
  parts: readonly string[];
  hitId: string;
  /** Every part is ASCII: its UTF-8 is its characters, byte for byte. */
  ascii?: boolean;
}

/**
 * Writes a Sigma hit out in the matching thread that found it, so that only its text, not the
 * event's fields, goes to the main thread; undefined leaves the hit to the main thread (its
 * event is needed there: correlations, other formats).
 */
export type HitRenderer = (rule: number, ev: EventSnapshot) => RenderedHit | undefined;

/** Builds a thread's renderer from WorkerInit.render (undefined: none). */
export type RendererFactory = (render: unknown) => HitRenderer | undefined;

/**
 * An event that matched one or more stages of an EQL sequence rule. Such records are kept until the
 * input is over (engine/time-ordered.ts), so the event travels and is kept as its JSON text: one
 * flat string that costs its length, where the snapshot's values would be many strings, and, on the
 * thread that parsed them, slices that keep whole decoded parts of a chunk alive.
 */
export interface StageRecord {
  /** Index into WorkerInit.eql. */
  rule: number;
  /** The stages the event fills and its join keys (strings of their own, never slices). */
  hits: StageHit[];
  /** The event's time and place, for the order records are replayed in. */
  timestamp: number;
  src: SourceRef;
  /** The EventSnapshot, as JSON (see `stageEvent` to read it back). */
  event: string;
}

export interface ChunkResult {
  id: number;
  /** Records read (parsed or not). */
  events: number;
  skipped: number;
  /** Events the time filter removed (among those parsed). */
  filtered: number;
  /** Records the raw pre-filter passed over without parsing: no rule could match them. */
  unparsed: number;
  hits: RawHit[];
  /** The rendered hits' texts, UTF-8 (transferred, not copied, from a worker). */
  texts?: Uint8Array;
  /** From a worker: the job's `data`, handed back (transferred) so its buffer can be used again. */
  data?: Uint8Array;
  stages: StageRecord[];
  warnings: Warning[];
}
