// What the raw screen lets through, counted (run after the build):
//   node bench/screen.mjs [rules-dir] [logs-dir-or-file]
// Screens and matches every NDJSON record once, as a hunt does, and prints: records screened, parsed,
// parsed without a hit; rule evaluations and the failed ones, the rules that fail most; and,
// simulated on the parsed events, what checking the field each literal sits in would remove (each
// alternative of a clause looked for only in its own field, after the source's renames). Counts,
// not times: they do not move with the machine's load, so two builds compare exactly.
// Defaults: SigmaHQ's Windows rules and the NDJSON logs of ../shared/corpus, else the bundled rules
// and fixtures/.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { compileSigma } from '../dist/engine/index.js';
import { parseChunk } from '../dist/event/index.js';
import { detectionRequirement, loadSigma } from '../dist/sigma/index.js';
import { root, walk } from './data.mjs';

const shared = path.resolve(root, '../shared/corpus');
const sharedRules = path.join(shared, 'sigma/rules/windows');
const sharedLogs = path.join(shared, 'logs/ndjson');
if (!existsSync(shared)) console.log('../shared/corpus is absent: using the bundled rules and fixtures/');
const rulesDir = process.argv[2] ?? (existsSync(sharedRules) ? sharedRules : path.join(root, 'rules'));
const logs = process.argv[3] ?? (existsSync(sharedLogs) ? sharedLogs : path.join(root, 'fixtures'));

const { rules } = await loadSigma([rulesDir]);
let current = [];
const engine = compileSigma(rules, {
  onEvaluated: (rule, matched) => current.push({ rule, matched }),
});

const requirements = new Map();
function requirementOf(r) {
  let req = requirements.get(r);
  if (req === undefined) {
    req = detectionRequirement(rules[r].detection);
    requirements.set(r, req);
  }
  return req;
}

function lower(v) {
  if (v === undefined || v === null) return undefined;
  return (Array.isArray(v) ? v.join('\u0000') : String(v)).toLowerCase();
}

/** Whether every clause has an alternative whose literal is in its own field (unknown fields hold). */
function holdsByField(ev, r) {
  const sources = rules[r].sources ?? [];
  return requirementOf(r).every((clause) =>
    clause.some((alt) => {
      if (alt.field === null) return true;
      const names = new Set(sources.map((s) => s.fields?.[alt.field]?.from ?? alt.field));
      if (names.size === 0) names.add(alt.field);
      let seen = false;
      for (const name of names) {
        const v = lower(ev.get(name));
        if (v === undefined) continue;
        seen = true;
        if (v.includes(alt.lit)) return true;
      }
      return !seen;
    }),
  );
}

const c = { records: 0, parsed: 0, parsedNoHit: 0, evaluations: 0, failed: 0 };
const sim = { failedDropped: 0, noHitTurnedAway: 0, hitsLost: 0 };
const failedBy = new Map();
const files = statSync(logs).isFile() ? [logs] : walk(logs, ['.ndjson', '.jsonl', '.json']);
for (const file of files) {
  const data = readFileSync(file);
  const st = parseChunk(
    { format: 'ndjson', data, offset: 0, line: 1 },
    file,
    (ev) => {
      current = [];
      engine.matchScreened(ev, () => undefined);
      c.parsed++;
      let left = 0;
      let hit = false;
      for (const { rule, matched } of current) {
        c.evaluations++;
        const byField = holdsByField(ev, rule);
        if (byField) left++;
        if (matched) {
          hit = true;
          if (!byField) sim.hitsLost++;
          continue;
        }
        c.failed++;
        failedBy.set(rule, (failedBy.get(rule) ?? 0) + 1);
        if (!byField) sim.failedDropped++;
      }
      if (!hit) {
        c.parsedNoHit++;
        // Records parsed with no candidate at all (the screen could not read them) stay parsed.
        if (current.length > 0 && left === 0) sim.noHitTurnedAway++;
      }
    },
    () => undefined,
    { screen: (b, from, to, format) => engine.screen(b, from, to, format) },
  );
  c.records += st.records;
}

const pct = (a, b) => (b === 0 ? '0' : ((100 * a) / b).toFixed(1));
console.log(`${rules.length} rules from ${rulesDir}; NDJSON from ${logs}`);
console.log(
  `records ${c.records}, parsed ${c.parsed} (${pct(c.parsed, c.records)} %), parsed without a hit ${c.parsedNoHit}`,
);
console.log(`rule evaluations ${c.evaluations}, failed ${c.failed} (${pct(c.failed, c.evaluations)} %)`);
console.log('rules failing most:');
for (const [r, n] of [...failedBy].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
  console.log(`  ${String(n).padStart(7)}  ${rules[r].title}`);
}
console.log(
  `checking the field each literal sits in (simulated): failed evaluations ${sim.failedDropped} fewer ` +
    `(${pct(sim.failedDropped, c.failed)} %), parsed records without a hit ${sim.noHitTurnedAway} fewer ` +
    `(${pct(sim.noHitTurnedAway, c.parsedNoHit)} %); hits it would lose: ${sim.hitsLost} (must be 0)`,
);
