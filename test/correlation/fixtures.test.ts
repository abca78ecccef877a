import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  type BaseMatch,
  CorrelationEngine,
  type CorrelationHit,
  type CorrelationIR,
  compareMatches,
  parseCorrelation,
  resolveCorrelations,
} from '../../src/correlation/index.js';
import { compileSigma } from '../../src/engine/index.js';
import { parseChunk } from '../../src/event/index.js';
import { loadSigma } from '../../src/sigma/index.js';
import { hitId } from '../../src/state/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bundled = path.join(root, 'rules/sigma/correlation');
const fixtures = path.join(root, 'fixtures/correlation');
const ymlIn = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => path.join(dir, f));
const xmlFiles = readdirSync(fixtures)
  .filter((f) => f.endsWith('.xml'))
  .map((f) => path.join(fixtures, f));

function correlationDocs(files: string[]): CorrelationIR[] {
  const out: CorrelationIR[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const data = doc.toJS() as Record<string, unknown>;
      if (data.correlation === undefined) continue;
      const { rule, problems } = parseCorrelation(data, path.relative(root, file));
      expect(problems).toEqual([]);
      out.push(rule!);
    }
  }
  return out;
}

/** Reads the XML files the way a worker does and returns the base matches the plan asks for. */
async function hunt(ruleFiles: string[], eventFiles: string[], splitEvery = 0): Promise<CorrelationHit[]> {
  const corrs = correlationDocs(ruleFiles);
  const loaded = await loadSigma(ruleFiles);
  expect(loaded.problems.filter((p) => !p.reason.includes('correlation'))).toEqual([]);
  const { plan, problems } = resolveCorrelations(corrs, loaded.rules);
  expect(problems).toEqual([]);
  const compiled = compileSigma(loaded.rules);
  const matches: BaseMatch[] = [];
  for (const file of eventFiles) {
    const bytes = readFileSync(file);
    // optionally cut the file into several chunks at record boundaries, as the framer does
    const lines = bytes.toString('utf8').split(/(?<=\n)/);
    const step = splitEvery > 0 ? splitEvery : lines.length;
    let offset = 0;
    for (let i = 0; i < lines.length; i += step) {
      const data = Buffer.from(lines.slice(i, i + step).join(''), 'utf8');
      const chunk = { format: 'xml' as const, data, offset, line: i + 1 };
      offset += data.length;
      parseChunk(
        chunk,
        path.basename(file),
        (ev, src) => {
          compiled.match(ev, (ri) => {
            const rule = loaded.rules[ri]!;
            const wanted = plan.fieldsByRule[rule.id];
            if (!wanted) return;
            const fields: Record<string, string> = Object.create(null);
            for (const f of wanted) {
              const v = ev.get(f);
              if (v !== undefined) fields[f] = typeof v === 'string' ? v : v.join('\n');
            }
            const iso = Number.isNaN(ev.timestamp) ? '' : new Date(ev.timestamp).toISOString();
            matches.push({
              ruleId: rule.id,
              timestamp: ev.timestamp,
              fields,
              hitId: hitId(rule.id, {
                computer: ev.computer,
                channel: ev.channel,
                recordId: ev.recordId,
                timestamp: iso,
              }),
              source: src,
            });
          });
        },
        (w) => {
          throw new Error(`unexpected warning: ${JSON.stringify(w)}`);
        },
      );
    }
  }
  const engine = new CorrelationEngine(plan);
  const hits = matches.sort(compareMatches).flatMap((m) => engine.push(m));
  expect(engine.stats()).toMatchObject({ outOfOrder: 0, untimed: 0 });
  return hits;
}

const summary = (hits: CorrelationHit[]) =>
  hits.map((h) => ({
    rule: h.title,
    group: { ...h.group },
    at: new Date(h.timestamp).toISOString().slice(11, 19),
    ...(h.count !== undefined ? { count: h.count } : { value: h.value }),
    events: h.eventsTotal,
  }));

describe('bundled correlation rules over hand-written exports', () => {
  it('finds the spraying, the brute forces and the PsExec-style service, and nothing else', async () => {
    const hits = await hunt(ymlIn(bundled), xmlFiles);
    expect(summary(hits)).toEqual([
      {
        rule: 'Password Spraying From One Address',
        group: { IpAddress: '203.0.113.50' },
        at: '09:00:00',
        value: 5,
        events: 5,
      },
      {
        rule: 'Brute Force Against One Account',
        group: { TargetUserName: 'administrator' },
        at: '10:00:00',
        count: 10,
        events: 10,
      },
      {
        rule: 'Brute Force Against One Account',
        group: { TargetUserName: 'backupadmin' },
        at: '11:31:00',
        count: 10,
        events: 10,
      },
      {
        rule: 'Network Logon Followed By A Service Installation',
        group: { Computer: 'FS01.contoso.local' },
        at: '13:00:00',
        count: 2,
        events: 2,
      },
      {
        rule: 'Explicit Credentials Used Towards A Host Followed By A Logon There',
        group: { target_host: 'FS04.contoso.local' },
        at: '14:00:00',
        count: 2,
        events: 2,
      },
    ]);
    const psexec = hits[3]!;
    expect(psexec.events.map((e) => e.source?.file)).toEqual([
      'fileservers_security.xml',
      'fileservers_system.xml',
    ]);
  });

  it('runs a chain of two correlations: brute force, then a logon of the same account', async () => {
    const hits = await hunt([...ymlIn(bundled), ...ymlIn(path.join(fixtures, 'rules'))], xmlFiles);
    const titles = hits.map((h) => h.title);
    // the chain reads the brute force rule without `generate`, so brute force hits are not output
    expect(titles).not.toContain('Brute Force Against One Account');
    const chain = hits.filter((h) => h.title === 'Brute Force Followed By A Successful Logon');
    expect(summary(chain)).toEqual([
      {
        rule: 'Brute Force Followed By A Successful Logon',
        group: { TargetUserName: 'administrator' },
        at: '10:02:15',
        count: 2,
        events: 2,
      },
    ]);
    expect(chain[0]!.level).toBe('critical');
  });

  it('gives the same hits, ids included, when the exports are read in small chunks', async () => {
    const whole = await hunt(ymlIn(bundled), xmlFiles);
    const pieces = await hunt(ymlIn(bundled), [...xmlFiles].reverse(), 3);
    expect(pieces.map((h) => h.hitId)).toEqual(whole.map((h) => h.hitId));
    expect(new Set(whole.map((h) => h.hitId)).size).toBe(whole.length);
  });
});
