// The raw screen's scan loop measured alone, over the gates' own automata (run after the build):
//   node bench/scan-kernel.mjs [logs-file]
// Screens and matches the first 30 MiB of an NDJSON file once, as a hunt does, and records every
// scan (its automaton and byte ranges). Then, over the same scans, in turns:
// - `js`: the scan loop as AhoCorasick.scanRanges runs it in JavaScript, the reports written to an
//   array instead of a call each (so that the kernels compare);
// - `hot-first`: the same loop over tables whose states are renumbered by how often this input
//   visited them (accepting states still last), which says what a state order could buy;
// - `wasm`: the hunt's own kernel (src/engine/scan-kernel.wat, as built into dist/engine), two
//   ranges at a time, over copies of the tables in one shared WebAssembly memory.
// Each pass prints ns per scanned byte; the report counts must agree. Also prints how concentrated
// the visits are in the largest automata. Defaults: SigmaHQ's Windows rules (else the bundled ones;
// SPOOR_BENCH_RULES picks others), the benchmark's NDJSON input (bench/data/, from `npm run bench`).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileSigma } from '../dist/engine/index.js';
import { AhoCorasick } from '../dist/engine/prefilter-ac.js';
import { parseChunk } from '../dist/event/index.js';
import { loadSigma } from '../dist/sigma/index.js';
import { dataDir, root } from './data.mjs';

const sharedRules = path.resolve(root, '../shared/corpus/sigma/rules/windows');
const rulesDir =
  process.env.SPOOR_BENCH_RULES ?? (existsSync(sharedRules) ? sharedRules : path.join(root, 'rules'));
const input = process.argv[2] ?? path.join(dataDir, 'events-ndjson.ndjson');
if (!existsSync(input)) {
  console.error(`${input}: no such file (run \`npm run bench\` once, or name an NDJSON file)`);
  process.exit(2);
}
const whole = readFileSync(input);
let cut = Math.min(whole.length, 30 << 20);
while (cut < whole.length && whole[cut - 1] !== 10) cut++;
const data = whole.subarray(0, cut);

const { rules } = await loadSigma([rulesDir]);
const engine = compileSigma(rules);
const scanRanges = AhoCorasick.prototype.scanRanges;
const automata = new Map();
const calls = [];
const ranges = [];
AhoCorasick.prototype.scanRanges = function (b, r, count, found) {
  let k = automata.get(this);
  if (k === undefined) {
    k = automata.size;
    automata.set(this, k);
  }
  calls.push(k, ranges.length / 2, count);
  for (let i = 0; i < 2 * count; i++) ranges.push(r[i] + b.byteOffset);
  scanRanges.call(this, b, r, count, found);
};
parseChunk(
  { format: 'ndjson', data, offset: 0, line: 1 },
  input,
  (ev) => engine.matchScreened(ev, () => undefined),
  () => undefined,
  { screen: (b, from, to, format) => engine.screen(b, from, to, format) },
);
AhoCorasick.prototype.scanRanges = scanRanges;

const bytes = new Uint8Array(data.buffer);
const callList = Int32Array.from(calls);
const rangeList = Int32Array.from(ranges);
let scanned = 0;
for (let i = 0; i < rangeList.length; i += 2) scanned += rangeList[i + 1] - rangeList[i];
/** What the loops read of each automaton (private fields of the built class). */
const tables = [...automata.keys()].map((a) => ({
  delta: a.delta,
  classes: a.byteClasses(),
  shift: a.shift,
  acceptFrom: a.acceptFrom,
}));
console.log(
  `${rules.length} rules from ${rulesDir}; ${calls.length / 3} scans over ${scanned} bytes ` +
    `in ${rangeList.length / 2} ranges (${data.length} bytes of ${input}), ${tables.length} automata`,
);

/** Reports room for one scan, as the hunt gives its kernel (wasm-scan.ts). */
const REPORTS = 16384;
const ring = new Int32Array(3 * REPORTS);
function jsScan(ts) {
  let total = 0;
  for (let c = 0; c < callList.length; c += 3) {
    let n = 0;
    const t = ts[callList[c]];
    const { delta, classes, shift, acceptFrom } = t;
    const first = callList[c + 1];
    const last = first + callList[c + 2];
    for (let r = first; r < last; r++) {
      const to = rangeList[2 * r + 1];
      let s = 0;
      for (let i = rangeList[2 * r]; i < to; i++) {
        s = delta[(s << shift) | classes[bytes[i]]];
        if (s >= acceptFrom && n < REPORTS) {
          ring[3 * n] = s;
          ring[3 * n + 1] = i;
          ring[3 * n + 2] = r;
          n++;
        }
      }
    }
    total += n;
  }
  return total;
}

