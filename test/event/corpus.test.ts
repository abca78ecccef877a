import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Event, FieldValue, SourceRef, Warning } from '../../src/event/index.js';
import { parseChunk } from '../../src/event/index.js';
import { discoverInputs, readChunks } from '../../src/input/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const LOGS = path.resolve(here, '../../../shared/corpus/logs');
const hasShared = existsSync(path.join(LOGS, 'manifest.jsonl'));
if (!hasShared) console.warn('skipping corpus tests: ../shared not present');

interface Manifest {
  base: string;
  records: number;
  included: boolean;
  xml_events_missing?: boolean;
}

interface Read {
  events: Event[];
  sources: SourceRef[];
  warnings: Warning[];
}

async function readAll(file: string, xmlReader?: 'reference'): Promise<Read> {
  const out: Read = { events: [], sources: [], warnings: [] };
  const { files, problems } = await discoverInputs([file]);
  expect(problems).toEqual([]);
  for (const f of files)
    for await (const c of readChunks(f, { onWarning: (w) => out.warnings.push(w) }))
      parseChunk(
        c,
        f.display,
        (e, s) => {
          out.events.push(e);
          out.sources.push(s);
        },
        (w) => out.warnings.push(w),
        xmlReader === undefined ? undefined : { xmlReader },
      );
  return out;
}

/** C0 (but TAB, LF, CR) and C1 controls: the XML renderers drop them, evtx_dump keeps them. */
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

function noControls(v: FieldValue): FieldValue {
  return typeof v === 'string' ? v.replace(CONTROLS, '') : v.map((x) => x.replace(CONTROLS, ''));
}

