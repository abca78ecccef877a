import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { compileSigma } from '../../src/engine/index.js';
import { type Event, parseChunk, type Warning } from '../../src/event/index.js';
import { loadSigma, type SigmaRuleIR } from '../../src/sigma/index.js';

// The bundled Sigma rules and their fixtures (conventions in docs/rules.md): in
// fixtures/sigma/<rule stem>.xml, an EventRecordID whose last three digits are 100-199 marks an
// event the rule must match, 900-999 one it must not match; other ids carry no expectation.

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const rulesDir = path.join(root, 'rules/sigma');
const fixturesDir = path.join(root, 'fixtures/sigma');

const FOUNDING_ID = '734f8d9b-42b8-41b2-bcf5-abaf49d5a3c8';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TACTICS = new Set([
  'reconnaissance',
  'resource-development',
  'initial-access',
  'execution',
  'persistence',
  'privilege-escalation',
  'stealth',
  'defense-impairment',
  'credential-access',
  'discovery',
  'lateral-movement',
  'collection',
  'command-and-control',
  'exfiltration',
  'impact',
]);
const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);

/**
 * Hits of a rule on another rule's fixture, each with the reason it is right. Any hit of the
 * whole bundled set on the fixtures that is neither listed here nor a must-match of the rule's
 * own fixture fails the suite, and so does a listed hit that disappears.
 */
const CROSS_HITS: Record<string, string> = {
  'proc_creation_schtasks_create_suspicious#33102 t1086_remote_powershell_session':
    'schtasks.exe was typed inside the remote PowerShell session, so its parent is wsmprovhost.exe',
};

function listRules(dir: string): string[] {
  const out: string[] = [];
  for (const ent of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) {
      if (path.relative(rulesDir, p) === 'correlation') continue;
      out.push(...listRules(p));
    } else if (/\.ya?ml$/.test(ent.name)) out.push(p);
  }
  return out.sort();
}

const stemOf = (file: string) => path.basename(file).replace(/\.ya?ml$/, '');
const ruleFiles = listRules(rulesDir);

type Expect = 'match' | 'no-match' | 'none';
function expectation(recordId: string): Expect {
  const tail = Number(recordId) % 1000;
  if (tail >= 100 && tail <= 199) return 'match';
  if (tail >= 900 && tail <= 999) return 'no-match';
  return 'none';
}

function readFixture(stem: string, xmlReader: 'scanner' | 'reference' = 'scanner'): Event[] {
  const file = path.join(fixturesDir, `${stem}.xml`);
  const data = readFileSync(file);
  const events: Event[] = [];
  const warnings: Warning[] = [];
  parseChunk(
    {
      format: 'xml',
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      offset: 0,
      line: 1,
    },
    file,
    (ev) => events.push(ev),
    (w) => warnings.push(w),
    { xmlReader },
  );
  expect(warnings, `parse warnings in ${stem}.xml`).toEqual([]);
  return events;
}

async function loadOne(file: string): Promise<SigmaRuleIR> {
  const res = await loadSigma([file]);
  expect(res.problems, `problems loading ${path.relative(root, file)}`).toEqual([]);
  expect(res.rules).toHaveLength(1);
  return res.rules[0]!;
}

function matchedIds(rules: SigmaRuleIR[], events: Event[]): Map<string, number[]> {
  const compiled = compileSigma(rules);
  const hits = new Map<string, number[]>();
  for (const ev of events) {
    const got: number[] = [];
    compiled.match(ev, (ri) => got.push(ri));
    hits.set(ev.recordId, got);
  }
  return hits;
}

