// The Sigma engine on one core, in process (run after the build):
//   node bench/engine.mjs [rules-dir] [repeat] [logs-dir]
// Reads ../shared/corpus/logs/ndjson (or the fixtures) into memory, then parses and matches every
// record `repeat` times in four ways: every indexed rule on every parsed event; the literal
// pre-filter on the parsed events' values; the raw screen as a hunt runs it (NDJSON records walked
// and scanned before parsing, XML records screened by channel and event id only); and the raw
// screen on XML records too (SPOOR_BENCH_MODES=2,4 picks modes by number). Prints
// events/s (CPU time), rules evaluated per event and records never parsed; all must agree on hits.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSigma } from '../dist/engine/index.js';
import { parseChunk } from '../dist/event/index.js';
import { loadSigma } from '../dist/sigma/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const shared = path.resolve(root, '../shared/corpus');
const rulesDir = process.argv[2] ?? path.join(shared, 'sigma/rules/windows');
const repeat = Number(process.argv[3] ?? 3);

function walk(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ndjson|jsonl|xml)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

const logDir =
  process.argv[4] ??
  (existsSync(path.join(shared, 'logs/ndjson'))
    ? path.join(shared, 'logs/ndjson')
    : path.join(root, 'fixtures'));
const files = walk(logDir).map((f) => ({
  f,
  format: f.endsWith('.xml') ? 'xml' : 'ndjson',
  data: readFileSync(f),
}));

let t = performance.now();
const { rules } = await loadSigma([rulesDir]);
const loadMs = performance.now() - t;
console.log(`${rules.length} rules from ${rulesDir} (${loadMs.toFixed(0)} ms), logs from ${logDir}`);

const MODES = [
  'index only',
  'pre-filter on parsed events',
  'raw screen (the default)',
  'raw screen, XML too',
];
// SPOOR_BENCH_MODES=2,4 runs only those modes (1-based), e.g. to compare two builds quickly.
const only = process.env.SPOOR_BENCH_MODES?.split(',').map((x) => MODES[Number(x) - 1]);
for (const mode of MODES) {
  if (only && !only.includes(mode)) continue;
  const engine = compileSigma(rules, {
    prefilter: mode !== 'index only',
    rawScan: mode.startsWith('raw screen'),
    rawXml: mode === 'raw screen, XML too',
  });
  const screen = mode.startsWith('raw screen');
  const pass = () => {
    let hits = 0;
    let events = 0;
    let unparsed = 0;
    for (const { f, format, data } of files) {
      const st = parseChunk(
        { format, data, offset: 0, line: 1 },
        f,
        (ev) => {
          if (screen) engine.matchScreened(ev, () => hits++);
          else engine.match(ev, () => hits++);
        },
        () => undefined,
        screen ? { screen: (b, from, to, fmt) => engine.screen(b, from, to, fmt) } : {},
      );
      events += st.records;
      unparsed += st.unparsed;
    }
    return { hits, events, unparsed };
  };
  t = performance.now();
  pass(); // first pass: lazy compilation and automata
  const warmMs = performance.now() - t;
  const before = engine.evaluated;
  const cpu0 = process.cpuUsage();
  let r = { hits: 0, events: 0, unparsed: 0 };
  for (let i = 0; i < repeat; i++) r = pass();
  const cpu = process.cpuUsage(cpu0);
  const s = (cpu.user + cpu.system) / 1e6;
  const n = r.events * repeat;
  console.log(
    `${mode.padEnd(28)} ${Math.round(n / s)
      .toLocaleString('en-US')
      .padStart(
        8,
      )} events/s   ${((engine.evaluated - before) / n).toFixed(1).padStart(6)} rules evaluated/event   ` +
      `${((100 * r.unparsed) / r.events).toFixed(0).padStart(3)}% never parsed   ${r.hits} hits   first pass ${warmMs.toFixed(0)} ms`,
  );
}
