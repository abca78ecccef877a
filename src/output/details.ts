import { type Dict, dict } from '../common/index.js';
import { SYSTEM_FIELD_NAMES } from '../event/index.js';

const SYSMON = 'microsoft-windows-sysmon/operational';
const SECURITY = 'security';
const SYSTEM = 'system';
const POWERSHELL = 'microsoft-windows-powershell/operational';
const DEFENDER = 'microsoft-windows-windows defender/operational';
const TASKS = 'microsoft-windows-taskscheduler/operational';
const WMI = 'microsoft-windows-wmi-activity/operational';
const LSM = 'microsoft-windows-terminalservices-localsessionmanager/operational';
const BITS = 'microsoft-windows-bits-client/operational';

/** The fields an analyst reads first, per channel and event id, in reading order. */
const TABLE = dict<readonly string[]>();
function fieldsFor(channel: string, ids: readonly number[], fields: readonly string[]): void {
  for (const id of ids) TABLE[`${channel}|${id}`] = fields;
}

fieldsFor(SYSMON, [1], ['CommandLine', 'Image', 'ParentImage', 'ParentCommandLine', 'User']);
fieldsFor(SYSMON, [2], ['Image', 'TargetFilename', 'CreationUtcTime', 'PreviousCreationUtcTime']);
fieldsFor(
  SYSMON,
  [3],
  [
    'Image',
    'Protocol',
    'SourceIp',
    'SourcePort',
    'DestinationIp',
    'DestinationPort',
    'DestinationHostname',
    'User',
  ],
);
fieldsFor(SYSMON, [4], ['State', 'Version', 'SchemaVersion']);
fieldsFor(SYSMON, [5], ['Image', 'ProcessId', 'User']);
fieldsFor(SYSMON, [6], ['ImageLoaded', 'Signed', 'Signature', 'SignatureStatus']);
fieldsFor(SYSMON, [7], ['Image', 'ImageLoaded', 'Signed', 'Signature', 'OriginalFileName']);
fieldsFor(SYSMON, [8], ['SourceImage', 'TargetImage', 'StartFunction', 'StartModule']);
fieldsFor(SYSMON, [9], ['Image', 'Device']);
fieldsFor(SYSMON, [10], ['SourceImage', 'TargetImage', 'GrantedAccess', 'SourceUser']);
fieldsFor(SYSMON, [11, 23, 26, 29], ['Image', 'TargetFilename', 'User']);
fieldsFor(SYSMON, [12], ['EventType', 'TargetObject', 'Image']);
fieldsFor(SYSMON, [13], ['EventType', 'TargetObject', 'Details', 'Image']);
fieldsFor(SYSMON, [14], ['EventType', 'TargetObject', 'NewName', 'Image']);
fieldsFor(SYSMON, [15], ['Image', 'TargetFilename', 'Hash']);
fieldsFor(SYSMON, [16], ['Configuration', 'ConfigurationFileHash']);
fieldsFor(SYSMON, [17, 18], ['EventType', 'PipeName', 'Image']);
fieldsFor(SYSMON, [19], ['Operation', 'Name', 'Query', 'User']);
fieldsFor(SYSMON, [20], ['Operation', 'Name', 'Type', 'Destination', 'User']);
fieldsFor(SYSMON, [21], ['Operation', 'Consumer', 'Filter', 'User']);
fieldsFor(SYSMON, [22], ['QueryName', 'QueryResults', 'Image']);
fieldsFor(SYSMON, [24], ['Image', 'ClientInfo', 'Archived']);
fieldsFor(SYSMON, [25], ['Image', 'Type']);
fieldsFor(SYSMON, [27, 28], ['Image', 'TargetFilename', 'Hashes']);

