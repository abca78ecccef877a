import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Event,
  type ParseOptions,
  parseChunk,
  type SourceRef,
  type Warning,
} from '../../src/event/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, '../fixtures/input');

export interface Parsed {
  events: Event[];
  sources: SourceRef[];
  warnings: Warning[];
  records: number;
  skipped: number;
}

/** Parses bytes as one chunk starting at offset 0, line 1. */
export function parseBytes(
  data: Uint8Array,
  format: 'xml' | 'ndjson',
  file = 'f',
  opts?: ParseOptions,
): Parsed {
  const out: Parsed = { events: [], sources: [], warnings: [], records: 0, skipped: 0 };
  const st = parseChunk(
    { format, data, offset: 0, line: 1 },
    file,
    (e, s) => {
      out.events.push(e);
      out.sources.push(s);
    },
    (w) => out.warnings.push(w),
    opts,
  );
  out.records = st.records;
  out.skipped = st.skipped;
  return out;
}

export function parseText(text: string, format: 'xml' | 'ndjson', opts?: ParseOptions): Parsed {
  return parseBytes(Buffer.from(text, 'utf8'), format, 'f', opts);
}

export function parseFixture(name: string, format: 'xml' | 'ndjson', opts?: ParseOptions): Parsed {
  return parseBytes(readFileSync(path.join(FIXTURES, name)), format, name, opts);
}

/** The comparable content of an event: its fields as a plain object plus its time. */
export function plain(e: Event): { fields: Record<string, unknown>; timestamp: number } {
  return { fields: { ...e.fields }, timestamp: e.timestamp };
}
