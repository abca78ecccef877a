import { type DetectionIR, detachDetection, type SigmaRuleIR } from '../sigma/index.js';

/**
 * Every rule's detection written as JSON, one after the other, into shared memory: the matching threads
 * read the same bytes, and each decodes only the detections of the rules it compiles (about a
 * quarter of SigmaHQ's Windows rules over the shared corpus: 668 of 2,407). Held as objects, the
 * detections are ~11.5 MB of heap in every thread; packed, 4.6 MB once.
 */
export interface PackedDetections {
  /** The detections' JSON, UTF-8 (a view of a SharedArrayBuffer). */
  bytes: Uint8Array;
  /** Rule i's bytes end at ends[i] and start at ends[i - 1] (0 for the first). */
  ends: Int32Array;
}

/**
 * Packs `detections` (rule i's at i) into shared memory, as JSON (the IR is JSON data by contract:
 * see SigmaRuleIR), each text written straight into place.
 */
export function packDetections(detections: readonly DetectionIR[]): PackedDetections {
  return packTexts(detections.map((d) => JSON.stringify(d)));
}

/** Packs detections given as their JSON texts. */
function packTexts(texts: readonly string[]): PackedDetections {
  const ends = new Int32Array(new SharedArrayBuffer(4 * texts.length));
  let size = 0;
  texts.forEach((t, i) => {
    size += Buffer.byteLength(t, 'utf8');
    ends[i] = size;
  });
  const sab = new SharedArrayBuffer(size);
  const into = Buffer.from(sab);
  texts.forEach((t, i) => {
    into.write(t, i === 0 ? 0 : ends[i - 1]!, 'utf8');
  });
  return { bytes: new Uint8Array(sab), ends };
}

/**
 * `value` (JSON data) as UTF-8 JSON in shared memory. A posted message's bytes are one C-heap block
 * of their size, freed once read; sent in shared memory, the rules' metadata (1-2 MB with SigmaHQ's
 * rules) never makes such a block (see common/scratch-read.ts for why a large freed block costs
 * memory for the rest of the hunt).
 */
export function packJson(value: unknown): Uint8Array {
  return packTexts([JSON.stringify(value) ?? 'null']).bytes;
}

/** The JSON value of b[from, to). */
function jsonAt(b: Uint8Array, from: number, to: number): unknown {
  return JSON.parse(Buffer.from(b.buffer, b.byteOffset + from, to - from).toString('utf8'));
}

/** What `packJson` packed, decoded afresh. */
export function unpackJson(b: Uint8Array): unknown {
  return jsonAt(b, 0, b.byteLength);
}

/** Rule i's detection, decoded afresh (the caller owns it). */
export function unpackDetection(p: PackedDetections, i: number): DetectionIR {
  if (i < 0 || i >= p.ends.length) throw new RangeError(`no packed detection for rule ${i}`);
  return jsonAt(p.bytes, i === 0 ? 0 : p.ends[i - 1]!, p.ends[i]!) as DetectionIR;
}

/** A loaded rule without its detection: what stays with the reader once the detections are packed. */
export type SigmaRuleMeta = Omit<SigmaRuleIR, 'detection'>;

/**
 * Moves the rules' detections into a pack: each rule object loses its `detection` (so the heap does
 * not keep it as well) and is returned, the same object, as metadata.
 */
export function moveDetections(rules: SigmaRuleIR[]): { rules: SigmaRuleMeta[]; packed: PackedDetections } {
  // Rules read from the rule cache give their detection's text as it was stored: nothing decoded.
  const packed = packTexts(rules.map(detachDetection));
  return { rules, packed };
}
