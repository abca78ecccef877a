import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EqlRunner, valueNeed } from '../../src/engine/index.js';
import { type EqlRuleIR, eqlRuleFromQuery, parseEql } from '../../src/eql/index.js';
import { parseChunk } from '../../src/event/index.js';
import { ROOT } from './fixture-job.js';

const shared = path.resolve(ROOT, '../shared');
const elasticRules = path.join(shared, 'eql-rules/windows-eql-rules.jsonl');
const corpusLogs = path.join(shared, 'corpus/logs');
const hasShared = existsSync(elasticRules) && existsSync(corpusLogs);
if (!hasShared) console.warn("skipping the EQL index against Elastic's rules: ../shared not present");

function need(query: string) {
  return valueNeed(parseEql(query));
}

function logFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) logFiles(p, out);
    else if (/\.(xml|ndjson)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** Every match and stage record the runner reports over `files`, one line each. */
function run(rules: EqlRuleIR[], files: string[], index: boolean): string[] {
  const runner = new EqlRunner(rules, { index });
  const out: string[] = [];
  for (const file of files) {
    parseChunk(
      { format: file.endsWith('.xml') ? 'xml' : 'ndjson', data: readFileSync(file), offset: 0, line: 1 },
      file,
      (ev, src) => {
        const at = `${path.relative(ROOT, file)}@${src.offset ?? src.line}`;
        runner.run(
          ev,
          (r) => out.push(`${at} match ${rules[r]!.id}`),
          (r, hits) => out.push(`${at} stages ${rules[r]!.id} ${JSON.stringify(hits)}`),
        );
      },
      () => undefined,
    );
  }
  return out;
}

describe('the EQL event-query index', () => {
  it('finds the value a condition needs, only where the comparison is on the text', () => {
    expect(need('process where event.type == "start" and process.name : ("A.exe", "b.EXE")')).toEqual({
      choices: [{ path: 'process.name', keys: ['a.exe', 'b.exe'] }],
    });
    // Either of two fields; `in~` folds, `==` with a plain string compares strings.
    expect(
      need('process where process.name in~ ("X.exe") or ?process.pe.original_file_name == "Y.EXE"'),
    ).toEqual({
      choices: [
        { path: 'process.name', keys: ['x.exe'] },
        { path: 'process.pe.original_file_name', keys: ['y.exe'] },
      ],
    });
    // The fewest values win.
    expect(
      need('process where process.parent.name : ("a", "b", "c") and process.name : ("d", "e")')?.choices,
    ).toEqual([{ path: 'process.name', keys: ['d', 'e'] }]);
    // Wildcards, negations, numbers compared as numbers, booleans, and fields every event holds.
    for (const q of [
      'process where process.name : "*.exe"',
      'process where not process.name : "a.exe"',
      'process where process.name not in ("a.exe")',
      'process where process.pid == "4"',
      'process where process.name == "true"',
      'process where process.name : "a.exe" or process.args : "*x*"',
      'process where host.os.type == "windows" and event.type == "start"',
      'sequence [process where process.name : "a.exe"] [network where true]',
      'sequence [process where process.name : "a.exe"] [file where file.name : "b"] until [any where true]',
    ])
      expect(need(q), q).toBeNull();
    // A sequence needs what one of its stages needs, its until stage included.
    expect(
      need(
        'sequence [process where process.name : "a.exe"] [file where file.name : "B"] until [x where y == "c"]',
      ),
    ).toEqual({
      choices: [
        { path: 'process.name', keys: ['a.exe'] },
        { path: 'file.name', keys: ['b'] },
        { path: 'y', keys: ['c'] },
      ],
    });
  });

  it('gives the same matches as trying every rule of the category, on the fixtures', () => {
    const rules = [
      'process where process.name : "WHOAMI.EXE"',
      'process where process.name in ("HOSTNAME.EXE", "nothing.exe")',
      'process where process.name == "hostname.exe"',
      'any where process.name : "system" or ?process.pe.original_file_name == "x"',
      'process where process.args : "c:\\\\windows\\\\system32\\\\hostname.exe"',
      'sequence by host.name [process where process.name : "hostname.exe"] [process where true]',
      'sequence by host.name [process where process.name : "whoami.exe"] [process where process.name : "hostname.exe"]',
    ].map((q, i) => eqlRuleFromQuery(q, i + 1));
    const files = [
      ...logFiles(path.join(ROOT, 'fixtures/eql')),
      ...logFiles(path.join(ROOT, 'fixtures/sigma')),
    ];
    const indexed = run(rules, files, true);
    expect(indexed).toEqual(run(rules, files, false));
    const matched = new Set(indexed.filter((l) => l.includes(' match ')).map((l) => l.split(' ')[2]));
    // Case-sensitive `==` finds nothing where the log writes HOSTNAME.EXE; the others do.
    expect([...matched].sort()).toEqual(['eql-query-1', 'eql-query-2', 'eql-query-4', 'eql-query-5']);
    // The indexed sequence has both of its stages filled.
    const staged = indexed.filter((l) => l.includes(' stages eql-query-7 '));
    expect(new Set(staged.map((l) => JSON.parse(l.split(' ').slice(3).join(' '))[0].stage))).toEqual(
      new Set([0, 1]),
    );
  });

  it.skipIf(!hasShared)(
    "gives the same matches and stages as no index, Elastic's 486 rules over the shared corpus",
    () => {
      const rules = readFileSync(elasticRules, 'utf8')
        .trim()
        .split('\n')
        .map((l, i) => ({ ...eqlRuleFromQuery((JSON.parse(l) as { query: string }).query, i), id: `r${i}` }));
      const files = logFiles(corpusLogs);
      const indexed = run(rules, files, true);
      expect(indexed).toEqual(run(rules, files, false));
      // The index is exercised: indexed rules match here.
      const byId = new Map(rules.map((r) => [r.id, r]));
      const indexedMatches = indexed.filter((l) => {
        const [, kind, id] = l.split(' ');
        return kind === 'match' && valueNeed(byId.get(id!)!.ast) !== null;
      });
      expect(indexedMatches.length).toBeGreaterThan(100);
    },
  );
});
