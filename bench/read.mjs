// Read+parse throughput of spoor's input layer on one thread, beside `grep -c` on the same bytes.
// Run after `npx tsc -p .`:  node bench/read.mjs   (SPOOR_BENCH_MB=… sets the input size, default 500)
// `npm run bench` runs it as its first part; the inputs are the ones bench/data.mjs builds.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildInput, hasShared } from './data.mjs';

const targetMb = Number(process.env.SPOOR_BENCH_MB ?? 500);
// On a shared machine a single run moves by ±15 %: SPOOR_BENCH_REPEAT=3 runs each input three times
// and reports the fastest run (interference only ever adds time), with the spread beside it.
const repeat = Math.max(1, Number(process.env.SPOOR_BENCH_REPEAT ?? 1));

async function one(kind, file, every) {
  const { readChunks } = await import('../dist/input/index.js');
  const { parseChunk } = await import('../dist/event/index.js');
  const input = { path: file, display: file, size: statSync(file).size };
  let events = 0;
  let warnings = 0;
  let check = 0;
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for await (const chunk of readChunks(input, { onWarning: () => warnings++ })) {
    parseChunk(
      chunk,
      file,
      (ev) => {
        events++;
        // What every hunt reads of every event: its time, channel and event id.
        check += ev.eventId.length + ev.channel.length + (Number.isNaN(ev.timestamp) ? 0 : 1);
        // The second NDJSON row also reads every value of every field, as a rule's keyword search
        // or the literal pre-filter does: what a record costs when nothing can stay unread.
        if (every) check += ev.allValues().length;
      },
      () => warnings++,
    );
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  // CPU time of the whole process (the GC's helper threads included): on a busy machine it says
  // more about the per-core cost than the wall clock does.
  const cpu = (c.user + c.system) / 1e6;
  const rss = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ kind, seconds: s, cpu, events, warnings, rss, check })}\n`);
}

function grep(file) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('grep', ['-c', '-F', 'EventID', file], { encoding: 'utf8' });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds: s, count: Number(r.stdout.trim()) };
}

if (process.argv[2] === '--one') {
  await one(process.argv[3], process.argv[4], process.argv[5] === 'every');
} else {
  const kinds = ['xml', 'pyxml', 'ndjson', 'ndjson-every'];
  console.log(
    `spoor read+parse, one thread, input ≈ ${targetMb} MB per format (${hasShared ? '../shared corpus + fixtures' : 'fixtures'})` +
      (repeat > 1 ? `, fastest of ${repeat} runs` : ''),
  );
  console.log('format        MB      MB/s  MB/cpu-s   events/s   peak RSS   grep -c MB/s   spoor/grep');
  for (const kind of kinds) {
    const every = kind === 'ndjson-every';
    const { file } = await buildInput(every ? 'ndjson' : kind, targetMb);
    const mb = statSync(file).size / 1e6;
    const args = [fileURLToPath(import.meta.url), '--one', kind, file, ...(every ? ['every'] : [])];
    const runs = [];
    for (let i = 0; i < repeat; i++) {
      const child = spawnSync(process.execPath, args, {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      if (child.status !== 0) {
        console.error(child.stderr);
        process.exit(1);
      }
      runs.push(JSON.parse(child.stdout.trim().split('\n').pop()));
    }
    runs.sort((a, b) => a.seconds - b.seconds);
    const r = runs[0];
    const spread =
      repeat > 1
        ? `   (${runs.length} runs: ${runs.map((x) => (mb / x.seconds).toFixed(0)).join(', ')} MB/s)`
        : '';
    const g = grep(file);
    const label = {
      xml: 'XML wevtutil',
      pyxml: 'XML python-evtx',
      ndjson: 'NDJSON',
      'ndjson-every': 'NDJSON, all read',
    }[kind];
    console.log(
      `${label.padEnd(16)}${mb.toFixed(0).padStart(5)}${(mb / r.seconds).toFixed(0).padStart(8)}` +
        `${(mb / r.cpu).toFixed(0).padStart(10)}` +
        `${Math.round(r.events / r.seconds)
          .toLocaleString('en-US')
          .padStart(11)}` +
        `${`${r.rss.toFixed(0)} MB`.padStart(11)}${(mb / g.seconds).toFixed(0).padStart(14)}` +
        `${`${(r.seconds / g.seconds).toFixed(1)}×`.padStart(12)}` +
        (r.warnings > 0 ? `   (${r.warnings} warnings)` : '') +
        spread,
    );
  }
}
