import path from 'node:path';
import { type Event, parseChunk, type SourceRef, type Warning } from '../../src/event/index.js';
import { type Chunk, readChunks } from '../../src/input/index.js';

/** Everything reading one file gave: its chunks, their events and sources, and every warning. */
export interface ReadResult {
  chunks: Chunk[];
  events: Event[];
  sources: SourceRef[];
  warnings: Warning[];
  bytes: number;
}

/** Reads `file` as the hunt does (named by its base name), parsing each chunk as it comes. */
export async function readFile(
  file: string,
  chunkBytes?: number,
  maxRecordBytes?: number,
): Promise<ReadResult> {
  const r: ReadResult = { chunks: [], events: [], sources: [], warnings: [], bytes: 0 };
  const f = { path: file, display: path.basename(file), size: 0 };
  for await (const c of readChunks(f, {
    chunkBytes,
    maxRecordBytes,
    onWarning: (w) => r.warnings.push(w),
    onBytes: (n) => (r.bytes += n),
  })) {
    r.chunks.push(c);
    parseChunk(
      c,
      f.display,
      (e, s) => {
        r.events.push(e);
        r.sources.push(s);
      },
      (w) => r.warnings.push(w),
    );
  }
  return r;
}
