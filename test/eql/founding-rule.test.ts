import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ecsView } from '../../src/ecs/index.js';
import {
  compileEql,
  type EqlRuleIR,
  eqlRuleFromToml,
  loadEqlRules,
  SequenceMachine,
  type SequenceResult,
} from '../../src/eql/index.js';
import { type Event, parseChunk } from '../../src/event/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const sharedRule = path.resolve(root, '../shared/eql-rules/lateral_movement_powershell_remoting_target.toml');
const hasShared = existsSync(sharedRule);
if (!hasShared) console.warn("skipping Elastic's current PowerShell Remoting rule: ../shared not present");

const positive = ['fixtures/eql/winrm-sysmon.xml', 'fixtures/eql/winrm-ecs.ndjson'];
const negative = [
  'test/fixtures/eql/winrm-sysmon-31s.xml',
  'test/fixtures/eql/winrm-sysmon-other-host.xml',
  'test/fixtures/eql/winrm-sysmon-conhost.xml',
  'test/fixtures/eql/winrm-ecs-other-host.ndjson',
];

function readEvents(file: string): Event[] {
  const data = readFileSync(path.join(root, file));
  const events: Event[] = [];
  parseChunk(
    { format: file.endsWith('.xml') ? 'xml' : 'ndjson', data, offset: 0, line: 1 },
    file,
    (ev) => events.push(ev),
    (w) => {
      throw new Error(`unexpected warning: ${JSON.stringify(w)}`);
    },
  );
  return events.sort((a, b) => a.timestamp - b.timestamp);
}

/** Runs one rule over one file the way the hunt does: per-event stage hits, then the machine. */
function hunt(rule: EqlRuleIR, file: string): SequenceResult<Event>[] {
  const compiled = compileEql(rule);
  const machine = new SequenceMachine<Event>(rule);
  const out: SequenceResult<Event>[] = [];
  for (const ev of readEvents(file)) {
    const hits = compiled.stageHits(ecsView(ev));
    if (hits !== null) out.push(...machine.push({ timestamp: ev.timestamp, event: ev, hits }));
  }
  out.push(...machine.flush());
  return out;
}

describe('Incoming Execution via PowerShell Remoting', () => {
  it('ships as version 210 with the network.protocol clause', async () => {
    const { rules, problems } = await loadEqlRules([path.join(root, 'rules/eql')]);
    expect(problems).toEqual([]);
    expect(rules).toHaveLength(1);
    const r = rules[0];
    expect(r.id).toBe('2772264c-6fb9-4d9d-9014-b416eed21254');
    expect(r.level).toBe('medium');
    expect(r.riskScore).toBe(47);
    expect(r.tags).toEqual(
      expect.arrayContaining(['OS: Windows', 'attack.ta0008', 'attack.t1021.006', 'attack.t1059.001']),
    );
    expect(r.query).toContain('network.protocol == "http"');
    expect(r.ast.kind).toBe('sequence');
  });

  const versions: [string, () => Promise<EqlRuleIR>][] = [
    [
      'v210',
      async () => {
        const { rules } = await loadEqlRules([path.join(root, 'rules/eql')]);
        return rules[0];
      },
    ],
  ];
  if (hasShared) {
    versions.push([
      "Elastic's current version",
      async () => {
        const r = eqlRuleFromToml(readFileSync(sharedRule, 'utf8'), sharedRule);
        if (!('ast' in r)) throw new Error(r.reason);
        expect(r.query).not.toContain('network.protocol');
        return r;
      },
    ]);
  }

  for (const [label, load] of versions) {
    for (const file of positive) {
      it(`${label} fires on ${path.basename(file)}`, async () => {
        const hits = hunt(await load(), file);
        expect(hits).toHaveLength(1);
        const [net, proc] = hits[0].events as Event[];
        expect(ecsView(net).get('destination.port')).toEqual(expect.stringMatching(/^5985$/));
        expect(ecsView(proc).get('process.parent.name')).toBe('wsmprovhost.exe');
        expect(proc.timestamp - net.timestamp).toBeLessThanOrEqual(30_000);
        expect(hits[0].key).toEqual([ecsView(net).get('host.id')]);
      });
    }
    for (const file of negative) {
      it(`${label} stays silent on ${path.basename(file)}`, async () => {
        expect(hunt(await load(), file)).toEqual([]);
      });
    }
  }

  it.skipIf(!hasShared)('only the current version fires when network.protocol is absent', async () => {
    const file = 'test/fixtures/eql/winrm-ecs-no-protocol.ndjson';
    const { rules } = await loadEqlRules([path.join(root, 'rules/eql')]);
    expect(hunt(rules[0], file)).toEqual([]);
    const current = eqlRuleFromToml(readFileSync(sharedRule, 'utf8'), sharedRule);
    if (!('ast' in current)) throw new Error(current.reason);
    expect(hunt(current, file)).toHaveLength(1);
  });
});
