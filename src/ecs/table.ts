/**
 * The ECS view of Windows events, as data: for each (channel, event id), the ECS categorisation
 * (`event.category`, `event.type`, `event.action`) and where each ECS field comes from. A field
 * spec is the event field to copy, a [field, transform] pair, or a constant. Names and values
 * follow what Elastic's Windows / System integrations produce, so Elastic's rules read them.
 */

export type Transform =
  | 'basename'
  | 'directory'
  | 'extension'
  | 'args'
  | 'argsCount'
  | 'userName'
  | 'userDomain'
  | 'userId'
  | 'hexToDec'
  | 'direction'
  | 'lower'
  | 'portProtocol'
  | 'ipType'
  | 'hive'
  | 'registryKey'
  | 'registryValue'
  | 'registryData'
  | 'md5'
  | 'sha1'
  | 'sha256'
  | 'imphash'
  | 'logonType'
  | 'trusted'
  | 'signed'
  | 'dnsAnswers';

export type FieldSpec = string | readonly [source: string, transform: Transform] | { readonly value: string };

export interface EcsMapping {
  category: readonly string[];
  type: readonly string[];
  action: string;
  /** Set when the outcome is fixed by the event id (4624 success, 4625 failure). */
  outcome?: string;
  fields: Readonly<Record<string, FieldSpec>>;
}

export const SYSMON_CHANNEL = 'microsoft-windows-sysmon/operational';
export const SECURITY_CHANNEL = 'security';
export const SYSTEM_CHANNEL = 'system';

type Fields = Record<string, FieldSpec>;

function proc(prefix: string, image: string, pid: string, guid: string): Fields {
  return {
    [`${prefix}.executable`]: image,
    [`${prefix}.name`]: [image, 'basename'],
    [`${prefix}.pid`]: pid,
    [`${prefix}.entity_id`]: guid,
  };
}

const PROCESS = proc('process', 'Image', 'ProcessId', 'ProcessGuid');

const SYSMON_USER: Fields = {
  'user.name': ['User', 'userName'],
  'user.domain': ['User', 'userDomain'],
  'user.id': ['User', 'userId'],
};

function file(path: string): Fields {
  return {
    'file.path': path,
    'file.name': [path, 'basename'],
    'file.extension': [path, 'extension'],
    'file.directory': [path, 'directory'],
  };
}

function hashes(prefix: string): Fields {
  return {
    [`${prefix}.hash.md5`]: ['Hashes', 'md5'],
    [`${prefix}.hash.sha1`]: ['Hashes', 'sha1'],
    [`${prefix}.hash.sha256`]: ['Hashes', 'sha256'],
    [`${prefix}.pe.imphash`]: ['Hashes', 'imphash'],
  };
}

function pe(prefix: string): Fields {
  return {
    [`${prefix}.pe.original_file_name`]: 'OriginalFileName',
    [`${prefix}.pe.description`]: 'Description',
    [`${prefix}.pe.product`]: 'Product',
    [`${prefix}.pe.company`]: 'Company',
    [`${prefix}.pe.file_version`]: 'FileVersion',
  };
}

const REGISTRY: Fields = {
  ...PROCESS,
  ...SYSMON_USER,
  'registry.path': 'TargetObject',
  'registry.hive': ['TargetObject', 'hive'],
  'registry.key': ['TargetObject', 'registryKey'],
  'registry.value': ['TargetObject', 'registryValue'],
};

const SUBJECT_USER: Fields = {
  'user.name': 'SubjectUserName',
  'user.domain': 'SubjectDomainName',
  'user.id': 'SubjectUserSid',
  'winlog.logon.id': 'SubjectLogonId',
};

const TARGET_USER: Fields = {
  'user.name': 'TargetUserName',
  'user.domain': 'TargetDomainName',
  'user.id': 'TargetUserSid',
  'winlog.logon.id': 'TargetLogonId',
};

const LOGON: Fields = {
  ...TARGET_USER,
  'user.target.name': 'TargetUserName',
  'source.ip': 'IpAddress',
  'source.port': 'IpPort',
  'source.domain': 'WorkstationName',
  'winlog.logon.type': ['LogonType', 'logonType'],
  'process.executable': 'ProcessName',
  'process.name': ['ProcessName', 'basename'],
  'process.pid': ['ProcessId', 'hexToDec'],
};

