import { lazyModule } from '../common/index.js';
import type { Event, FieldValue, SourceRef, Warning } from '../event/index.js';
import { parseChunk } from '../event/index.js';
import { discoverInputs, problemFiles, readChunks } from '../input/index.js';

const cliTable = lazyModule<typeof import('cli-table3')>('cli-table3');

export interface DumpOptions {
  format: 'jsonl' | 'json' | 'table';
  /** Only these fields (any name `Event.get` resolves); all fields when absent. */
  fields?: string[];
  /** Any skipped record or unreadable path makes the exit code 2. */
  strict?: boolean;
}

export interface DumpIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** One event as `spoor dump` prints it. */
export interface DumpRecord {
  timestamp: string | null;
  computer: string | null;
  channel: string | null;
  event_id: number | string | null;
  record_id: number | string | null;
  provider: string | null;
  fields: Record<string, FieldValue>;
}

const TABLE_ROWS = 500;
const TABLE_CELL = 200;

function orNull(s: string): string | null {
  return s === '' ? null : s;
}

function numberOrText(s: string): number | string | null {
  if (s === '') return null;
  if (/^\d{1,15}$/.test(s)) return Number(s);
  return s;
}

export function toDumpRecord(ev: Event, fields?: string[]): DumpRecord {
  let out: Record<string, FieldValue>;
  if (fields === undefined) out = ev.fields as Record<string, FieldValue>;
  else {
    out = Object.create(null) as Record<string, FieldValue>;
    for (const f of fields) {
      const v = ev.get(f);
      if (v !== undefined) out[f] = v;
    }
  }
  return {
    timestamp: Number.isNaN(ev.timestamp) ? null : new Date(ev.timestamp).toISOString(),
    computer: orNull(ev.computer),
    channel: orNull(ev.channel),
    event_id: numberOrText(ev.eventId),
    record_id: numberOrText(ev.recordId),
    provider: orNull(ev.provider),
    fields: out,
  };
}

/**
 * Makes text safe for a terminal: C0/C1 controls and DEL become `\xNN`, and the invisible
 * format characters that can reorder or hide text (bidi overrides, zero-width marks, BOM,
 * line/paragraph separators) become `\u{…}`. A backslash itself is left alone.
 */
export function escapeControls(s: string): string {
  return s.replace(
    /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/g,
    (c) => {
      const cp = c.codePointAt(0) as number;
      return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
    },
  );
}

function cell(v: FieldValue | string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : v.join(' | ');
  const e = escapeControls(s);
  return e.length > TABLE_CELL ? `${e.slice(0, TABLE_CELL - 1)}…` : e;
}

function warningText(w: Warning): string {
  const where =
    w.line !== undefined
      ? `${w.file}:${w.line}${w.offset !== undefined ? ` (byte ${w.offset})` : ''}`
      : w.offset !== undefined
        ? `${w.file}@${w.offset}`
        : w.file;
  return `spoor: ${escapeControls(where)}: ${escapeControls(w.message)}\n`;
}

class Out {
  private broken = false;
  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on('error', () => {
      this.broken = true;
    });
  }
  get closed(): boolean {
    return this.broken;
  }
  async write(s: string): Promise<void> {
    if (this.broken || s === '') return;
    if (!this.stream.write(s)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.stream.off('drain', done);
          this.stream.off('error', done);
          this.stream.off('close', done);
          resolve();
        };
        this.stream.on('drain', done);
        this.stream.on('error', done);
        this.stream.on('close', done);
      });
    }
  }
}

function renderTable(rows: DumpRecord[], fields?: string[]): string {
  const head = ['timestamp', 'computer', 'channel', 'event_id', 'record_id', 'provider'];
  const extra = fields ?? ['fields'];
  const t = new (cliTable())({ head: [...head, ...extra], style: { head: [], border: [] }, wordWrap: false });
  for (const r of rows) {
    const base = [r.timestamp, r.computer, r.channel, r.event_id, r.record_id, r.provider].map((v) =>
      cell(v),
    );
    const rest =
      fields === undefined
        ? [
            Object.keys(r.fields)
              .map((k) => `${cell(k)}=${cell(r.fields[k])}`)
              .join('\n'),
          ]
        : fields.map((f) => cell(r.fields[f]));
    t.push([...base, ...rest]);
  }
  return `${t.toString()}\n`;
}

/**
 * `spoor dump PATH…`: prints every event as the Event view, for people (table) or programs
 * (jsonl, json). stdout carries data only; warnings and a one-line summary go to stderr.
 * Returns the exit code: 2 when no path could be read at all (or, with `strict`, when any record
 * was skipped or any path was unreadable), otherwise 0.
 */
export async function runDump(paths: string[], opts: DumpOptions, io: DumpIo): Promise<number> {
  const out = new Out(io.stdout);
  const err = (s: string): void => {
    io.stderr.write(s);
  };
  const { files, problems } = await discoverInputs(paths.length > 0 ? paths : ['-']);
  for (const p of problems) err(`spoor: ${escapeControls(p.path)}: ${escapeControls(p.message)}\n`);
  if (files.length === 0) {
    err('spoor: no input could be read\n');
    return 2;
  }
  let events = 0;
  let skipped = 0;
  // Files nothing was read from (not an event export, binary EVTX among them).
  let refused = 0;
  let first = true;
  let rows: DumpRecord[] = [];
  const onWarning = (w: Warning): void => {
    err(warningText(w));
  };
  if (opts.format === 'json') await out.write('[');
  for (const file of files) {
    const onReadWarning = (w: Warning): void => {
      if (w.refused === true) refused++;
      else skipped++;
      onWarning(w);
    };
    for await (const chunk of readChunks(file, { onWarning: onReadWarning })) {
      let text = '';
      const onEvent = (ev: Event, _src: SourceRef): void => {
        events++;
        const rec = toDumpRecord(ev, opts.fields);
        if (opts.format === 'table') rows.push(rec);
        else if (opts.format === 'jsonl') text += `${JSON.stringify(rec)}\n`;
        else {
          text += `${first ? '\n' : ',\n'}${JSON.stringify(rec)}`;
          first = false;
        }
      };
      const stats = parseChunk(chunk, file.display, onEvent, onWarning);
      skipped += stats.skipped;
      if (opts.format === 'table' && rows.length >= TABLE_ROWS) {
        text = renderTable(rows, opts.fields);
        rows = [];
      }
      await out.write(text);
      if (out.closed) break;
    }
    if (out.closed) break;
  }
  if (opts.format === 'table' && rows.length > 0) await out.write(renderTable(rows, opts.fields));
  if (opts.format === 'json') await out.write(first ? ']\n' : '\n]\n');
  const unread = problemFiles(problems) + refused;
  const unreadable = unread > 0 ? `, ${unread} unreadable` : '';
  err(
    `spoor: ${events} event${events === 1 ? '' : 's'} read, ${skipped} record${skipped === 1 ? '' : 's'} skipped, ` +
      `${files.length} file${files.length === 1 ? '' : 's'}${unreadable}\n`,
  );
  if (refused === files.length) {
    err('spoor: no input could be read\n');
    return 2;
  }
  if (opts.strict === true && (skipped > 0 || unread > 0)) return 2;
  return 0;
}