fieldsFor(SECURITY, [1102], ['SubjectUserName', 'SubjectDomainName']);
fieldsFor(
  SECURITY,
  [4624],
  [
    'TargetUserName',
    'TargetDomainName',
    'LogonType',
    'IpAddress',
    'WorkstationName',
    'AuthenticationPackageName',
  ],
);
fieldsFor(
  SECURITY,
  [4625],
  ['TargetUserName', 'TargetDomainName', 'LogonType', 'IpAddress', 'WorkstationName', 'Status', 'SubStatus'],
);
fieldsFor(SECURITY, [4634, 4647], ['TargetUserName', 'TargetDomainName', 'LogonType', 'TargetLogonId']);
fieldsFor(
  SECURITY,
  [4648],
  ['SubjectUserName', 'TargetUserName', 'TargetServerName', 'IpAddress', 'ProcessName'],
);
fieldsFor(SECURITY, [4656, 4658, 4660, 4663], ['SubjectUserName', 'ObjectName', 'ProcessName', 'AccessMask']);
fieldsFor(
  SECURITY,
  [4661, 4662],
  ['SubjectUserName', 'ObjectType', 'ObjectName', 'AccessMask', 'Properties'],
);
fieldsFor(SECURITY, [4672], ['SubjectUserName', 'SubjectDomainName', 'PrivilegeList']);
fieldsFor(SECURITY, [4673, 4674], ['SubjectUserName', 'ProcessName', 'PrivilegeList', 'ObjectName']);
fieldsFor(
  SECURITY,
  [4688],
  ['CommandLine', 'NewProcessName', 'ParentProcessName', 'SubjectUserName', 'TargetUserName'],
);
fieldsFor(SECURITY, [4697], ['ServiceName', 'ServiceFileName', 'ServiceAccount', 'SubjectUserName']);
fieldsFor(SECURITY, [4698, 4699, 4700, 4701, 4702], ['TaskName', 'SubjectUserName']);
fieldsFor(SECURITY, [4719], ['SubjectUserName', 'CategoryId', 'SubcategoryGuid', 'AuditPolicyChanges']);
fieldsFor(
  SECURITY,
  [4720, 4722, 4723, 4724, 4725, 4726, 4738, 4740, 4767, 4781],
  ['TargetUserName', 'TargetDomainName', 'SubjectUserName'],
);
fieldsFor(
  SECURITY,
  [4727, 4728, 4729, 4730, 4731, 4732, 4733, 4734, 4735, 4737, 4754, 4755, 4756, 4757],
  ['MemberName', 'MemberSid', 'TargetUserName', 'SubjectUserName'],
);
fieldsFor(
  SECURITY,
  [4768, 4769, 4770, 4771],
  ['TargetUserName', 'ServiceName', 'IpAddress', 'Status', 'TicketEncryptionType', 'PreAuthType'],
);
fieldsFor(SECURITY, [4776], ['TargetUserName', 'Workstation', 'Status']);
fieldsFor(SECURITY, [4794], ['SubjectUserName', 'Workstation', 'Status']);
fieldsFor(
  SECURITY,
  [5136],
  ['SubjectUserName', 'ObjectDN', 'AttributeLDAPDisplayName', 'AttributeValue', 'OperationType'],
);
fieldsFor(
  SECURITY,
  [5140, 5145],
  ['SubjectUserName', 'IpAddress', 'ShareName', 'RelativeTargetName', 'AccessMask'],
);
fieldsFor(
  SECURITY,
  [5156, 5157, 5158],
  ['Application', 'Direction', 'SourceAddress', 'SourcePort', 'DestAddress', 'DestPort'],
);

fieldsFor(SYSTEM, [104], ['UserData_Channel', 'EventData_Channel', 'SubjectUserName', 'BackupPath']);
fieldsFor(SYSTEM, [7036], ['param1', 'param2']);
fieldsFor(SYSTEM, [7040], ['param1', 'param2', 'param3', 'param4']);
fieldsFor(SYSTEM, [7045], ['ServiceName', 'ImagePath', 'ServiceType', 'StartType', 'AccountName']);

fieldsFor(POWERSHELL, [4103], ['Payload', 'ContextInfo']);
fieldsFor(POWERSHELL, [4104], ['ScriptBlockText', 'Path']);

fieldsFor(
  DEFENDER,
  [1006, 1007, 1008, 1015, 1116, 1117, 1118, 1119],
  ['Threat Name', 'Severity Name', 'Path', 'Process Name', 'Detection User', 'Action Name'],
);
fieldsFor(DEFENDER, [5001, 5007, 5010, 5012, 5013], ['Old Value', 'New Value']);

fieldsFor(TASKS, [106, 140, 141, 200, 201], ['TaskName', 'ActionName', 'UserContext', 'UserName']);
fieldsFor(WMI, [5857, 5858, 5859, 5860, 5861], ['Namespace', 'Operation', 'Consumer', 'PossibleCause']);
fieldsFor(LSM, [21, 22, 23, 24, 25], ['User', 'Address', 'SessionID']);
fieldsFor(BITS, [3, 59, 60], ['jobTitle', 'name', 'url', 'jobOwner']);

