import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  conformanceDir,
  type Dataset,
  hasConformance,
  loadEndgame,
  loadExtra,
  loadMissing,
  runQuery,
} from './conformance-data.js';

interface EsCase {
  file: string;
  name: string;
  query: string;
  expected_event_ids: number[];
  join_keys?: (string | null)[];
}

if (!hasConformance) console.warn('skipping EQL conformance (Elasticsearch suite): ../shared not present');

describe.skipIf(!hasConformance)('Elasticsearch EQL spec suite', () => {
  const cases = hasConformance
    ? (JSON.parse(
        readFileSync(path.join(conformanceDir, 'elasticsearch', 'es_queries.index.json'), 'utf8'),
      ) as EsCase[])
    : [];
  const datasets: Record<string, () => Dataset> = {
    'test_queries.toml': loadEndgame,
    'additional_test_queries.toml': loadEndgame,
    'test_extra.toml': loadExtra,
    'test_missing_events.toml': loadMissing,
  };
  const loaded = new Map<string, Dataset>();
  const data = (file: string): Dataset => {
    let d = loaded.get(file);
    if (d === undefined) {
      d = datasets[file]();
      loaded.set(file, d);
    }
    return d;
  };
  const passed = new Map<string, number>();
  const total = new Map<string, number>();

  for (const c of cases) {
    total.set(c.file, (total.get(c.file) ?? 0) + 1);
    it(`${c.file} ${c.name}`, () => {
      const r = runQuery(c.query, data(c.file));
      expect(r.ids).toEqual(c.expected_event_ids);
      if (c.join_keys !== undefined) {
        const norm = (v: string | number | null) => (v === null || v === 'null' ? null : String(v));
        expect(r.joinKeys.map(norm)).toEqual(c.join_keys.map(norm));
      }
      passed.set(c.file, (passed.get(c.file) ?? 0) + 1);
    });
  }

  it('covers all four files of the suite', () => {
    expect([...total.keys()].sort()).toEqual(Object.keys(datasets).sort());
    expect(cases.length).toBe(260);
  });

  afterAll(() => {
    const lines = [...total].map(([f, n]) => `  ${f}: ${passed.get(f) ?? 0}/${n}`);
    console.log(`Elasticsearch EQL suite, queries passing per file:\n${lines.join('\n')}`);
  });
});
