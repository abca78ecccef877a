import { describe, expect, it } from 'vitest';
import { compileSigma } from '../../src/engine/index.js';
import { createEvent } from '../../src/event/index.js';
import { loadText, ruleText } from './helpers.js';

const FOUNDING = `title: T1086 Remote PowerShell Session
id: 734f8d9b-42b8-41b2-bcf5-abaf49d5a3c8
description: Detects remote PowerShell seccions by monitoring for wsmprovhost as a parent or child process (sign of an active ps remote sessionn)
status: experimental
date: 2019/09/12
modified: 2019/11/10
author: Roberto Rodriguez @Cyb3rWard0g
references:
    - https://github.com/Cyb3rWard0g/ThreatHunter-Playbook/tree/master/playbooks/windows/02_execution/T1086_powershell/powershell_remote_session.md
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        - Image|endswith: '\\wsmprovhost.exe'
        - ParentImage|endswith: '\\wsmprovhost.exe'
    condition: selection
falsepositives:
    - Unknown
level: critical
`;

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

describe('the founding rule', () => {
  it('loads with its metadata', async () => {
    const { rules, problems } = await loadText(FOUNDING);
    expect(problems).toEqual([]);
    const r = rules[0]!;
    expect(r).toMatchObject({
      id: '734f8d9b-42b8-41b2-bcf5-abaf49d5a3c8',
      level: 'critical',
      status: 'experimental',
      date: '2019/09/12',
      modified: '2019/11/10',
      author: 'Roberto Rodriguez @Cyb3rWard0g',
      falsepositives: ['Unknown'],
      logsource: { category: 'process_creation', product: 'windows' },
    });
    expect(r.sources.map((s) => s.name)).toEqual(['sysmon-1', 'security-4688']);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
  it('fires on Sysmon 1 and on Security 4688, as process or parent', async () => {
    const e = compileSigma((await loadText(FOUNDING)).rules);
    const hits = (f: Record<string, string>) => {
      let n = 0;
      e.match(createEvent(f), () => n++);
      return n;
    };
    expect(hits({ Channel: SYSMON, EventID: '1', Image: 'C:\\Windows\\System32\\wsmprovhost.exe' })).toBe(1);
    expect(
      hits({ Channel: SYSMON, EventID: '1', ParentImage: 'C:\\Windows\\System32\\wsmprovhost.exe' }),
    ).toBe(1);
    expect(
      hits({
        Channel: 'Security',
        EventID: '4688',
        NewProcessName: 'C:\\Windows\\System32\\wsmprovhost.exe',
      }),
    ).toBe(1);
    expect(
      hits({
        Channel: 'Security',
        EventID: '4688',
        ParentProcessName: 'C:\\Windows\\System32\\wsmprovhost.exe',
      }),
    ).toBe(1);
    expect(
      hits({ Channel: 'Security', EventID: '4688', NewProcessName: 'C:\\Windows\\System32\\cmd.exe' }),
    ).toBe(0);
    expect(hits({ Channel: SYSMON, EventID: '3', Image: 'C:\\Windows\\System32\\wsmprovhost.exe' })).toBe(0);
    expect(hits({ Channel: 'Security', EventID: '4624', NewProcessName: 'C:\\wsmprovhost.exe' })).toBe(0);
  });
});

describe('logsource mapping', () => {
  it('converts hex process ids and integrity SIDs on 4688', async () => {
    const { rules } = await loadText(
      ruleText('    sel:\n        ProcessId: 4660\n        IntegrityLevel: High\n    condition: sel'),
    );
    const e = compileSigma(rules);
    let n = 0;
    e.match(
      createEvent({
        Channel: 'Security',
        EventID: '4688',
        NewProcessId: '0x1234',
        MandatoryLabel: 'S-1-16-12288',
      }),
      () => n++,
    );
    e.match(
      createEvent({ Channel: SYSMON, EventID: '1', ProcessId: '4660', IntegrityLevel: 'high' }),
      () => n++,
    );
    expect(n).toBe(2);
  });
  it('does not run a rule on 4688 when it reads a field 4688 lacks', async () => {
    const { rules } = await loadText(
      ruleText("    sel:\n        OriginalFileName: 'x.exe'\n    condition: sel"),
    );
    expect(rules[0]!.sources.map((s) => s.name)).toEqual(['sysmon-1']);
  });
  it('refuses an unknown logsource unless asked to ignore logsources', async () => {
    const text =
      'title: t\nlogsource:\n    product: nothing\ndetection:\n    sel:\n        A: x\n    condition: sel\n';
    const refused = await loadText(text);
    expect(refused.problems[0]).toMatchObject({
      severity: 'error',
      reason: 'unknown logsource product=nothing',
      line: 2,
    });
    const loaded = await loadText(text, { ignoreLogsource: true });
    expect(loaded.rules).toHaveLength(1);
  });
  it('registry_delete adds the EventType condition', async () => {
    const text = `title: t\nid: x\nlogsource:\n    product: windows\n    category: registry_delete\ndetection:\n    sel:\n        TargetObject|contains: Run\n    condition: sel\n`;
    const e = compileSigma((await loadText(text)).rules);
    let n = 0;
    e.match(
      createEvent({ Channel: SYSMON, EventID: '12', EventType: 'DeleteValue', TargetObject: 'HKLM\\Run\\x' }),
      () => n++,
    );
    e.match(
      createEvent({ Channel: SYSMON, EventID: '12', EventType: 'CreateKey', TargetObject: 'HKLM\\Run\\x' }),
      () => n++,
    );
    expect(n).toBe(1);
  });
});

describe('problems', () => {
  it('reports YAML errors with line and column', async () => {
    const r = await loadText('title: t\ndetection:\n  sel: [a, b\n');
    expect(r.problems[0]!.reason).toMatch(/^YAML error/);
    expect(r.problems[0]!.line).toBeGreaterThan(1);
  });
  it('reports the line of the offending detection entry', async () => {
    const r = await loadText(ruleText('    sel:\n        A: x\n        B|bogus: y\n    condition: sel'));
    expect(r.problems[0]).toMatchObject({ reason: 'unsupported modifier bogus', line: 9, severity: 'error' });
  });
  it('parses correlation documents and keeps their base rules', async () => {
    const r = await loadText(`${ruleText('    sel:\n        A: x\n    condition: sel', 'name: base\n')}---
title: many
correlation:
    type: event_count
    rules: [base]
    group-by: [A]
    timespan: 5m
    condition:
        gte: 10
`);
    expect(r.rules.map((x) => x.name)).toEqual(['base']);
    expect(r.problems).toEqual([]);
    expect(r.correlations).toHaveLength(1);
    expect(r.correlations[0]).toMatchObject({
      line: 12,
      title: 'many',
      type: 'event_count',
      rules: ['base'],
    });
  });
  it('translates a v1 aggregation into a base rule and a correlation', async () => {
    const r = await loadText(
      ruleText('    sel:\n        A: x\n    timeframe: 10m\n    condition: sel | count(B) by A > 3'),
    );
    expect(r.problems).toEqual([]);
    expect(r.rules).toHaveLength(1);
    expect(r.rules[0]!.id).toMatch(/\/search$/);
    expect(r.correlations[0]).toMatchObject({
      type: 'value_count',
      field: 'B',
      groupBy: ['A'],
      timespanMs: 600_000,
    });
    expect(r.correlations[0]!.rules).toEqual([r.rules[0]!.id]);
  });
  it('refuses a v1 aggregation without a timeframe, with the reason', async () => {
    const r = await loadText(ruleText('    sel:\n        A: x\n    condition: sel | count() > 3'));
    expect(r.rules).toHaveLength(0);
    expect(r.problems[0]!.reason).toMatch(/no `timeframe`/);
  });
  it('keeps keys such as __proto__ as plain data', async () => {
    const r = await loadText(ruleText('    sel:\n        __proto__: x\n    condition: sel'), {
      ignoreLogsource: true,
    });
    expect(r.rules[0]!.reads).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe('filters', () => {
  it('applies a filter document to the rule it names, by id or name', async () => {
    const text = `${ruleText("    sel:\n        Image|endswith: '\\rar.exe'\n    condition: sel", 'name: rar_use\n')}---
title: Filter admin accounts
logsource:
    category: process_creation
    product: windows
filter:
    rules:
        - rar_use
    selection:
        User|startswith: 'adm_'
    condition: not selection
`;
    const { rules, problems } = await loadText(text);
    expect(problems).toEqual([]);
    expect(rules[0]!.filters).toEqual(['Filter admin accounts']);
    const e = compileSigma(rules);
    let n = 0;
    e.match(createEvent({ Channel: SYSMON, EventID: '1', Image: 'c:\\rar.exe', User: 'adm_bob' }), () => n++);
    expect(n).toBe(0);
    e.match(createEvent({ Channel: SYSMON, EventID: '1', Image: 'c:\\rar.exe', User: 'bob' }), () => n++);
    expect(n).toBe(1);
  });
  it('warns when a filter names a rule that is not loaded', async () => {
    const r = await loadText(
      'title: f\nlogsource:\n    product: windows\nfilter:\n    rules: [missing-rule]\n    sel:\n        A: x\n    condition: not sel\n',
    );
    expect(r.problems).toMatchObject([
      { severity: 'warning', reason: 'filter names rule missing-rule, which is not loaded' },
    ]);
  });
});
