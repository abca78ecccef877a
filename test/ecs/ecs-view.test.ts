import { describe, expect, it } from 'vitest';
import { ecsView, isEcsEvent, splitCommandLine, toEcs } from '../../src/ecs/index.js';
import { createEvent, type FieldValue } from '../../src/event/index.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const HOST = 'WS1.corp.example';

function view(channel: string, id: string, fields: Record<string, FieldValue>) {
  return ecsView(
    createEvent({ Channel: channel, EventID: id, Computer: HOST, ...fields }, Date.UTC(2024, 2, 5, 10)),
  );
}

function expectFields(v: ReturnType<typeof view>, want: Record<string, FieldValue | undefined>): void {
  const got: Record<string, FieldValue | undefined> = {};
  for (const k of Object.keys(want)) got[k] = v.get(k);
  expect(got).toEqual(want);
}

describe('splitCommandLine (CommandLineToArgvW)', () => {
  it.each([
    ['"C:\\Program Files\\a.exe" -x "y z"', ['C:\\Program Files\\a.exe', '-x', 'y z']],
    ['C:\\a\\b.exe  arg\t two', ['C:\\a\\b.exe', 'arg', 'two']],
    ['a.exe "a\\"b" c\\\\"d e" \\\\\\"f', ['a.exe', 'a"b', 'c\\d e', '\\"f']],
    ['a.exe x\\y\\ "q""r"', ['a.exe', 'x\\y\\', 'q"r']],
    ['C:\\dir\\"quoted"', ['C:\\dir\\"quoted"']],
    ['', []],
  ])('%s', (cmd, args) => {
    expect(splitCommandLine(cmd)).toEqual(args);
  });
});

