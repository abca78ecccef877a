/**
 * Name tables of the Event view (docs/event-fields.md): the Winlogbeat / ECS names that map onto
 * the System names, and the resolution of dotted paths (`Event.EventData.Image`,
 * `Event.System.Provider.Name`, `winlog.event_data.Image`, …) to the flat names the view stores.
 */

/** ECS / Winlogbeat name → System name of the view. */
export const ECS_SYSTEM: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, {
    'winlog.channel': 'Channel',
    'winlog.event_id': 'EventID',
    'winlog.computer_name': 'Computer',
    'winlog.record_id': 'EventRecordID',
    'winlog.provider_name': 'Provider_Name',
    'winlog.provider_guid': 'Provider_Guid',
    'winlog.event_source_name': 'Provider_EventSourceName',
    'winlog.process.pid': 'Execution_ProcessID',
    'winlog.process.thread.id': 'Execution_ThreadID',
    'winlog.user.identifier': 'Security_UserID',
    'winlog.activity_id': 'Correlation_ActivityID',
    'winlog.related_activity_id': 'Correlation_RelatedActivityID',
    'winlog.version': 'Version',
    'winlog.opcode': 'Opcode',
    'winlog.task': 'Task',
    'winlog.keywords': 'Keywords',
    '@timestamp': 'TimeCreated_SystemTime',
  }),
);

/** Prefixes under which ECS keeps the record's own data: the rest of the name is the leaf name. */
export const ECS_DATA_PREFIXES = ['winlog.event_data.', 'winlog.user_data.'] as const;

const cache = new Map<string, readonly string[]>();

function stripMarkers(parts: string[]): string[] {
  return parts.filter((p) => p !== '#attributes' && p !== '#text' && p !== '');
}

function candidates(name: string): readonly string[] {
  const out: string[] = [];
  const ecs = ECS_SYSTEM[name];
  if (ecs !== undefined) out.push(ecs);
  for (const p of ECS_DATA_PREFIXES) {
    if (name.startsWith(p)) {
      const leaf = name.slice(p.length).split('.').pop() ?? '';
      out.push(leaf, `EventData_${leaf}`, `UserData_${leaf}`);
    }
  }
  if (name === 'message') out.push('Message');
  if (name === 'event.code') out.push('EventID');
  const parts = name.split('.');
  let rest = parts;
  if (rest[0] === 'Event') rest = rest.slice(1);
  else if (rest[0] === 'event_data') rest = ['EventData', ...rest.slice(1)];
  const section = rest[0];
  const path = stripMarkers(rest.slice(1));
  if (path.length > 0) {
    if (section === 'System') {
      out.push(path.join('_'));
    } else if (section === 'EventData' || section === 'UserData') {
      const leaf = path[path.length - 1] as string;
      const attrOf = path.length >= 2 && rest.includes('#attributes') ? path[path.length - 2] : undefined;
      if (attrOf !== undefined) out.push(`${attrOf}_${leaf}`);
      out.push(`${section}_${leaf}`, leaf);
    } else if (section === 'RenderingInfo') {
      const leaf = path[path.length - 1] as string;
      out.push(`RenderingInfo_${leaf}`);
      if (leaf === 'Message') out.push('Message');
    }
  }
  return out;
}

/** The flat names a dotted path may be stored under, most specific first (memoised). */
export function resolveNames(name: string): readonly string[] {
  let c = cache.get(name);
  if (c === undefined) {
    c = candidates(name);
    if (cache.size < 10_000) cache.set(name, c);
  }
  return c;
}

const joined = new Map<string, Map<string, string>>();

/** `${a}_${b}`, memoised so that field names are the same interned strings every time. */
export function joinName(a: string, b: string): string {
  let m = joined.get(a);
  if (m === undefined) {
    m = new Map();
    if (joined.size < 4096) joined.set(a, m);
  }
  let n = m.get(b);
  if (n === undefined) {
    n = `${a}_${b}`;
    if (m.size < 256) m.set(b, n);
  }
  return n;
}
