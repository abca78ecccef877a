import { Writable } from 'node:stream';
import type { Level } from '../../src/common/index.js';
import type { HitRecord } from '../../src/output/index.js';

export interface HitSeed {
  timestamp?: string | null;
  level?: Level;
  title?: string;
  ruleId?: string;
  computer?: string | null;
  channel?: string | null;
  eventId?: number | string | null;
  recordId?: number | string | null;
  details?: Record<string, string>;
  event?: Record<string, string | string[]> | null;
  hitId?: string;
}

/** A hit record shaped like the engine's, with the given parts changed. */
export function makeHit(seed: HitSeed = {}): HitRecord {
  return {
    schema: 1,
    timestamp: seed.timestamp === undefined ? '2019-09-12T10:11:12.123Z' : seed.timestamp,
    level: seed.level ?? 'critical',
    rule: {
      id: seed.ruleId ?? '734f8d9b-42b8-41b2-bcf5-abaf49d5a3c8',
      title: seed.title ?? 'T1086 Remote PowerShell Session',
      kind: 'sigma',
      path: 'rules/windows/t1086_remote_powershell_session.yml',
      tags: ['attack.execution', 'attack.t1086'],
    },
    computer: seed.computer === undefined ? 'WIN10.contoso.local' : seed.computer,
    channel: seed.channel === undefined ? 'Microsoft-Windows-Sysmon/Operational' : seed.channel,
    event_id: seed.eventId === undefined ? 1 : seed.eventId,
    record_id: seed.recordId === undefined ? 12345 : seed.recordId,
    source: { file: 'exports/sysmon.xml', offset: 48213 },
    details: seed.details ?? {
      CommandLine: 'whoami /all',
      Image: 'C:\\Windows\\System32\\whoami.exe',
      ParentImage: 'C:\\Windows\\System32\\wsmprovhost.exe',
    },
    event:
      seed.event === undefined ? { EventID: '1', Image: 'C:\\Windows\\System32\\whoami.exe' } : seed.event,
    hit_id: seed.hitId ?? '9f3c0a1b2c3d4e5f',
  };
}

/** A real writable that keeps what it is given; optionally slow, or posing as a terminal. */
export function collector(opts: { tty?: boolean; highWaterMark?: number; delayMs?: number } = {}): {
  stream: Writable;
  text(): string;
} {
  const chunks: string[] = [];
  const stream = new Writable({
    highWaterMark: opts.highWaterMark ?? 16 * 1024,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      if (opts.delayMs !== undefined) setTimeout(cb, opts.delayMs);
      else cb();
    },
  });
  if (opts.tty === true) Object.assign(stream, { isTTY: true });
  return { stream, text: () => chunks.join('') };
}