describe('bundled Sigma rule set', () => {
  it('has about two dozen rules, the founding rule among them, with unique ids and file stems', () => {
    expect(ruleFiles.length).toBeGreaterThanOrEqual(20);
    const stems = ruleFiles.map(stemOf);
    expect(new Set(stems).size).toBe(stems.length);
    const ids = ruleFiles.map((f) => (parseYaml(readFileSync(f, 'utf8')) as { id: string }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(FOUNDING_ID);
  });

  it('has one fixture per rule and no fixture without a rule', () => {
    const fixtures = readdirSync(fixturesDir)
      .filter((f) => f.endsWith('.xml'))
      .map((f) => f.slice(0, -4))
      .sort();
    expect(fixtures).toEqual(ruleFiles.map(stemOf).sort());
  });

  it('keeps the founding rule as published', () => {
    const file = path.join(rulesDir, 'founding/t1086_remote_powershell_session.yml');
    const doc = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(doc.id).toBe(FOUNDING_ID);
    expect(doc.title).toBe('T1086 Remote PowerShell Session');
    expect(doc.author).toBe('Roberto Rodriguez @Cyb3rWard0g');
    expect(doc.date).toBe('2019/09/12');
    expect(doc.level).toBe('critical');
    expect(doc.detection).toEqual({
      selection: [{ 'Image|endswith': '\\wsmprovhost.exe' }, { 'ParentImage|endswith': '\\wsmprovhost.exe' }],
      condition: 'selection',
    });
  });

  describe.each(ruleFiles.map((f) => [path.relative(rulesDir, f), f]))('%s', (_rel, file) => {
    const stem = stemOf(file);
    const founding = stem === 't1086_remote_powershell_session';

    it('carries the required metadata', () => {
      const doc = parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect(typeof doc.title).toBe('string');
      expect(String(doc.id)).toMatch(UUID);
      expect(doc.status).toBe('experimental');
      expect(typeof doc.description).toBe('string');
      expect(String(doc.description).length).toBeGreaterThan(40);
      expect(LEVELS.has(String(doc.level))).toBe(true);
      const refs = doc.references as unknown[];
      expect(Array.isArray(refs) && refs.length > 0).toBe(true);
      for (const r of refs) expect(String(r)).toMatch(/^https:\/\//);
      const fps = doc.falsepositives as unknown[];
      expect(Array.isArray(fps) && fps.length > 0).toBe(true);
      const ls = doc.logsource as Record<string, unknown>;
      expect(ls.product).toBe('windows');
      expect(typeof ls.category === 'string' || typeof ls.service === 'string').toBe(true);
      if (founding) return;
      expect(doc.author).toBe('spoor');
      expect(String(doc.date)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const tags = doc.tags as string[];
      expect(Array.isArray(tags)).toBe(true);
      for (const t of tags) expect(t).toMatch(/^attack\.([a-z-]+|t\d{4}(\.\d{3})?|s\d{4}|g\d{4})$/);
      const tactics = tags.map((t) => t.slice(7)).filter((t) => /^[a-z-]+$/.test(t));
      expect(tactics.length).toBeGreaterThan(0);
      for (const t of tactics) expect(TACTICS.has(t), `unknown tactic ${t}`).toBe(true);
      expect(tags.some((t) => /^attack\.t\d{4}/.test(t))).toBe(true);
    });

    it('has a well-formed fixture that both XML readers turn into the same events', () => {
      const fast = readFixture(stem, 'scanner');
      const reference = readFixture(stem, 'reference');
      expect(fast.length).toBeGreaterThan(0);
      expect(fast.map((ev) => ({ ...ev.fields }))).toEqual(reference.map((ev) => ({ ...ev.fields })));
    });

    it('matches every must-match event of its fixture and no must-not-match event', async () => {
      const rule = await loadOne(file);
      const events = readFixture(stem);
      const byExpect = { match: [] as string[], 'no-match': [] as string[] };
      for (const ev of events) {
        const e = expectation(ev.recordId);
        if (e !== 'none') byExpect[e].push(ev.recordId);
      }
      expect(byExpect.match.length).toBeGreaterThan(0);
      expect(byExpect['no-match'].length).toBeGreaterThan(0);
      const hits = matchedIds([rule], events);
      const matched = events.filter((ev) => hits.get(ev.recordId)!.length > 0).map((ev) => ev.recordId);
      const wrong = events
        .filter((ev) => expectation(ev.recordId) !== 'none')
        .filter((ev) => (expectation(ev.recordId) === 'match') !== matched.includes(ev.recordId))
        .map((ev) => `${ev.recordId} (${ev.channel} ${ev.eventId}) expected ${expectation(ev.recordId)}`);
      expect(wrong).toEqual([]);
    });

    if (founding) {
      it('fires on Sysmon 1 and on Security 4688, with wsmprovhost.exe as process and as parent', async () => {
        const rule = await loadOne(file);
        const events = readFixture(stem);
        const hits = matchedIds([rule], events);
        const fired = events.filter((ev) => hits.get(ev.recordId)!.length > 0);
        const kinds = new Set(
          fired.map((ev) => {
            const image = String(ev.channel === 'Security' ? ev.get('NewProcessName') : ev.get('Image'));
            const role = image.toLowerCase().endsWith('\\wsmprovhost.exe') ? 'process' : 'parent';
            return `${ev.channel}/${ev.eventId}/${role}`;
          }),
        );
        expect([...kinds].sort()).toEqual([
          'Microsoft-Windows-Sysmon/Operational/1/parent',
          'Microsoft-Windows-Sysmon/Operational/1/process',
          'Security/4688/parent',
          'Security/4688/process',
        ]);
      });
    }
  });

  it('run together over all fixtures, hits only the must-match events of each rule plus the listed cross-hits', async () => {
    const res = await loadSigma(ruleFiles);
    expect(res.problems).toEqual([]);
    expect(res.rules).toHaveLength(ruleFiles.length);
    const stemById = new Map(
      ruleFiles.map((f) => [(parseYaml(readFileSync(f, 'utf8')) as { id: string }).id, stemOf(f)]),
    );
    const expected = new Set(Object.keys(CROSS_HITS));
    const got = new Set<string>();
    for (const file of ruleFiles) {
      const stem = stemOf(file);
      const events = readFixture(stem);
      for (const ev of events)
        if (expectation(ev.recordId) === 'match') expected.add(`${stem}#${ev.recordId} ${stem}`);
      const hits = matchedIds(res.rules, events);
      for (const ev of events) {
        for (const ri of hits.get(ev.recordId)!)
          got.add(`${stem}#${ev.recordId} ${stemById.get(res.rules[ri]!.id)}`);
      }
    }
    expect([...got].sort()).toEqual([...expected].sort());
  });
});
