import { type Dict, dict } from '../common/index.js';
import type { Event, FieldValue } from '../event/index.js';
import { splitCommandLine } from './args.js';
import {
  ECS_TABLE,
  type EcsMapping,
  type FieldSpec,
  LOGON_TYPES,
  PORT_PROTOCOLS,
  SYSMON_CHANNEL,
  type Transform,
  WELL_KNOWN_SIDS,
} from './table.js';

/** A field value of the ECS view; undefined when absent. */
export type EcsValue = FieldValue | undefined;

/** Reads ECS fields by dotted name (what the EQL evaluator reads from). */
export interface EcsSource {
  get(name: string): EcsValue;
}

function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function basename(p: string): string {
  const i = Math.max(p.lastIndexOf('\\'), p.lastIndexOf('/'));
  return i < 0 ? p : p.slice(i + 1);
}

function hashPart(hashes: string, algo: string): string | undefined {
  for (const part of hashes.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim().toUpperCase() === algo)
      return part
        .slice(eq + 1)
        .trim()
        .toLowerCase();
  }
  return undefined;
}

/** Splits a registry path `HIVE\key…\value` into its hive, key and value name. */
function registryParts(path: string): { hive: string; key: string; value: string } {
  const first = path.indexOf('\\');
  const last = path.lastIndexOf('\\');
  if (first < 0) return { hive: path, key: '', value: '' };
  return { hive: path.slice(0, first), key: path.slice(first + 1, last), value: path.slice(last + 1) };
}

const TRANSFORMS: Record<Transform, (v: string) => FieldValue | undefined> = {
  basename,
  directory: (p) => {
    const i = Math.max(p.lastIndexOf('\\'), p.lastIndexOf('/'));
    return i < 0 ? undefined : p.slice(0, i);
  },
  extension: (p) => {
    const name = basename(p);
    const dot = name.lastIndexOf('.');
    return dot <= 0 || dot === name.length - 1 ? undefined : name.slice(dot + 1);
  },
  args: (c) => splitCommandLine(c),
  argsCount: (c) => String(splitCommandLine(c).length),
  userName: (u) => (u.includes('\\') ? u.slice(u.indexOf('\\') + 1) : u),
  userDomain: (u) => (u.includes('\\') ? u.slice(0, u.indexOf('\\')) : undefined),
  userId: (u) => lookup(WELL_KNOWN_SIDS, u.toLowerCase()),
  hexToDec: (h) => (/^0x[0-9a-f]+$/i.test(h) ? String(Number.parseInt(h.slice(2), 16)) : h),
  direction: (i) =>
    i.toLowerCase() === 'true' ? 'egress' : i.toLowerCase() === 'false' ? 'ingress' : undefined,
  lower: (s) => s.toLowerCase(),
  portProtocol: (p) => lookup(PORT_PROTOCOLS, p.trim()),
  ipType: (v6) => (v6.toLowerCase() === 'true' ? 'ipv6' : v6.toLowerCase() === 'false' ? 'ipv4' : undefined),
  hive: (p) => registryParts(p).hive,
  registryKey: (p) => registryParts(p).key,
  registryValue: (p) => registryParts(p).value,
  registryData: (d) => {
    // Sysmon writes `DWORD (0x00000001)`; Elastic's rules test either form of the number.
    const m = /^(?:DWORD|QWORD) \((0x[0-9a-fA-F]+)(?:-(0x[0-9a-fA-F]+))?\)$/.exec(d);
    if (m === null) return [d];
    const hex = m[2] === undefined ? m[1] : `0x${m[1].slice(2)}${m[2].slice(2)}`;
    return [hex, BigInt(hex).toString()];
  },
  md5: (h) => hashPart(h, 'MD5'),
  sha1: (h) => hashPart(h, 'SHA1'),
  sha256: (h) => hashPart(h, 'SHA256'),
  imphash: (h) => hashPart(h, 'IMPHASH'),
  logonType: (t) => lookup(LOGON_TYPES, t.trim()) ?? t,
  trusted: (s) => (s.toLowerCase() === 'valid' ? 'true' : 'false'),
  signed: (s) => s.toLowerCase(),
  dnsAnswers: (r) => {
    const ips = r
      .split(';')
      .map((x) => x.trim().replace(/^::ffff:/i, ''))
      .filter((x) => /^[0-9.]+$|^[0-9a-f:]+$/i.test(x) && x !== '');
    return ips.length > 0 ? ips : undefined;
  },
};