describe('ECS view of Windows events', () => {
  it('maps the common fields of every event', () => {
    expectFields(
      view(SYSMON, '1', {
        Image: 'C:\\x.exe',
        Provider_Name: 'Microsoft-Windows-Sysmon',
        EventRecordID: '7',
      }),
      {
        'host.os.type': 'windows',
        'host.id': HOST,
        'host.name': HOST,
        'event.code': '1',
        'event.provider': 'Microsoft-Windows-Sysmon',
        'winlog.channel': SYSMON,
        'winlog.record_id': '7',
        'winlog.event_data.Image': 'C:\\x.exe',
        '@timestamp': '2024-03-05T10:00:00.000Z',
      },
    );
  });

  it('Sysmon 1: process start with args, parent, PE and hashes', () => {
    const v = view(SYSMON, '1', {
      Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      CommandLine: 'powershell.exe -nop -enc "SQBFAFgA"',
      OriginalFileName: 'PowerShell.EXE',
      ProcessId: '4242',
      ProcessGuid: '{g1}',
      User: 'NT AUTHORITY\\SYSTEM',
      ParentImage: 'C:\\Windows\\System32\\wsmprovhost.exe',
      ParentCommandLine: 'C:\\Windows\\system32\\wsmprovhost.exe -Embedding',
      ParentProcessId: '3332',
      Hashes: 'SHA1=AA,MD5=BB,SHA256=CC,IMPHASH=DD',
      CurrentDirectory: 'C:\\Users\\a\\',
    });
    expectFields(v, {
      'event.category': ['process'],
      'event.type': ['start'],
      'event.action': 'Process Create (rule: ProcessCreate)',
      'process.name': 'powershell.exe',
      'process.executable': 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
      'process.args': ['powershell.exe', '-nop', '-enc', 'SQBFAFgA'],
      'process.args_count': '4',
      'process.pid': '4242',
      'process.entity_id': '{g1}',
      'process.pe.original_file_name': 'PowerShell.EXE',
      'process.hash.sha256': 'cc',
      'process.working_directory': 'C:\\Users\\a\\',
      'process.parent.name': 'wsmprovhost.exe',
      'process.parent.args': ['C:\\Windows\\system32\\wsmprovhost.exe', '-Embedding'],
      'process.parent.pid': '3332',
      'user.name': 'SYSTEM',
      'user.domain': 'NT AUTHORITY',
      'user.id': 'S-1-5-18',
    });
  });

  it('Sysmon 3: network connection, direction, transport and protocol from the port', () => {
    const v = view(SYSMON, '3', {
      Image: 'System',
      Protocol: 'tcp',
      Initiated: 'false',
      SourceIsIpv6: 'false',
      SourceIp: '10.0.2.17',
      SourcePort: '49811',
      DestinationIp: '10.0.2.10',
      DestinationPort: '5985',
    });
    expectFields(v, {
      'event.category': ['network'],
      'network.direction': 'ingress',
      'network.transport': 'tcp',
      'network.type': 'ipv4',
      'network.protocol': 'http',
      'source.ip': '10.0.2.17',
      'source.port': '49811',
      'destination.ip': '10.0.2.10',
      'destination.port': '5985',
    });
    expect(
      view(SYSMON, '3', { Initiated: 'true', DestinationPort: '50000' }).get('network.protocol'),
    ).toBeUndefined();
    expect(view(SYSMON, '3', { Initiated: 'true' }).get('network.direction')).toBe('egress');
  });

  it.each([
    ['5', { Image: 'C:\\a.exe' }, { 'event.type': ['end'], 'process.name': 'a.exe' }],
    [
      '7',
      {
        Image: 'C:\\a.exe',
        ImageLoaded: 'C:\\Windows\\System32\\amsi.dll',
        SignatureStatus: 'Valid',
        Signed: 'true',
      },
      {
        'event.category': ['library'],
        'dll.name': 'amsi.dll',
        'dll.path': 'C:\\Windows\\System32\\amsi.dll',
        'dll.code_signature.trusted': 'true',
        'dll.code_signature.signed': 'true',
      },
    ],
    [
      '8',
      { SourceImage: 'C:\\a.exe', TargetImage: 'C:\\Windows\\System32\\lsass.exe' },
      { 'process.name': 'a.exe', 'Target.process.name': 'lsass.exe' },
    ],
    [
      '10',
      { SourceImage: 'C:\\m.exe', TargetImage: 'C:\\Windows\\system32\\lsass.exe', GrantedAccess: '0x1010' },
      { 'event.type': ['access'], 'process.name': 'm.exe', 'winlog.event_data.GrantedAccess': '0x1010' },
    ],
    [
      '11',
      { Image: 'C:\\a.exe', TargetFilename: 'C:\\Users\\a\\evil.PS1' },
      {
        'event.category': ['file'],
        'event.type': ['creation'],
        'file.name': 'evil.PS1',
        'file.extension': 'PS1',
        'file.directory': 'C:\\Users\\a',
      },
    ],
    [
      '13',
      {
        Image: 'C:\\a.exe',
        TargetObject: 'HKLM\\SOFTWARE\\Microsoft\\Run\\x',
        Details: 'DWORD (0x00000001)',
      },
      {
        'event.category': ['registry'],
        'registry.path': 'HKLM\\SOFTWARE\\Microsoft\\Run\\x',
        'registry.hive': 'HKLM',
        'registry.key': 'SOFTWARE\\Microsoft\\Run',
        'registry.value': 'x',
        'registry.data.strings': ['0x00000001', '1'],
      },
    ],
    [
      '12',
      { TargetObject: 'HKU\\S-1\\k' },
      { 'event.action': 'Registry object added or deleted (rule: RegistryEvent)' },
    ],
    ['14', { TargetObject: 'HKU\\S-1\\k' }, { 'registry.hive': 'HKU' }],
    ['15', { TargetFilename: 'C:\\d\\f.exe:Zone.Identifier' }, { 'file.name': 'f.exe:Zone.Identifier' }],
    ['17', { PipeName: '\\msagent_12' }, { 'event.type': ['creation'], 'file.name': '\\msagent_12' }],
    ['18', { PipeName: '\\msagent_12' }, { 'event.type': ['access'] }],
    [
      '22',
      { QueryName: 'example.org', QueryResults: '::ffff:93.184.216.34;' },
      { 'dns.question.name': 'example.org', 'dns.resolved_ip': ['93.184.216.34'], 'network.protocol': 'dns' },
    ],
    ['23', { TargetFilename: 'C:\\t\\x.txt' }, { 'event.type': ['deletion'], 'file.name': 'x.txt' }],
    ['25', { Image: 'C:\\a.exe' }, { 'event.action': 'Process Tampering (rule: ProcessTampering)' }],
  ])('Sysmon %s', (id, fields, want) => {
    expectFields(view(SYSMON, id, fields), want);
  });

  it.each([
    [
      'Security',
      '4624',
      {
        TargetUserName: 'bob',
        TargetDomainName: 'CORP',
        TargetUserSid: 'S-1-5-21-1',
        LogonType: '3',
        IpAddress: '10.1.1.1',
      },
      {
        'event.category': ['authentication'],
        'event.action': 'logged-in',
        'event.outcome': 'success',
        'user.name': 'bob',
        'user.id': 'S-1-5-21-1',
        'winlog.logon.type': 'Network',
        'source.ip': '10.1.1.1',
      },
    ],
    [
      'Security',
      '4625',
      { TargetUserName: 'bob', LogonType: '10' },
      { 'event.outcome': 'failure', 'winlog.logon.type': 'RemoteInteractive' },
    ],
    [
      'Security',
      '4672',
      { SubjectUserName: 'adm' },
      { 'event.action': 'logged-in-special', 'user.name': 'adm' },
    ],
    [
      'Security',
      '4688',
      {
        NewProcessName: 'C:\\Windows\\System32\\cmd.exe',
        NewProcessId: '0x1a4',
        CommandLine: 'cmd.exe /c whoami',
        ParentProcessName: 'C:\\Windows\\System32\\wsmprovhost.exe',
        ProcessId: '0x10',
        SubjectUserName: 'adm',
      },
      {
        'event.type': ['start'],
        'process.name': 'cmd.exe',
        'process.pid': '420',
        'process.args': ['cmd.exe', '/c', 'whoami'],
        'process.parent.name': 'wsmprovhost.exe',
        'process.parent.pid': '16',
        'user.name': 'adm',
      },
    ],
    [
      'Security',
      '4697',
      { ServiceName: 'evil' },
      { 'event.action': 'service-installed', 'service.name': 'evil' },
    ],
    [
      'Security',
      '4698',
      { TaskName: '\\t' },
      { 'event.action': 'scheduled-task-created', 'winlog.event_data.TaskName': '\\t' },
    ],
    [
      'Security',
      '4720',
      { TargetUserName: 'new' },
      { 'event.action': 'added-user-account', 'user.target.name': 'new' },
    ],
    [
      'Security',
      '5140',
      { ShareName: '\\\\*\\C$', IpAddress: '10.2.2.2' },
      { 'event.action': 'network-share-object-accessed', 'source.ip': '10.2.2.2' },
    ],
    [
      'Security',
      '5145',
      { RelativeTargetName: 'Windows\\Temp\\x.exe', IpAddress: '10.2.2.2' },
      { 'event.action': 'network-share-object-access-checked', 'file.name': 'x.exe' },
    ],
    [
      'System',
      '7045',
      { ServiceName: 'PSEXESVC', ImagePath: '%SystemRoot%\\PSEXESVC.exe' },
      { 'event.action': 'service-installed', 'service.name': 'PSEXESVC' },
    ],
  ])('%s %s', (channel, id, fields, want) => {
    expectFields(view(channel, id, fields), want);
  });

  it('reads ECS events as they are and materialises a Windows event with toEcs', () => {
    const ecs = createEvent({ 'event.category': 'process', 'process.name': 'a.exe' });
    expect(isEcsEvent(ecs)).toBe(true);
    expect(ecsView(ecs).get('process.name')).toBe('a.exe');
    const win = createEvent({ Channel: 'Security', EventID: '4672', Computer: HOST, SubjectUserName: 'adm' });
    expect(isEcsEvent(win)).toBe(false);
    const all = toEcs(win);
    expect(all['event.action']).toBe('logged-in-special');
    expect(all['user.name']).toBe('adm');
    expect(all['winlog.event_data.SubjectUserName']).toBe('adm');
    expect(
      ecsView(createEvent({ Channel: 'Application', EventID: '1000', Computer: HOST })).get('event.category'),
    ).toBe(undefined);
  });
});