const SERVICE: Fields = {
  'service.name': 'ServiceName',
  'service.type': 'ServiceType',
  'service.start_type': 'StartType',
};

const SYSMON: Record<string, EcsMapping> = {
  '1': {
    category: ['process'],
    type: ['start'],
    action: 'Process Create (rule: ProcessCreate)',
    fields: {
      ...PROCESS,
      ...SYSMON_USER,
      ...hashes('process'),
      ...pe('process'),
      'process.command_line': 'CommandLine',
      'process.args': ['CommandLine', 'args'],
      'process.args_count': ['CommandLine', 'argsCount'],
      'process.working_directory': 'CurrentDirectory',
      ...proc('process.parent', 'ParentImage', 'ParentProcessId', 'ParentProcessGuid'),
      'process.parent.command_line': 'ParentCommandLine',
      'process.parent.args': ['ParentCommandLine', 'args'],
      'process.parent.args_count': ['ParentCommandLine', 'argsCount'],
      'winlog.logon.id': 'LogonId',
    },
  },
  '2': {
    category: ['file'],
    type: ['change'],
    action: 'File creation time changed (rule: FileCreateTime)',
    fields: { ...PROCESS, ...SYSMON_USER, ...file('TargetFilename') },
  },
  '3': {
    category: ['network'],
    type: ['connection', 'start', 'protocol'],
    action: 'Network connection detected (rule: NetworkConnect)',
    fields: {
      ...PROCESS,
      ...SYSMON_USER,
      'source.ip': 'SourceIp',
      'source.port': 'SourcePort',
      'source.domain': 'SourceHostname',
      'destination.ip': 'DestinationIp',
      'destination.port': 'DestinationPort',
      'destination.domain': 'DestinationHostname',
      'network.transport': ['Protocol', 'lower'],
      'network.direction': ['Initiated', 'direction'],
      'network.type': ['SourceIsIpv6', 'ipType'],
      'network.protocol': ['DestinationPort', 'portProtocol'],
    },
  },
  '5': {
    category: ['process'],
    type: ['end'],
    action: 'Process terminated (rule: ProcessTerminate)',
    fields: { ...PROCESS, ...SYSMON_USER },
  },
  '6': {
    category: ['driver'],
    type: ['start'],
    action: 'Driver loaded (rule: DriverLoad)',
    fields: {
      ...file('ImageLoaded'),
      ...hashes('file'),
      'file.code_signature.subject_name': 'Signature',
      'file.code_signature.status': 'SignatureStatus',
      'file.code_signature.signed': ['Signed', 'signed'],
      'file.code_signature.trusted': ['SignatureStatus', 'trusted'],
    },
  },
  '7': {
    category: ['library'],
    type: ['start'],
    action: 'Image loaded (rule: ImageLoad)',
    fields: {
      ...PROCESS,
      ...SYSMON_USER,
      'dll.path': 'ImageLoaded',
      'dll.name': ['ImageLoaded', 'basename'],
      ...hashes('dll'),
      ...pe('dll'),
      'dll.code_signature.subject_name': 'Signature',
      'dll.code_signature.status': 'SignatureStatus',
      'dll.code_signature.signed': ['Signed', 'signed'],
      'dll.code_signature.trusted': ['SignatureStatus', 'trusted'],
      'file.path': 'ImageLoaded',
      'file.name': ['ImageLoaded', 'basename'],
    },
  },
  '8': {
    category: ['process'],
    type: ['change'],
    action: 'CreateRemoteThread detected (rule: CreateRemoteThread)',
    fields: {
      ...proc('process', 'SourceImage', 'SourceProcessId', 'SourceProcessGuid'),
      ...proc('Target.process', 'TargetImage', 'TargetProcessId', 'TargetProcessGuid'),
      ...SYSMON_USER,
    },
  },
  '10': {
    category: ['process'],
    type: ['access'],
    action: 'Process accessed (rule: ProcessAccess)',
    fields: {
      ...proc('process', 'SourceImage', 'SourceProcessId', 'SourceProcessGUID'),
      ...proc('Target.process', 'TargetImage', 'TargetProcessId', 'TargetProcessGUID'),
      'user.name': ['SourceUser', 'userName'],
      'user.domain': ['SourceUser', 'userDomain'],
      'user.id': ['SourceUser', 'userId'],
    },
  },
  '11': {
    category: ['file'],
    type: ['creation'],
    action: 'File created (rule: FileCreate)',
    fields: { ...PROCESS, ...SYSMON_USER, ...file('TargetFilename') },
  },
  '12': {
    category: ['registry'],
    type: ['change'],
    action: 'Registry object added or deleted (rule: RegistryEvent)',
    fields: REGISTRY,
  },
  '13': {
    category: ['registry'],
    type: ['change'],
    action: 'Registry value set (rule: RegistryEvent)',
    fields: { ...REGISTRY, 'registry.data.strings': ['Details', 'registryData'] },
  },
  '14': {
    category: ['registry'],
    type: ['change'],
    action: 'Registry object renamed (rule: RegistryEvent)',
    fields: REGISTRY,
  },
  '15': {
    category: ['file'],
    type: ['creation'],
    action: 'File stream created (rule: FileCreateStreamHash)',
    fields: { ...PROCESS, ...SYSMON_USER, ...file('TargetFilename'), ...hashes('file') },
  },
  '17': {
    category: ['file'],
    type: ['creation'],
    action: 'Pipe Created (rule: PipeEvent)',
    fields: { ...PROCESS, ...SYSMON_USER, 'file.name': 'PipeName' },
  },
  '18': {
    category: ['file'],
    type: ['access'],
    action: 'Pipe Connected (rule: PipeEvent)',
    fields: { ...PROCESS, ...SYSMON_USER, 'file.name': 'PipeName' },
  },
  '22': {
    category: ['network'],
    type: ['protocol', 'info'],
    action: 'Dns query (rule: DnsQuery)',
    fields: {
      ...PROCESS,
      ...SYSMON_USER,
      'dns.question.name': 'QueryName',
      'dns.resolved_ip': ['QueryResults', 'dnsAnswers'],
      'network.protocol': { value: 'dns' },
    },
  },
  '23': {
    category: ['file'],
    type: ['deletion'],
    action: 'File Delete archived (rule: FileDelete)',
    fields: { ...PROCESS, ...SYSMON_USER, ...file('TargetFilename'), ...hashes('file') },
  },
  '25': {
    category: ['process'],
    type: ['change'],
    action: 'Process Tampering (rule: ProcessTampering)',
    fields: { ...PROCESS, ...SYSMON_USER },
  },
  '26': {
    category: ['file'],
    type: ['deletion'],
    action: 'File Delete logged (rule: FileDeleteDetected)',
    fields: { ...PROCESS, ...SYSMON_USER, ...file('TargetFilename'), ...hashes('file') },
  },
};

