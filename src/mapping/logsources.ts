import type { LogsourceEntry, SourceSpec } from './types.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const PS_OPERATIONAL = ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'];
const PS_CLASSIC = 'Windows PowerShell';

function sysmon(name: string, ids: number[], conditions?: SourceSpec['conditions']): SourceSpec {
  const spec: SourceSpec = { name, channels: [SYSMON], eventIds: ids.map(String) };
  if (conditions) spec.conditions = conditions;
  return spec;
}

function category(cat: string, ...sources: SourceSpec[]): LogsourceEntry {
  return { product: 'windows', category: cat, sources };
}

function service(svc: string, channels: string[], note?: string): LogsourceEntry {
  const entry: LogsourceEntry = {
    product: 'windows',
    service: svc,
    sources: [{ name: svc, channels, eventIds: null }],
  };
  if (note) entry.note = note;
  return entry;
}

/**
 * Security 4688 as a second source of `process_creation`. The renames follow the Sysmon ↔
 * Security correspondence; process ids are hexadecimal on 4688 and decimal on Sysmon, the
 * integrity level is a SID on 4688 and a word on Sysmon. Fields Sysmon 1 has and 4688 lacks
 * (ParentCommandLine, OriginalFileName, Hashes, User, CurrentDirectory, …) are not listed in
 * `only`, so a rule that reads them is not run against 4688.
 */
const SECURITY_4688: SourceSpec = {
  name: 'security-4688',
  channels: ['Security'],
  eventIds: ['4688'],
  fields: {
    Image: { from: 'NewProcessName' },
    ParentImage: { from: 'ParentProcessName' },
    ProcessId: { from: 'NewProcessId', convert: 'hex-to-decimal' },
    ParentProcessId: { from: 'ProcessId', convert: 'hex-to-decimal' },
    LogonId: { from: 'SubjectLogonId' },
    IntegrityLevel: { from: 'MandatoryLabel', convert: 'integrity-level' },
  },
  only: [
    'CommandLine',
    'SubjectUserSid',
    'SubjectUserName',
    'SubjectDomainName',
    'SubjectLogonId',
    'NewProcessId',
    'NewProcessName',
    'TokenElevationType',
    'TargetUserSid',
    'TargetUserName',
    'TargetDomainName',
    'TargetLogonId',
    'ParentProcessName',
    'MandatoryLabel',
  ],
};

/**
 * The logsource table. Each (product, category, service) a rule may name maps to one or more
 * sources; a rule is run against every source whose fields it can read. Extend it by adding rows.
 */