function sameAsWevtutil(nd: Event, wv: Event): void {
  expect(Object.keys(wv.fields)).toEqual(Object.keys(nd.fields));
  for (const k of Object.keys(nd.fields))
    expect(noControls(wv.fields[k]!), k).toEqual(noControls(nd.fields[k]!));
  expect(wv.timestamp).toBe(nd.timestamp);
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

function micros(iso: string): number {
  return Date.parse(`${iso.slice(0, 23)}Z`) * 1000 + Number(iso.slice(23, 26));
}

/**
 * python-evtx's known rendering defects, and only those, are tolerated: FILETIMEs computed with
 * floating point (up to 2 µs off), binary as base64 where everyone else writes hex, one classic
 * event whose insertion strings it orders differently, and string arrays holding non-ASCII text.
 */
function pythonEvtxEquivalent(a: FieldValue, b: FieldValue): boolean {
  if (typeof a === 'string' && typeof b === 'string') {
    if (ISO.test(a) && ISO.test(b)) return Math.abs(micros(a) - micros(b)) <= 2;
    if (/^[0-9A-F]+$/.test(a) && Buffer.from(b, 'base64').toString('hex').toUpperCase() === a) return true;
    return false;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (JSON.stringify([...a].sort()) === JSON.stringify([...b].sort())) return true;
    // Its string-array rendering counts non-ASCII text wrongly and cuts items at the wrong place:
    // the text agrees up to the first non-ASCII character.
    const x = a.join('');
    const cut = x.search(/[^\u0000-\u007f]/);
    return cut > 0 && b.join('').startsWith(x.slice(0, cut));
  }
  return false;
}

function sameAsPythonEvtx(nd: Event, xe: Event): void {
  expect(Object.keys(xe.fields)).toEqual(Object.keys(nd.fields));
  for (const k of Object.keys(nd.fields)) {
    const a = noControls(nd.fields[k]!);
    const b = noControls(xe.fields[k]!);
    if (JSON.stringify(a) !== JSON.stringify(b))
      expect(pythonEvtxEquivalent(a, b), `${k}: ${a} / ${b}`).toBe(true);
  }
  expect(Math.abs(xe.timestamp - nd.timestamp)).toBeLessThanOrEqual(1);
}

describe.skipIf(!hasShared)('shared corpus', () => {
  const manifest: Manifest[] = hasShared
    ? readFileSync(path.join(LOGS, 'manifest.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Manifest)
        .filter((m) => m.included)
    : [];

  it('reads every base name to the same events in all three formats, as many as the manifest says', async () => {
    expect(manifest.length).toBe(582);
    let total = 0;
    for (const m of manifest) {
      const nd = await readAll(path.join(LOGS, 'ndjson', `${m.base}.ndjson`));
      const wv = await readAll(path.join(LOGS, 'xml-wevtutil', `${m.base}.xml`));
      expect(nd.warnings, m.base).toEqual([]);
      expect(wv.warnings, m.base).toEqual([]);
      expect(nd.events.length, m.base).toBe(m.records);
      expect(wv.events.length, m.base).toBe(m.records);
      for (const [i, e] of nd.events.entries()) sameAsWevtutil(e, wv.events[i]!);
      if (!m.xml_events_missing) {
        const xe = await readAll(path.join(LOGS, 'xml-events', `${m.base}.xml`));
        expect(xe.warnings, m.base).toEqual([]);
        expect(xe.events.length, m.base).toBe(m.records);
        for (const [i, e] of nd.events.entries()) sameAsPythonEvtx(e, xe.events[i]!);
      }
      total += m.records;
    }
    expect(total).toBe(14173);
  });

  it('scanner and reference parser give identical views over every XML file', async () => {
    const { files } = await discoverInputs([
      path.join(LOGS, 'xml-events'),
      path.join(LOGS, 'xml-wevtutil'),
      path.join(LOGS, 'variants'),
    ]);
    const xml = files.filter((f) => f.path.endsWith('.xml'));
    expect(xml.length).toBe(568 + 582 + 2);
    let n = 0;
    for (const f of xml) {
      const a = await readAll(f.path);
      const b = await readAll(f.path, 'reference');
      expect(a.events.length, f.path).toBe(b.events.length);
      a.events.forEach((e, i) => {
        expect(e.fields, f.path).toEqual(b.events[i]!.fields);
        expect(e.timestamp).toEqual(b.events[i]!.timestamp);
      });
      expect(a.sources).toEqual(b.sources);
      expect(a.warnings).toEqual(b.warnings);
      n += a.events.length;
    }
    expect(n).toBe(14173 + 12883 + 11 + 63);
  });

  it('variants behave as their sidecar notes say', async () => {
    const variants = JSON.parse(readFileSync(path.join(LOGS, 'variants', 'variants.json'), 'utf8')) as Record<
      string,
      { file: string; of: string; bad_lines?: { line: number; what: string }[]; valid_event_lines?: number }
    >;
    const bad = variants['ndjson-malformed']!;
    const malformed = await readAll(path.join(LOGS, bad.file));
    const clean = await readAll(path.join(LOGS, 'ndjson', `${bad.of}.ndjson`));
    expect(malformed.events.length).toBe(25);
    expect(bad.valid_event_lines).toBe(25);
    expect(malformed.warnings.map((w) => w.line)).toEqual([4, 15, 20, 31]);
    const silent = bad.bad_lines!.filter((b) => /blank|whitespace/.test(b.what)).map((b) => b.line);
    expect(silent).toEqual([10, 25]);
    expect(malformed.events.map((e) => e.fields)).toEqual(clean.events.map((e) => e.fields));

    for (const key of ['xml-wevtutil-utf16le-crlf', 'xml-wevtutil-pretty']) {
      const v = variants[key]!;
      const variant = await readAll(path.join(LOGS, v.file));
      const twin = await readAll(path.join(LOGS, 'xml-wevtutil', `${v.of}.xml`));
      expect(variant.warnings).toEqual([]);
      expect(variant.events.length).toBe(key === 'xml-wevtutil-pretty' ? 63 : 11);
      expect(variant.events.map((e) => e.fields)).toEqual(twin.events.map((e) => e.fields));
    }
  });
});
