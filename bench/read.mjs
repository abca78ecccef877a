// Read+parse throughput of spoor's input layer on one thread, beside `grep -c` on the same bytes.
// Run after `npx tsc -p .`:  node bench/read.mjs   (SPOOR_BENCH_MB=… sets the input size, default 300)
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const dataDir = path.join(here, 'data');
const logs = path.resolve(root, '../shared/corpus/logs');
const targetMb = Number(process.env.SPOOR_BENCH_MB ?? 300);

function walk(dir, ext, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, ext, out);
    else if (ext.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out;
}

/** The source files of one format: the shared corpus if present, else the bundled fixtures. */
function sources(kind) {
  if (existsSync(logs)) {
    if (kind === 'xml') return walk(path.join(logs, 'xml-wevtutil'), ['.xml']);
    if (kind === 'pyxml') return walk(path.join(logs, 'xml-events'), ['.xml']);
    return walk(path.join(logs, 'ndjson'), ['.ndjson']);
  }
  const samples = path.join(root, 'fixtures');
  if (kind === 'ndjson') return walk(samples, ['.ndjson', '.jsonl']);
  return walk(samples, ['.xml']).filter(
    (f) => !readFileSync(f, 'utf8').startsWith('<?xml') === (kind === 'xml'),
  );
}

/** python-evtx files carry a declaration and an <Events> root: keep only their records. */
function body(file, kind) {
  let t = readFileSync(file, 'utf8');
  if (kind === 'pyxml') {
    const a = t.indexOf('<Event ');
    const b = t.lastIndexOf('</Events>');
    t = a < 0 ? '' : t.slice(a, b < 0 ? undefined : b);
  }
  return t.endsWith('\n') || t === '' ? t : `${t}\n`;
}

async function build(kind) {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, `events-${kind}.${kind === 'ndjson' ? 'ndjson' : 'xml'}`);
  const want = targetMb * 1e6;
  if (existsSync(file) && statSync(file).size >= want && statSync(file).size < want * 1.2) return file;
  const parts = sources(kind)
    .map((f) => body(f, kind))
    .filter((t) => t.length > 0);
  const out = createWriteStream(file);
  let size = 0;
  if (kind === 'pyxml') {
    out.write('<?xml version="1.1" encoding="utf-8" standalone="yes" ?>\n\n<Events>\n');
  }
  while (size < want) {
    for (const p of parts) {
      if (!out.write(p)) await new Promise((r) => out.once('drain', r));
      size += Buffer.byteLength(p);
      if (size >= want) break;
    }
  }
  if (kind === 'pyxml') out.write('</Events>\n');
  await new Promise((r) => out.end(r));
  return file;
}

async function one(kind, file) {
  const { readChunks } = await import('../dist/input/index.js');
  const { parseChunk } = await import('../dist/event/index.js');
  const input = { path: file, display: file, size: statSync(file).size };
  let events = 0;
  let warnings = 0;
  let check = 0;
  const t0 = process.hrtime.bigint();
  for await (const chunk of readChunks(input, { onWarning: () => warnings++ })) {
    parseChunk(
      chunk,
      file,
      (ev) => {
        events++;
        check += ev.eventId.length;
      },
      () => warnings++,
    );
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const rss = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ kind, seconds: s, events, warnings, rss, check })}\n`);
}

function grep(file) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('grep', ['-c', '-F', 'EventID', file], { encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds: s, count: Number(r.stdout.trim()) };
}

if (process.argv[2] === '--one') {
  await one(process.argv[3], process.argv[4]);
} else {
  const kinds = ['xml', 'pyxml', 'ndjson'];
  console.log(
    `spoor read+parse, one thread, input ≈ ${targetMb} MB per format (${existsSync(logs) ? '../shared corpus' : 'fixtures'})`,
  );
  console.log('format        MB      MB/s   events/s   peak RSS   grep -c MB/s   spoor/grep');
  for (const kind of kinds) {
    const file = await build(kind);
    const mb = statSync(file).size / 1e6;
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', kind, file], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) {
      console.error(child.stderr);
      process.exit(1);
    }
    const r = JSON.parse(child.stdout.trim().split('\n').pop());
    const g = grep(file);
    const label = { xml: 'XML wevtutil', pyxml: 'XML python-evtx', ndjson: 'NDJSON' }[kind];
    console.log(
      `${label.padEnd(16)}${mb.toFixed(0).padStart(5)}${(mb / r.seconds).toFixed(0).padStart(8)}` +
        `${Math.round(r.events / r.seconds)
          .toLocaleString('en-US')
          .padStart(11)}` +
        `${`${r.rss.toFixed(0)} MB`.padStart(11)}${(mb / g.seconds).toFixed(0).padStart(14)}` +
        `${(g.seconds / r.seconds).toFixed(2).padStart(12)}` +
        (r.warnings > 0 ? `   (${r.warnings} warnings)` : ''),
    );
  }
}
