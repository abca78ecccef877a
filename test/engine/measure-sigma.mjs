// Throughput of the Sigma engine over the shared corpus (run after `npx tsc -p .`):
//   node test/engine/measure-sigma.mjs [repeat]
// Loads every rule tree under ../shared/corpus/sigma, parses all NDJSON logs once, then matches
// the events `repeat` times with the index alone and with the literal pre-filter.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileSigma } from '../../dist/engine/index.js';
import { parseChunk } from '../../dist/event/index.js';
import { loadSigma } from '../../dist/sigma/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const shared = path.resolve(here, '../../../shared/corpus');
const repeat = Number(process.argv[2] ?? 3);
const trees = [
  'rules',
  'rules-emerging-threats',
  'rules-threat-hunting',
  'rules-placeholder',
  'rules-compliance',
];

let t = performance.now();
const { rules, files } = await loadSigma(trees.map((d) => path.join(shared, 'sigma', d)));
const loadMs = performance.now() - t;
t = performance.now();
compileSigma(rules);
const compileMs = performance.now() - t;
console.log(
  `load ${files} files → ${rules.length} rules: ${loadMs.toFixed(0)} ms; compile: ${compileMs.toFixed(0)} ms`,
);

const events = [];
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.ndjson')) {
      parseChunk(
        { format: 'ndjson', data: readFileSync(p), offset: 0, line: 1 },
        p,
        (ev) => events.push(ev),
        () => {},
      );
    }
  }
};
walk(path.join(shared, 'logs/ndjson'));
console.log(`${events.length} events`);

for (const prefilter of [false, true]) {
  const engine = compileSigma(rules, { prefilter });
  let hits = 0;
  for (const ev of events) engine.match(ev, () => hits++);
  const before = engine.evaluated;
  const t0 = performance.now();
  for (let r = 0; r < repeat; r++) for (const ev of events) engine.match(ev, () => hits++);
  const ms = performance.now() - t0;
  const n = events.length * repeat;
  console.log(
    `prefilter ${prefilter ? 'on ' : 'off'}: ${((n / ms) * 1000).toFixed(0)} events/s, ` +
      `${((engine.evaluated - before) / n).toFixed(1)} rules evaluated per event, ${hits / (repeat + 1)} hits per pass`,
  );
}
