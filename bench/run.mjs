// `npm run bench`: spoor's end-to-end hunt benchmark (run after the build; npm run bench builds first).
//
//   SPOOR_BENCH_MB=500      size of each input in MB (default 500; e.g. 50 for a quick run)
//   SPOOR_BENCH_THREADS=1,2 thread counts to run (default 1 and 2)
//   SPOOR_BENCH_SKIP_READ=1 skip the read+parse part (bench/read.mjs)
//   SPOOR_BENCH_REPEAT=3    run each measurement 3 times and report the fastest (peak RSS: the
//                           highest of the runs); on a shared machine single runs move by ±15 %
//
// Builds deterministic XML (wevtutil and python-evtx style) and NDJSON (evtx_dump) inputs under bench/data/ from
// fixtures/ and ../shared/corpus/logs (when present), runs bench/read.mjs, times rule loading and
// compiling, then runs `node bin/spoor.js hunt FILE --jsonl --sort none -q --threads N > /dev/null`
// with the bundled rules and the SigmaHQ Windows rules (when present), beside `grep -c` over the
// same file in the same run. Results are printed and written to bench/data/results.json.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildInput, dataDir, hasShared, root } from './data.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const spoor = path.join(root, 'bin/spoor.js');
const sigmaWindows = path.resolve(root, '../shared/corpus/sigma/rules/windows');
const targetMb = Number(process.env.SPOOR_BENCH_MB ?? 500);
const threadCounts = (process.env.SPOOR_BENCH_THREADS ?? '1,2').split(',').map(Number);
const repeat = Math.max(1, Number(process.env.SPOOR_BENCH_REPEAT ?? 1));
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Runs a command with stdout to /dev/null; returns wall seconds, peak RSS (MiB) and stderr. */
async function measure(cmd, args, env = {}) {
  const full = timeBin ? [timeBin, ['-f', 'SPOOR_BENCH %e %M', cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const child = spawn(full[0], full[1], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  let hwmKb = 0;
  const poll = timeBin
    ? undefined
    : setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
        } catch {
          // the process has just exited
        }
      }, 20);
  const code = await new Promise((r) => child.on('close', r));
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (poll) clearInterval(poll);
  const m = /SPOOR_BENCH (\S+) (\d+)/.exec(stderr);
  if (m) hwmKb = Number(m[2]);
  const rest = stderr.replace(/.*SPOOR_BENCH.*\n?/, '');
  if (code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${code}: ${rest.slice(0, 2000)}`);
  return { seconds: m ? Number(m[1]) : wall, rssMiB: hwmKb / 1024, stderr: rest };
}

function grepFloor(file) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('grep', ['-c', '-F', 'EventRecordID', file], { encoding: 'utf8' });
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, count: Number(r.stdout.trim()) };
}

const fmt = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const pad = (s, n) => String(s).padStart(n);

/** In a fresh process: loads the rules (cache as the environment says) and compiles them. */
async function rulesChild(paths) {
  const { loadRuleSet, compileSigma } = await import('../dist/engine/index.js');
  const t0 = performance.now();
  const set = await loadRuleSet(paths);
  const t1 = performance.now();
  const compiled = compileSigma(set.sigma);
  const t2 = performance.now();
  process.stdout.write(
    `${JSON.stringify({ rules: set.sigma.length + set.eql.length, loadMs: t1 - t0, compileMs: t2 - t1, count: compiled.count })}\n`,
  );
}

function rulesTiming(paths, env) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--rules-child', ...paths], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

async function main() {
  const results = { machine: machine(), mb: targetMb, shared: hasShared, read: null, rules: [], hunts: [] };
  console.log(
    `spoor hunt benchmark — ${results.machine.cpu} × ${results.machine.cores}, Node ${process.version}`,
  );
  console.log(
    `inputs ≈ ${targetMb} MB each, from ${hasShared ? '../shared/corpus/logs + fixtures' : 'fixtures only'}` +
      `${repeat > 1 ? `; hunts: fastest of ${repeat} runs, highest peak RSS` : ''}\n`,
  );

  const inputs = {
    xml: await buildInput('xml', targetMb),
    pyxml: await buildInput('pyxml', targetMb),
    ndjson: await buildInput('ndjson', targetMb),
  };

  if (process.env.SPOOR_BENCH_SKIP_READ !== '1') {
    const r = spawnSync(process.execPath, [path.join(here, 'read.mjs')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, SPOOR_BENCH_MB: String(targetMb) },
    });
    process.stdout.write(r.stdout);
    results.read = r.stdout;
    console.log('');
  }

  const ruleSets = [{ name: 'bundled rules', paths: [path.join(root, 'rules')] }];
  if (existsSync(sigmaWindows)) ruleSets.push({ name: 'SigmaHQ windows', paths: [sigmaWindows] });
  else console.log('(../shared/corpus/sigma not present: SigmaHQ rules skipped)\n');

  // Rule loading: a cold cache (a fresh, empty cache directory) and a warm one (the same again).
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'spoor-bench-cache-'));
  const tiny = path.join(dataDir, 'one-record.ndjson');
  writeFileSync(tiny, `${readFileSync(inputs.ndjson.file, 'utf8').slice(0, 200_000).split('\n')[0]}\n`);
  console.log(
    'rule set            rules   load cold   load warm   compile   hunt 1 event: no cache   warm cache',
  );
  for (const rs of ruleSets) {
    const env = { XDG_CACHE_HOME: cacheDir };
    const cold = rulesTiming(rs.paths, env);
    const warm = rulesTiming(rs.paths, env);
    const huntArgs = [spoor, 'hunt', tiny, '--jsonl', '--sort', 'none', '-q', '--threads', '2'];
    for (const p of rs.paths) huntArgs.push('--rules', p);
    const e2eOff = await measure(process.execPath, huntArgs, { SPOOR_RULE_CACHE: 'off' });
    await measure(process.execPath, huntArgs, env);
    const e2eWarm = await measure(process.execPath, huntArgs, env);
    results.rules.push({ name: rs.name, cold, warm, e2eOff: e2eOff.seconds, e2eWarm: e2eWarm.seconds });
    console.log(
      `${rs.name.padEnd(18)}${pad(cold.rules, 7)}${pad(`${fmt(cold.loadMs)} ms`, 12)}${pad(`${fmt(warm.loadMs)} ms`, 12)}` +
        `${pad(`${fmt(warm.compileMs)} ms`, 10)}${pad(`${fmt(e2eOff.seconds, 2)} s`, 25)}${pad(`${fmt(e2eWarm.seconds, 2)} s`, 13)}`,
    );
  }
  console.log('');

  console.log(
    'input      rules              threads     events/s     MB/s   peak RSS    wall   startup-free ev/s   grep -c MB/s   spoor/grep',
  );
  for (const rs of ruleSets) {
    const env = { XDG_CACHE_HOME: cacheDir };
    const startup = results.rules.find((r) => r.name === rs.name).e2eWarm;
    for (const kind of ['ndjson', 'xml', 'pyxml']) {
      const { file, events, bytes } = inputs[kind];
      const mb = bytes / 1e6;
      const byThreads = {};
      for (const n of threadCounts) {
        const args = [spoor, 'hunt', file, '--jsonl', '--sort', 'none', '-q', '--threads', String(n)];
        for (const p of rs.paths) args.push('--rules', p);
        let run;
        for (let i = 0; i < repeat; i++) {
          const r = await measure(process.execPath, args, env);
          if (run === undefined) run = r;
          else run = { ...(r.seconds < run.seconds ? r : run), rssMiB: Math.max(r.rssMiB, run.rssMiB) };
        }
        const g = grepFloor(file);
        const eps = events / run.seconds;
        byThreads[n] = eps;
        const steady = events / Math.max(run.seconds - startup, 1e-3);
        results.hunts.push({
          input: kind,
          rules: rs.name,
          threads: n,
          events,
          mb,
          seconds: run.seconds,
          eventsPerSec: eps,
          mbPerSec: mb / run.seconds,
          peakRssMiB: run.rssMiB,
          steadyEventsPerSec: steady,
          grepSeconds: g.seconds,
          grepCount: g.count,
        });
        console.log(
          `${kind.padEnd(11)}${rs.name.padEnd(19)}${pad(n, 7)}${pad(fmt(eps), 13)}${pad(fmt(mb / run.seconds), 9)}` +
            `${pad(`${fmt(run.rssMiB)} MiB`, 11)}${pad(`${fmt(run.seconds, 2)} s`, 8)}${pad(fmt(steady), 20)}` +
            `${pad(fmt(mb / g.seconds), 15)}${pad(`${fmt(run.seconds / g.seconds, 1)}×`, 13)}`,
        );
        if (run.stderr.trim() !== '') console.log(`  stderr: ${run.stderr.trim().split('\n')[0]}`);
      }
      const ns = Object.keys(byThreads).map(Number);
      if (ns.length > 1) {
        const lo = Math.min(...ns);
        const hi = Math.max(...ns);
        console.log(`${''.padEnd(30)}scaling ${lo}→${hi} threads: ${fmt(byThreads[hi] / byThreads[lo], 2)}×`);
      }
    }
  }
  rmSync(cacheDir, { recursive: true, force: true });
  writeFileSync(path.join(dataDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

  const sig = results.hunts.filter((h) => h.rules === 'SigmaHQ windows');
  if (sig.length > 0) {
    const best = (k) => Math.max(...sig.filter((h) => h.input === k).map((h) => h.eventsPerSec));
    const rss = Math.max(...sig.map((h) => h.peakRssMiB));
    const load = results.rules.find((r) => r.name === 'SigmaHQ windows');
    const lc = load.warm.loadMs + load.warm.compileMs;
    const mark = (ok) => (ok ? 'met' : 'NOT met');
    console.log('\ntargets with the SigmaHQ windows rules (wall-clock figures, load included):');
    console.log(`  NDJSON ≥ 100,000 events/s: ${fmt(best('ndjson'))} — ${mark(best('ndjson') >= 100_000)}`);
    console.log(`  XML ≥ 60,000 events/s:     ${fmt(best('xml'))} — ${mark(best('xml') >= 60_000)}`);
    console.log(`  peak RSS ≤ 256 MiB:         ${fmt(rss)} MiB — ${mark(rss <= 256)}`);
    console.log(`  load+compile ≤ 1 s:         ${fmt(lc)} ms (warm cache) — ${mark(lc <= 1000)}`);
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

if (process.argv[2] === '--rules-child') await rulesChild(process.argv.slice(3));
else await main();