const SECURITY: Record<string, EcsMapping> = {
  '4624': {
    category: ['authentication'],
    type: ['start'],
    action: 'logged-in',
    outcome: 'success',
    fields: LOGON,
  },
  '4625': {
    category: ['authentication'],
    type: ['start'],
    action: 'logon-failed',
    outcome: 'failure',
    fields: LOGON,
  },
  '4648': {
    category: ['authentication'],
    type: ['start'],
    action: 'logged-in-explicit',
    fields: { ...SUBJECT_USER, ...LOGON, 'user.name': 'SubjectUserName', 'user.domain': 'SubjectDomainName' },
  },
  '4672': {
    category: ['iam'],
    type: ['admin'],
    action: 'logged-in-special',
    fields: SUBJECT_USER,
  },
  '4688': {
    category: ['process'],
    type: ['start'],
    action: 'created-process',
    fields: {
      ...SUBJECT_USER,
      'process.executable': 'NewProcessName',
      'process.name': ['NewProcessName', 'basename'],
      'process.pid': ['NewProcessId', 'hexToDec'],
      'process.command_line': 'CommandLine',
      'process.args': ['CommandLine', 'args'],
      'process.args_count': ['CommandLine', 'argsCount'],
      'process.parent.executable': 'ParentProcessName',
      'process.parent.name': ['ParentProcessName', 'basename'],
      'process.parent.pid': ['ProcessId', 'hexToDec'],
    },
  },
  '4697': {
    category: ['iam', 'configuration'],
    type: ['admin', 'change'],
    action: 'service-installed',
    fields: { ...SUBJECT_USER, ...SERVICE },
  },
  '4698': {
    category: ['iam', 'configuration'],
    type: ['creation', 'admin'],
    action: 'scheduled-task-created',
    fields: SUBJECT_USER,
  },
  '4699': {
    category: ['iam', 'configuration'],
    type: ['deletion', 'admin'],
    action: 'scheduled-task-deleted',
    fields: SUBJECT_USER,
  },
  '4720': {
    category: ['iam'],
    type: ['user', 'creation'],
    action: 'added-user-account',
    fields: { ...SUBJECT_USER, 'user.target.name': 'TargetUserName', 'user.target.id': 'TargetSid' },
  },
  '4724': {
    category: ['iam'],
    type: ['user', 'change'],
    action: 'reset-password',
    fields: { ...SUBJECT_USER, 'user.target.name': 'TargetUserName', 'user.target.id': 'TargetSid' },
  },
  '4732': {
    category: ['iam'],
    type: ['group', 'change'],
    action: 'added-member-to-group',
    fields: { ...SUBJECT_USER, 'group.name': 'TargetUserName', 'group.id': 'TargetSid' },
  },
  '5140': {
    category: ['network', 'file'],
    type: ['info', 'access'],
    action: 'network-share-object-accessed',
    fields: {
      ...SUBJECT_USER,
      'source.ip': 'IpAddress',
      'source.port': 'IpPort',
      'file.path': 'ShareLocalPath',
    },
  },
  '5145': {
    category: ['network', 'file'],
    type: ['info', 'access'],
    action: 'network-share-object-access-checked',
    fields: {
      ...SUBJECT_USER,
      'source.ip': 'IpAddress',
      'source.port': 'IpPort',
      'file.path': 'RelativeTargetName',
      'file.name': ['RelativeTargetName', 'basename'],
      'file.extension': ['RelativeTargetName', 'extension'],
    },
  },
};

