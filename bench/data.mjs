// Deterministic benchmark inputs under bench/data/ (git-ignored), built from the shared corpus
// (../shared/corpus/logs) when present and from fixtures/ always. Each pass over the sources is a
// replica whose record ids and times are shifted, so the file reads like one long log, not a loop.
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..');
export const dataDir = path.join(here, 'data');
export const logs = path.resolve(root, '../shared/corpus/logs');
export const hasShared = existsSync(logs);
/** Bump when the way inputs are built changes, so stale files are rebuilt. */
const LAYOUT = 2;

/** The files under `dir` whose names end in one of `ext`, in name order (none when it is absent). */
export function walk(dir, ext, out = []) {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, ext, out);
    else if (ext.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out;
}

/** Source files of one kind: wevtutil-style XML (`xml`), python-evtx XML (`pyxml`) or NDJSON. */
function sources(kind) {
  const fixtures = path.join(root, 'fixtures');
  const out = [];
  if (hasShared) {
    if (kind === 'xml') out.push(...walk(path.join(logs, 'xml-wevtutil'), ['.xml']));
    else if (kind === 'pyxml') out.push(...walk(path.join(logs, 'xml-events'), ['.xml']));
    else out.push(...walk(path.join(logs, 'ndjson'), ['.ndjson']));
  }
  if (kind === 'ndjson') out.push(...walk(fixtures, ['.ndjson', '.jsonl']));
  else {
    const pretty = (f) => readFileSync(f, 'utf8').startsWith('<?xml');
    out.push(...walk(fixtures, ['.xml']).filter((f) => pretty(f) === (kind === 'pyxml')));
  }
  return out;
}

/** The records of one file as text (python-evtx files lose their declaration and <Events> root). */
function body(file, kind) {
  let t = readFileSync(file, 'utf8');
  if (kind === 'pyxml') {
    const a = t.indexOf('<Event ');
    const b = t.lastIndexOf('</Events>');
    t = a < 0 ? '' : t.slice(a, b < 0 ? undefined : b);
  }
  return t.endsWith('\n') || t === '' ? t : `${t}\n`;
}

const TIME = /(\d{4})-(\d{2})-(\d{2})([T ])(\d{2}):(\d{2}):(\d{2})/g;
const DAY = 86_400_000;

function shiftTimes(text, days) {
  if (days === 0) return text;
  return text.replace(TIME, (_m, y, mo, d, sep, h, mi, s) => {
    const t = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) + days * DAY).toISOString();
    return `${t.slice(0, 10)}${sep}${t.slice(11, 19)}`;
  });
}

const IDS = {
  xml: /(<EventRecordID>)(\d+)(<\/EventRecordID>)/g,
  pyxml: /(<EventRecordID>)(\d+)(<\/EventRecordID>)/g,
  ndjson: /("EventRecordID"\s*:\s*"?)(\d+)()/g,
};

/** Replica `k` of a source text: record ids moved by k·10⁷, times by k days. */
function replica(text, kind, k) {
  if (k === 0) return text;
  const ids = text.replace(IDS[kind], (_m, a, n, b) => `${a}${Number(n) + k * 10_000_000}${b}`);
  return shiftTimes(ids, k);
}

function countRecords(text, kind) {
  if (kind === 'ndjson') {
    let n = 0;
    for (const line of text.split('\n')) if (line.trim() !== '') n++;
    return n;
  }
  let n = 0;
  let i = text.indexOf('</Event>');
  while (i >= 0) {
    n++;
    i = text.indexOf('</Event>', i + 8);
  }
  return n;
}

/**
 * Builds (or reuses) the input of one kind, about `mb` MB; returns its path and record count.
 * A sidecar `.meta.json` records how it was built, so a size or layout change rebuilds it.
 */
export async function buildInput(kind, mb) {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, `events-${kind}.${kind === 'ndjson' ? 'ndjson' : 'xml'}`);
  const metaFile = `${file}.meta.json`;
  const want = Math.round(mb * 1e6);
  const srcs = sources(kind);
  if (existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    if (
      meta.layout === LAYOUT &&
      meta.want === want &&
      meta.shared === hasShared &&
      meta.sources === srcs.length &&
      statSync(file).size === meta.bytes
    )
      return { file, events: meta.events, bytes: meta.bytes };
  }
  const parts = srcs.map((f) => body(f, kind)).filter((t) => t.length > 0);
  const counts = parts.map((p) => countRecords(p, kind));
  const out = createWriteStream(file);
  let bytes = 0;
  let events = 0;
  if (kind === 'pyxml') {
    const head = '<?xml version="1.1" encoding="utf-8" standalone="yes" ?>\n\n<Events>\n';
    out.write(head);
    bytes += Buffer.byteLength(head);
  }
  for (let k = 0; bytes < want; k++) {
    for (let i = 0; i < parts.length && bytes < want; i++) {
      const t = replica(parts[i], kind, k);
      if (!out.write(t)) await new Promise((r) => out.once('drain', r));
      bytes += Buffer.byteLength(t);
      events += counts[i];
    }
  }
  if (kind === 'pyxml') {
    out.write('</Events>\n');
    bytes += 10;
  }
  await new Promise((r) => out.end(r));
  writeFileSync(
    metaFile,
    JSON.stringify({ layout: LAYOUT, want, shared: hasShared, sources: srcs.length, bytes, events }),
  );
  return { file, events, bytes };
}
