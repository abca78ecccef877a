// Two builds of the Sigma engine, alternating pass by pass in one process (run after the build):
//   node bench/ab.mjs OLD_DIST [NEW_DIST] [logs-file] [passes]
// On a shared host whose speed moves by tens of percent within minutes, two processes (even side by
// side, one per core) do not see the same machine; two engines in one thread, taking turns over the
// same chunks, do. Each build loads the rules and compiles its own engine (its own modules), then
// both parse, screen and match the same record-aligned 2 MiB chunks, in turns (ABBA…); the first two
// passes of each are warm-up. Prints each build's median pass, new over old, and both hit counts
// (which must agree). OLD_DIST is a dist/ folder built from another commit, e.g.
//   git worktree add /tmp/old HEAD~3 && (cd /tmp/old && npm ci) && node bench/ab.mjs /tmp/old/dist
// Defaults: this checkout's dist/ as the new build, SigmaHQ's Windows rules (else the bundled ones;
// SPOOR_BENCH_RULES picks others), the first 20 MiB of the benchmark's NDJSON input (bench/data/,
// built by `npm run bench`), 14 passes.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { dataDir, root } from './data.mjs';

const [oldDist, newDist = path.join(root, 'dist')] = process.argv.slice(2);
if (oldDist === undefined) {
  console.error('usage: node bench/ab.mjs OLD_DIST [NEW_DIST] [logs-file] [passes]');
  process.exit(2);
}
const sharedRules = path.resolve(root, '../shared/corpus/sigma/rules/windows');
const rulesDir =
  process.env.SPOOR_BENCH_RULES ?? (existsSync(sharedRules) ? sharedRules : path.join(root, 'rules'));
const input = process.argv[4] ?? path.join(dataDir, 'events-ndjson.ndjson');
const passes = Number(process.argv[5] ?? 14);
const MAX_BYTES = 20 << 20;
const CHUNK = 2 << 20;

if (!existsSync(input)) {
  console.error(`${input} is missing: run npm run bench once, or name a file`);
  process.exit(2);
}
const all = readFileSync(input);
const format = input.endsWith('.xml') ? 'xml' : 'ndjson';
const END = format === 'xml' ? Buffer.from('</Event>') : Buffer.from('\n');
/** The first record-aligned MAX_BYTES of the input, as 2 MiB chunks (each its own buffer). */
function chunks() {
  const out = [];
  let a = 0;
  while (a < Math.min(all.length, MAX_BYTES)) {
    let b = Math.min(all.length, a + CHUNK);
    if (b < all.length) {
      const e = all.indexOf(END, b);
      b = e < 0 ? all.length : e + END.length;
    }
    out.push(new Uint8Array(all.subarray(a, b)));
    a = b;
  }
  return out;
}

async function side(dist) {
  const url = (m) => pathToFileURL(path.join(path.resolve(dist), m)).href;
  const { compileSigma } = await import(url('engine/index.js'));
  const { parseChunk } = await import(url('event/index.js'));
  const { loadSigma } = await import(url('sigma/index.js'));
  const { rules } = await loadSigma([rulesDir]);
  const engine = compileSigma(rules);
  const parts = chunks();
  // As the hunt's ChunkMatcher does: no screen where it cannot turn a record away (builds that
  // cannot tell always screen).
  const screens = engine.screens === undefined || engine.screens(format);
  const screen = screens ? { screen: (b, from, to, f) => engine.screen(b, from, to, f) } : {};
  const match = screens ? (ev, on) => engine.matchScreened(ev, on) : (ev, on) => engine.match(ev, on);
  return {
    dist,
    times: [],
    hits: 0,
    run() {
      let hits = 0;
      for (const data of parts)
        parseChunk(
          { format, data, offset: 0, line: 1 },
          input,
          (ev) => match(ev, () => hits++),
          () => undefined,
          screen,
        );
      return hits;
    },
  };
}

const sides = [await side(oldDist), await side(newDist)];
for (let p = 0; p < passes; p++) {
  for (const s of p % 2 === 0 ? sides : [...sides].reverse()) {
    const t0 = process.hrtime.bigint();
    s.hits = s.run();
    if (p >= 2) s.times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const [A, B] = sides;
console.log(`${rulesDir}; ${input} (${format}, first ${Math.min(all.length, MAX_BYTES) >> 20} MiB)`);
console.log(`old ${A.dist}: median ${median(A.times).toFixed(1)} ms a pass, ${A.hits} hits`);
console.log(`new ${B.dist}: median ${median(B.times).toFixed(1)} ms a pass, ${B.hits} hits`);
console.log(
  `new / old: ${(median(B.times) / median(A.times)).toFixed(3)} (passes: ${A.times.map((t, i) => (B.times[i] / t).toFixed(2)).join(' ')})`,
);
if (A.hits !== B.hits) console.log('the builds disagree on hits');
