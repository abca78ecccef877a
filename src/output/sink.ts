import { createCsvSink } from './csv-sink.js';
import { createJsonlSink, createJsonSink } from './json-sinks.js';
import { createTableSink } from './table-sink.js';
import type { Format, HitSink, SinkOptions } from './types.js';

/** A sink for `format` writing to `out`. Throws a RangeError for an unknown time zone. */
export function createSink(format: Format, out: NodeJS.WritableStream, opts: SinkOptions): HitSink {
  switch (format) {
    case 'table':
      return createTableSink(out, opts);
    case 'jsonl':
      return createJsonlSink(out);
    case 'json':
      return createJsonSink(out);
    case 'csv':
      return createCsvSink(out, opts.header !== false);
  }
}

const BY_EXTENSION: Record<string, Format> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'json',
  '.csv': 'csv',
  '.txt': 'table',
};

/** The format an output file's extension implies (any case); undefined when it implies none. */
export function formatFromPath(path: string): Format | undefined {
  const m = /\.[^./\\]+$/.exec(path);
  if (m === null) return undefined;
  const ext = m[0].toLowerCase();
  return Object.hasOwn(BY_EXTENSION, ext) ? BY_EXTENSION[ext] : undefined;
}