/** Fields worth showing whatever the event, when the table has nothing for it, in this order. */
const GENERIC = [
  'CommandLine',
  'ScriptBlockText',
  'Image',
  'NewProcessName',
  'ParentImage',
  'ServiceName',
  'ImagePath',
  'TargetUserName',
  'SubjectUserName',
  'User',
  'IpAddress',
  'DestinationIp',
  'TargetFilename',
  'TargetObject',
  'QueryName',
  'ObjectName',
  'TaskName',
];

const SYSTEM_PREFIXES = [
  'TimeCreated',
  'Provider_',
  'Execution_',
  'Correlation_',
  'Security_',
  'RenderingInfo_',
];

const MAX_FIELDS = 6;
/** Longer detail values are cut here (with '…'); `event` keeps the whole value. */
export const MAX_DETAIL_CHARS = 1000;

function valueText(v: string | readonly string[]): string {
  const s = typeof v === 'string' ? v : v.join(', ');
  return s.length > MAX_DETAIL_CHARS ? `${s.slice(0, MAX_DETAIL_CHARS - 1)}…` : s;
}

function isShown(v: string | readonly string[] | undefined): v is string | readonly string[] {
  if (v === undefined) return false;
  return typeof v === 'string' ? v !== '' : v.length > 0;
}

function pick(
  fields: Record<string, string | readonly string[]>,
  names: readonly string[],
  out: Dict<string>,
): number {
  let n = 0;
  for (const name of names) {
    if (n >= MAX_FIELDS) break;
    if (!Object.hasOwn(fields, name) || Object.hasOwn(out, name)) continue;
    const v = fields[name];
    if (!isShown(v)) continue;
    out[name] = valueText(v);
    n++;
  }
  return n;
}

/**
 * The few fields an analyst reads first, keyed by their field names in reading order: from the
 * per-channel/event-id table when the event has any of them, else the generic list (command line,
 * image, user, address, …), else the first event-data fields. Lists are joined with ", ".
 */
export function detailsFor(
  fields: Record<string, string | readonly string[]>,
  channel: string,
  eventId: string,
): Record<string, string> {
  const out = dict<string>();
  const known = TABLE[`${channel.toLowerCase()}|${eventId.trim()}`];
  if (known !== undefined && pick(fields, known, out) > 0) return out;
  if (pick(fields, GENERIC, out) > 0) return out;
  const rest: string[] = [];
  for (const name of Object.keys(fields)) {
    if (rest.length >= MAX_FIELDS) break;
    if (SYSTEM_FIELD_NAMES.has(name) || SYSTEM_PREFIXES.some((p) => name.startsWith(p))) continue;
    rest.push(name);
  }
  pick(fields, rest, out);
  return out;
}

/** Short labels for the table's Details column; other field names are shown as they are. */
const LABELS = dict<string>();
for (const [field, label] of [
  ['CommandLine', 'Cmdline'],
  ['Image', 'Proc'],
  ['NewProcessName', 'Proc'],
  ['ParentImage', 'Parent'],
  ['ParentProcessName', 'Parent'],
  ['ParentCommandLine', 'ParentCmdline'],
  ['User', 'User'],
  ['SubjectUserName', 'SrcUser'],
  ['TargetUserName', 'TgtUser'],
  ['TargetDomainName', 'TgtDom'],
  ['SubjectDomainName', 'SrcDom'],
  ['LogonType', 'Type'],
  ['IpAddress', 'SrcIP'],
  ['WorkstationName', 'SrcComp'],
  ['AuthenticationPackageName', 'AuthPkg'],
  ['SourceIp', 'SrcIP'],
  ['SourcePort', 'SrcPort'],
  ['DestinationIp', 'TgtIP'],
  ['DestinationPort', 'TgtPort'],
  ['DestinationHostname', 'TgtHost'],
  ['SourceImage', 'SrcProc'],
  ['TargetImage', 'TgtProc'],
  ['TargetFilename', 'Path'],
  ['TargetObject', 'TgtObj'],
  ['ImageLoaded', 'Loaded'],
  ['ScriptBlockText', 'ScriptBlock'],
  ['ServiceName', 'Svc'],
  ['ServiceFileName', 'Path'],
  ['ImagePath', 'Path'],
  ['GrantedAccess', 'Access'],
  ['QueryName', 'Query'],
  ['QueryResults', 'Result'],
  ['UserData_Channel', 'Log'],
  ['EventData_Channel', 'Log'],
] as const) {
  LABELS[field] = label;
}

export function detailLabel(field: string): string {
  return LABELS[field] ?? field;
}