export const LOGSOURCES: LogsourceEntry[] = [
  // Sysmon-backed categories.
  category('process_creation', sysmon('sysmon-1', [1]), SECURITY_4688),
  category('file_change', sysmon('sysmon-2', [2])),
  category('network_connection', sysmon('sysmon-3', [3])),
  category('sysmon_status', sysmon('sysmon-4-16', [4, 16])),
  category('process_termination', sysmon('sysmon-5', [5])),
  category('driver_load', sysmon('sysmon-6', [6])),
  category('image_load', sysmon('sysmon-7', [7])),
  category('create_remote_thread', sysmon('sysmon-8', [8])),
  category('raw_access_thread', sysmon('sysmon-9', [9])),
  category('process_access', sysmon('sysmon-10', [10])),
  category('file_event', sysmon('sysmon-11', [11])),
  category('registry_event', sysmon('sysmon-12-14', [12, 13, 14])),
  category(
    'registry_add',
    sysmon('sysmon-12-createkey', [12], [{ field: 'EventType', values: ['CreateKey'] }]),
  ),
  category(
    'registry_delete',
    sysmon('sysmon-12-delete', [12], [{ field: 'EventType', values: ['DeleteKey', 'DeleteValue'] }]),
  ),
  category('registry_set', sysmon('sysmon-13', [13])),
  category('registry_rename', sysmon('sysmon-14', [14])),
  category('create_stream_hash', sysmon('sysmon-15', [15])),
  category('pipe_created', sysmon('sysmon-17-18', [17, 18])),
  category('wmi_event', sysmon('sysmon-19-21', [19, 20, 21])),
  category('dns_query', sysmon('sysmon-22', [22])),
  category('file_delete', sysmon('sysmon-23', [23])),
  category('clipboard_capture', sysmon('sysmon-24', [24])),
  category('clipboard_change', sysmon('sysmon-24', [24])),
  category('process_tampering', sysmon('sysmon-25', [25])),
  category('file_delete_detected', sysmon('sysmon-26', [26])),
  category('file_block_executable', sysmon('sysmon-27', [27])),
  category('file_block_shredding', sysmon('sysmon-28', [28])),
  category('file_executable_detected', sysmon('sysmon-29', [29])),
  category('sysmon_error', sysmon('sysmon-255', [255])),
  // Kernel-File ETW (no classic channel): matched on the provider.
  category('file_access', {
    name: 'kernel-file',
    channels: null,
    eventIds: null,
    conditions: [{ field: 'Provider_Name', values: ['Microsoft-Windows-Kernel-File'] }],
  }),
  category('file_rename', {
    name: 'kernel-file',
    channels: null,
    eventIds: null,
    conditions: [{ field: 'Provider_Name', values: ['Microsoft-Windows-Kernel-File'] }],
  }),
  // PowerShell.
  category('ps_module', { name: 'powershell-4103', channels: PS_OPERATIONAL, eventIds: ['4103'] }),
  category('ps_script', { name: 'powershell-4104', channels: PS_OPERATIONAL, eventIds: ['4104'] }),
  category('ps_classic_start', { name: 'powershell-classic-400', channels: [PS_CLASSIC], eventIds: ['400'] }),
  category('ps_classic_provider_start', {
    name: 'powershell-classic-600',
    channels: [PS_CLASSIC],
    eventIds: ['600'],
  }),
  category('ps_classic_script', {
    name: 'powershell-classic-800',
    channels: [PS_CLASSIC],
    eventIds: ['800'],
  }),
  // Antivirus detections, read from Defender (no product in SigmaHQ's antivirus rules).
  {
    category: 'antivirus',
    sources: [
      {
        name: 'windefend-detection',
        channels: ['Microsoft-Windows-Windows Defender/Operational'],
        eventIds: [
          '1006',
          '1007',
          '1008',
          '1009',
          '1010',
          '1011',
          '1012',
          '1017',
          '1018',
          '1019',
          '1115',
          '1116',
        ],
        fields: { Signature: { from: 'ThreatName' }, Filename: { from: 'Path' } },
      },
    ],
    note: 'Defender events that carry a threat name or path.',
  },
  // Services: one channel (or a few) each.
  service('application', ['Application']),
  service('application-experience', [
    'Microsoft-Windows-Application-Experience/Program-Telemetry',
    'Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant',
  ]),
  service('applocker', [
    'Microsoft-Windows-AppLocker/MSI and Script',
    'Microsoft-Windows-AppLocker/EXE and DLL',
    'Microsoft-Windows-AppLocker/Packaged app-Deployment',
    'Microsoft-Windows-AppLocker/Packaged app-Execution',
  ]),
  service('appmodel-runtime', ['Microsoft-Windows-AppModel-Runtime/Admin']),
  service('appxdeployment-server', ['Microsoft-Windows-AppXDeploymentServer/Operational']),
  service('appxpackaging-om', ['Microsoft-Windows-AppxPackaging/Operational']),
  service('bitlocker', ['Microsoft-Windows-BitLocker/BitLocker Management']),
  service('bits-client', ['Microsoft-Windows-Bits-Client/Operational']),
  service('capi2', ['Microsoft-Windows-CAPI2/Operational']),
  service('certificateservicesclient-lifecycle-system', [
    'Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational',
  ]),
  service('codeintegrity-operational', ['Microsoft-Windows-CodeIntegrity/Operational']),
  service('dhcp', ['Microsoft-Windows-DHCP-Server/Operational']),
  service('diagnosis-scripted', ['Microsoft-Windows-Diagnosis-Scripted/Operational']),
  service('dns-client', ['Microsoft-Windows-DNS Client Events/Operational']),
  service('dns-server', ['DNS Server']),
  service('dns-server-analytic', ['Microsoft-Windows-DNS-Server/Analytical']),
  service('dns-server-audit', ['Microsoft-Windows-DNS-Server/Audit']),
  service('driver-framework', ['Microsoft-Windows-DriverFrameworks-UserMode/Operational']),
  service('firewall-as', ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall']),
  service('hyper-v-worker', ['Microsoft-Windows-Hyper-V-Worker']),
  service('iis-configuration', ['Microsoft-IIS-Configuration/Operational']),
  service('kernel-event-tracing', ['Microsoft-Windows-Kernel-EventTracing']),
  service('kernel-shimengine', [
    'Microsoft-Windows-Kernel-ShimEngine/Operational',
    'Microsoft-Windows-Kernel-ShimEngine/Diagnostic',
  ]),
  service('ldap', ['Microsoft-Windows-LDAP-Client/Debug']),
  service('lsa-server', ['Microsoft-Windows-LSA/Operational']),
  service('msexchange-management', ['MSExchange Management']),
  service('ntfs', ['Microsoft-Windows-Ntfs/Operational']),
  service('ntlm', ['Microsoft-Windows-NTLM/Operational']),
  service('openssh', ['OpenSSH/Operational']),
  service('powershell', PS_OPERATIONAL),
  service('powershell-classic', [PS_CLASSIC]),
  service('printservice-admin', ['Microsoft-Windows-PrintService/Admin']),
  service('printservice-operational', ['Microsoft-Windows-PrintService/Operational']),
  service('security', ['Security']),
  service('security-mitigations', [
    'Microsoft-Windows-Security-Mitigations/Kernel Mode',
    'Microsoft-Windows-Security-Mitigations/User Mode',
  ]),
  service('sense', ['Microsoft-Windows-SENSE/Operational']),
  service('servicebus-client', [
    'Microsoft-ServiceBus-Client/Operational',
    'Microsoft-ServiceBus-Client/Admin',
  ]),
  service(
    'microsoft-servicebus-client',
    ['Microsoft-ServiceBus-Client/Operational', 'Microsoft-ServiceBus-Client/Admin'],
    'Older spelling of servicebus-client.',
  ),
  service('shell-core', ['Microsoft-Windows-Shell-Core/Operational']),
  service('smbclient-connectivity', ['Microsoft-Windows-SmbClient/Connectivity']),
  service('smbclient-security', ['Microsoft-Windows-SmbClient/Security']),
  service('smbserver-connectivity', ['Microsoft-Windows-SMBServer/Connectivity']),
  service('sysmon', [SYSMON]),
  service('system', ['System']),
  service('taskscheduler', ['Microsoft-Windows-TaskScheduler/Operational']),
  service('terminalservices-localsessionmanager', [
    'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational',
  ]),
  service('vhdmp', ['Microsoft-Windows-VHDMP/Operational']),
  service('windefend', ['Microsoft-Windows-Windows Defender/Operational']),
  service('wmi', ['Microsoft-Windows-WMI-Activity/Operational']),
  // product: windows alone: any Windows event.
  { product: 'windows', sources: [{ name: 'windows-any', channels: null, eventIds: null }] },
];