const SYSTEM: Record<string, EcsMapping> = {
  '7045': {
    category: ['configuration'],
    type: ['creation'],
    action: 'service-installed',
    fields: { ...SERVICE, 'user.name': 'AccountName' },
  },
};

/** Channel (lower case) → event id → mapping. */
export const ECS_TABLE: Readonly<Record<string, Readonly<Record<string, EcsMapping>>>> = {
  [SYSMON_CHANNEL]: SYSMON,
  [SECURITY_CHANNEL]: SECURITY,
  [SYSTEM_CHANNEL]: SYSTEM,
};

/** Well-known account names → SIDs (Sysmon records names, Elastic's rules test `user.id`). */
export const WELL_KNOWN_SIDS: Readonly<Record<string, string>> = {
  'nt authority\\system': 'S-1-5-18',
  'nt authority\\local service': 'S-1-5-19',
  'nt authority\\network service': 'S-1-5-20',
};

/** Application protocol by port, for `network.protocol` (WinRM on 5985/5986 is HTTP). */
export const PORT_PROTOCOLS: Readonly<Record<string, string>> = {
  '21': 'ftp',
  '22': 'ssh',
  '25': 'smtp',
  '53': 'dns',
  '80': 'http',
  '88': 'kerberos',
  '389': 'ldap',
  '445': 'smb',
  '3389': 'rdp',
  '5985': 'http',
  '5986': 'http',
  '8080': 'http',
};

/** Windows logon type numbers → the names Elastic puts in `winlog.logon.type`. */
export const LOGON_TYPES: Readonly<Record<string, string>> = {
  '2': 'Interactive',
  '3': 'Network',
  '4': 'Batch',
  '5': 'Service',
  '7': 'Unlock',
  '8': 'NetworkCleartext',
  '9': 'NewCredentials',
  '10': 'RemoteInteractive',
  '11': 'CachedInteractive',
};