// How often each state is visited, and the tables renumbered hot first (accepting states last).
const visits = tables.map((t) => new Float64Array(t.delta.length >> t.shift));
for (let c = 0; c < callList.length; c += 3) {
  const t = tables[callList[c]];
  const v = visits[callList[c]];
  for (let r = callList[c + 1]; r < callList[c + 1] + callList[c + 2]; r++) {
    let s = 0;
    for (let i = rangeList[2 * r]; i < rangeList[2 * r + 1]; i++) {
      s = t.delta[(s << t.shift) | t.classes[bytes[i]]];
      v[s]++;
    }
  }
}
function hotFirst(t, v) {
  const n = v.length;
  const width = 1 << t.shift;
  const plain = [];
  const accepting = [];
  for (let s = 1; s < n; s++) (s >= t.acceptFrom ? accepting : plain).push(s);
  plain.sort((a, b) => v[b] - v[a]);
  accepting.sort((a, b) => v[b] - v[a]);
  const order = [0, ...plain, ...accepting];
  const perm = new Int32Array(n);
  order.forEach((s, i) => {
    perm[s] = i;
  });
  const delta = new t.delta.constructor(t.delta.length);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < width; k++) delta[(i << t.shift) | k] = perm[t.delta[(order[i] << t.shift) | k]];
  return { ...t, delta, acceptFrom: t.acceptFrom === 0 ? 0 : plain.length + 1 };
}
const hot = tables.map((t, k) => hotFirst(t, visits[k]));
const largest = tables
  .map((_t, k) => ({ k, states: visits[k].length }))
  .sort((a, b) => b.states - a.states)
  .slice(0, 4);
for (const { k, states } of largest) {
  const v = visits[k];
  const total = v.reduce((s, x) => s + x, 0);
  const share = (order, top) => order.slice(0, top).reduce((s, x) => s + x, 0) / (total || 1);
  const sorted = [...v].sort((a, b) => b - a);
  const pct = (x) => `${(100 * x).toFixed(0)} %`;
  console.log(
    `automaton of ${states} states, ${total} visits: the first 256 / 4,096 states as numbered take ` +
      `${pct(share([...v], 256))} / ${pct(share([...v], 4096))} of them, the 256 / 4,096 most visited ` +
      `${pct(share(sorted, 256))} / ${pct(share(sorted, 4096))}`,
  );
}

// The hunt's WebAssembly kernel, as built.
let wasmScan;
try {
  const mod = new WebAssembly.Module(readFileSync(path.join(root, 'dist/engine/scan-kernel.wasm')));
  const align = (x) => (x + 15) & ~15;
  let at = align(bytes.length);
  const placed = tables.map((t) => {
    if (!(t.delta instanceof Uint16Array)) throw new Error('the kernel reads 16-bit tables only');
    const delta = at;
    at = align(at + t.delta.byteLength);
    const classes = at;
    at = align(at + 256);
    return { delta, classes };
  });
  const rangesAt = at;
  at = align(at + rangeList.byteLength);
  const outAt = at;
  at += ring.byteLength;
  const pages = Math.ceil(at / 65536) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const u8 = new Uint8Array(memory.buffer);
  u8.set(bytes, 0);
  tables.forEach((t, k) => {
    u8.set(new Uint8Array(t.delta.buffer, t.delta.byteOffset, t.delta.byteLength), placed[k].delta);
    u8.set(t.classes, placed[k].classes);
  });
  new Int32Array(memory.buffer).set(rangeList, rangesAt / 4);
  const scan = new WebAssembly.Instance(mod, { env: { mem: memory } }).exports.scan;
  wasmScan = () => {
    let total = 0;
    for (let c = 0; c < callList.length; c += 3) {
      const k = callList[c];
      const t = tables[k];
      const n = scan(
        rangesAt + 8 * callList[c + 1],
        callList[c + 2],
        0,
        placed[k].delta,
        placed[k].classes,
        t.shift,
        t.acceptFrom,
        outAt,
        REPORTS,
      );
      total += n < 0 ? REPORTS : n;
    }
    return total;
  };
} catch (err) {
  console.log(`no WebAssembly kernel: ${err instanceof Error ? err.message : String(err)} (npm run build)`);
}

const time = (f) => {
  const t = process.hrtime.bigint();
  const n = f();
  return { ns: Number(process.hrtime.bigint() - t) / scanned, n };
};
for (let pass = 0; pass < 7; pass++) {
  const a = time(() => jsScan(tables));
  const h = time(() => jsScan(hot));
  const w = wasmScan ? time(wasmScan) : undefined;
  const same = a.n === h.n && (w === undefined || w.n === a.n);
  console.log(
    `js ${a.ns.toFixed(2)}  hot-first ${h.ns.toFixed(2)}` +
      (w ? `  wasm ${w.ns.toFixed(2)}` : '') +
      ` ns a byte${same ? '' : `  REPORT COUNTS DIFFER: ${a.n} ${h.n} ${w?.n}`}`,
  );
}
