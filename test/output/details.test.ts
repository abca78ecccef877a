import { describe, expect, it } from 'vitest';
import { detailsFor } from '../../src/output/index.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

describe('detailsFor', () => {
  it('picks the process fields of a Sysmon process creation, in reading order', () => {
    const fields = {
      EventID: '1',
      Channel: SYSMON,
      UtcTime: '2019-09-12 10:11:12.123',
      ProcessGuid: '{abc}',
      Image: 'C:\\Windows\\System32\\whoami.exe',
      CommandLine: 'whoami /all',
      User: 'CONTOSO\\bob',
      ParentImage: 'C:\\Windows\\System32\\wsmprovhost.exe',
      Hashes: 'SHA1=00',
    };
    const d = detailsFor(fields, SYSMON, '1');
    expect(Object.keys(d)).toEqual(['CommandLine', 'Image', 'ParentImage', 'User']);
    expect(d.CommandLine).toBe('whoami /all');
  });

  it('picks the logon fields of a 4624', () => {
    const fields = {
      EventID: '4624',
      SubjectUserName: 'SYSTEM',
      TargetUserName: 'alice',
      TargetDomainName: 'CONTOSO',
      LogonType: '10',
      IpAddress: '10.0.0.5',
      WorkstationName: 'KALI',
      LogonProcessName: 'User32',
    };
    expect(detailsFor(fields, 'Security', '4624')).toEqual({
      TargetUserName: 'alice',
      TargetDomainName: 'CONTOSO',
      LogonType: '10',
      IpAddress: '10.0.0.5',
      WorkstationName: 'KALI',
    });
  });

  it('covers 4688, 7045 and 4104 and matches the channel in any case', () => {
    expect(
      Object.keys(
        detailsFor(
          {
            NewProcessName: 'c:\\x.exe',
            CommandLine: 'x -y',
            ParentProcessName: 'c:\\p.exe',
            SubjectUserName: 'u',
          },
          'SECURITY',
          '4688',
        ),
      ),
    ).toEqual(['CommandLine', 'NewProcessName', 'ParentProcessName', 'SubjectUserName']);
    expect(
      detailsFor(
        { ServiceName: 'evil', ImagePath: '%COMSPEC% /c x', StartType: 'demand start' },
        'System',
        '7045',
      ),
    ).toEqual({ ServiceName: 'evil', ImagePath: '%COMSPEC% /c x', StartType: 'demand start' });
    expect(
      detailsFor(
        { ScriptBlockText: 'IEX (New-Object Net.WebClient)', ScriptBlockId: 'g', MessageNumber: '1' },
        'Microsoft-Windows-PowerShell/Operational',
        '4104',
      ),
    ).toEqual({ ScriptBlockText: 'IEX (New-Object Net.WebClient)' });
  });

  it('falls back to well-known fields, then to the first event-data fields, never System ones', () => {
    expect(detailsFor({ CommandLine: 'a', Foo: 'b' }, 'Some/Channel', '99')).toEqual({ CommandLine: 'a' });
    const d = detailsFor(
      {
        EventID: '99',
        Channel: 'Some/Channel',
        Provider_Name: 'P',
        TimeCreated_SystemTime: '2020-01-01T00:00:00Z',
        Execution_ProcessID: '4',
        Alpha: '1',
        Beta: ['x', 'y'],
      },
      'Some/Channel',
      '99',
    );
    expect(d).toEqual({ Alpha: '1', Beta: 'x, y' });
  });

  it('falls back when a known event lacks every listed field', () => {
    expect(detailsFor({ CommandLine: 'c' }, SYSMON, '3')).toEqual({ CommandLine: 'c' });
  });

  it('keeps attacker-chosen field names as plain keys and cuts very long values', () => {
    const fields = JSON.parse('{"__proto__": "polluted", "constructor": "x"}') as Record<string, string>;
    const d = detailsFor(fields, 'Odd', '1');
    expect(Object.hasOwn(d, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const long = detailsFor({ CommandLine: 'a'.repeat(5000) }, SYSMON, '1').CommandLine!;
    expect(long.length).toBe(1000);
    expect(long.endsWith('…')).toBe(true);
  });
});