/** The mapping of a Windows event, found by channel (or Sysmon provider) and event id. */
export function ecsMappingFor(ev: Event): EcsMapping | undefined {
  let channel = ev.channel.toLowerCase();
  if (channel === '' && ev.provider.toLowerCase() === 'microsoft-windows-sysmon') channel = SYSMON_CHANNEL;
  const byId = lookup(ECS_TABLE, channel);
  return byId === undefined ? undefined : lookup(byId, ev.eventId);
}

function text(v: FieldValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v[0];
}

/**
 * A lazy ECS view of a Windows event (flat Sigma-style names): each ECS field is computed on
 * first read and cached, so a rule that reads five fields costs five lookups.
 */
export class EcsView implements EcsSource {
  private cache: Dict<EcsValue> | null = null;
  constructor(
    private readonly ev: Event,
    private readonly mapping: EcsMapping | undefined,
  ) {}

  get(name: string): EcsValue {
    if (this.cache !== null && Object.hasOwn(this.cache, name)) return this.cache[name];
    const v = this.compute(name);
    if (this.cache === null) this.cache = dict<EcsValue>();
    this.cache[name] = v;
    return v;
  }

  private fromSpec(spec: FieldSpec): EcsValue {
    if (typeof spec === 'string') return this.ev.field(spec);
    if ('value' in spec) return spec.value;
    const [source, transform] = spec as readonly [string, Transform];
    const raw = text(this.ev.field(source));
    return raw === undefined || raw === '' ? undefined : TRANSFORMS[transform](raw);
  }

  private compute(name: string): EcsValue {
    const m = this.mapping;
    if (m !== undefined) {
      const spec = lookup(m.fields, name);
      if (spec !== undefined) return this.fromSpec(spec);
      switch (name) {
        case 'event.category':
          return m.category;
        case 'event.type':
          return m.type;
        case 'event.action':
          return m.action;
        case 'event.outcome':
          return m.outcome;
      }
    }
    const ev = this.ev;
    switch (name) {
      case 'host.os.type':
      case 'host.os.family':
        return 'windows';
      case 'host.name':
      case 'host.hostname':
      case 'host.id':
      case 'winlog.computer_name':
        return ev.computer || undefined;
      case 'event.code':
      case 'winlog.event_id':
        return ev.eventId || undefined;
      case 'event.provider':
      case 'winlog.provider_name':
        return ev.provider || undefined;
      case 'winlog.channel':
        return ev.channel || undefined;
      case 'winlog.record_id':
        return ev.recordId || undefined;
      case '@timestamp':
        return Number.isNaN(ev.timestamp) ? undefined : new Date(ev.timestamp).toISOString();
    }
    return ev.get(name);
  }
}

/** Fields whose presence marks an event that is already in ECS (Winlogbeat, Elastic Agent). */
const ECS_MARKERS = ['event.category', 'ecs.version', 'event.kind', 'event.dataset'];

/** True when the event carries ECS fields of its own (read as is, not mapped). */
export function isEcsEvent(ev: Event): boolean {
  return ECS_MARKERS.some((k) => ev.field(k) !== undefined);
}

/**
 * What EQL reads from an event: an ECS event as it is, a Windows event through the ECS
 * mapping table (lazily).
 */
export function ecsView(ev: Event): EcsSource {
  return isEcsEvent(ev) ? ev : new EcsView(ev, ecsMappingFor(ev));
}

/** Every mapped ECS field of a Windows event, materialised (for display and tests). */
export function toEcs(ev: Event): Dict<FieldValue> {
  const out = dict<FieldValue>();
  const m = ecsMappingFor(ev);
  const view = new EcsView(ev, m);
  const names = [
    '@timestamp',
    'host.os.type',
    'host.name',
    'host.id',
    'event.code',
    'event.provider',
    'winlog.channel',
    'winlog.record_id',
    ...(m === undefined
      ? []
      : ['event.category', 'event.type', 'event.action', 'event.outcome', ...Object.keys(m.fields)]),
  ];
  for (const n of names) {
    const v = view.get(n);
    if (v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) out[n] = v;
  }
  for (const k of Object.keys(ev.fields)) out[`winlog.event_data.${k}`] = ev.fields[k];
  return out;
}
