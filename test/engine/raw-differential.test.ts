import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSigma } from '../../src/engine/index.js';
import { parseChunk } from '../../src/event/index.js';
import { loadSigma, type SigmaRuleIR } from '../../src/sigma/index.js';

/**
 * The raw pre-filter may only ever skip records no rule matches. Over every log of the shared
 * corpus (both XML renderings and NDJSON) and the fixtures, hunting through the screen (as the
 * workers do) must give exactly the hits of an engine that evaluates every indexed rule on every
 * parsed event, with the SigmaHQ Windows rules.
 */
const root = path.resolve(__dirname, '../..');
const shared = path.resolve(root, '../shared/corpus');
const hasShared =
  existsSync(path.join(shared, 'logs')) && existsSync(path.join(shared, 'sigma/rules/windows'));
if (!hasShared) console.warn('skipping raw pre-filter differential test: ../shared not present');

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(xml|ndjson|jsonl)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

interface Run {
  hits: string[];
  records: number;
  unparsed: number;
}

/** `raw`: every record walked and scanned raw; `default`: as a hunt runs (XML screened by key only). */
function hunt(rules: SigmaRuleIR[], files: string[], mode: 'full' | 'raw' | 'default'): Run {
  const screened = mode !== 'full';
  const engine = compileSigma(rules, { prefilter: screened, rawScan: screened, rawXml: mode === 'raw' });
  const out: Run = { hits: [], records: 0, unparsed: 0 };
  for (const file of files) {
    const format = file.endsWith('.xml') ? 'xml' : 'ndjson';
    const st = parseChunk(
      { format, data: readFileSync(file), offset: 0, line: 1 },
      file,
      (ev, src) => {
        const at = `${path.relative(root, file)}@${src.offset ?? src.line}`;
        const on = (r: number) => out.hits.push(`${at} ${rules[r]!.id}`);
        if (screened) engine.matchScreened(ev, on);
        else engine.match(ev, on);
      },
      () => undefined,
      screened ? { screen: (b, from, to, f) => engine.screen(b, from, to, f) } : {},
    );
    out.records += st.records;
    out.unparsed += st.unparsed;
  }
  return out;
}

describe.skipIf(!hasShared)('raw pre-filter against every rule on every event', () => {
  const sources = hasShared
    ? [
        ['XML (wevtutil)', walk(path.join(shared, 'logs/xml-wevtutil'))],
        ['XML (python-evtx)', walk(path.join(shared, 'logs/xml-events'))],
        [
          'NDJSON (evtx_dump) and the fixtures',
          [...walk(path.join(shared, 'logs/ndjson')), ...walk(path.join(root, 'fixtures'))],
        ],
      ]
    : [];
  let rules: SigmaRuleIR[] = [];

  it('loads the SigmaHQ Windows rules', async () => {
    rules = (await loadSigma([path.join(shared, 'sigma/rules/windows')])).rules;
    expect(rules.length).toBeGreaterThan(2000);
  });

  for (const [label, files] of sources as [string, string[]][]) {
    it(`${label}: same hits, most records never parsed`, () => {
      const fast = hunt(rules, files, 'raw');
      const full = hunt(rules, files, 'full');
      expect(fast.records).toBe(full.records);
      expect(full.unparsed).toBe(0);
      expect(fast.hits.length).toBeGreaterThan(1000);
      expect(fast.hits.sort()).toEqual(full.hits.sort());
      expect(fast.unparsed / fast.records).toBeGreaterThan(0.25);
    }, 120_000);
  }

  it('XML screened by channel and event id only (as hunts run it): same hits', () => {
    // Without the rules that read every channel, keys with no rule are turned away unparsed.
    const channelled = rules.filter((r) => r.sources.every((s) => s.channels !== null));
    expect(channelled.length).toBeLessThan(rules.length);
    for (const [label, files] of (sources as [string, string[]][]).slice(0, 2)) {
      const fast = hunt(channelled, files, 'default');
      const full = hunt(channelled, files, 'full');
      expect(fast.hits.sort(), label).toEqual(full.hits.sort());
      expect(fast.unparsed / fast.records, label).toBeGreaterThan(0.05);
    }
  }, 120_000);
});
