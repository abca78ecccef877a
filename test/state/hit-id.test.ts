import { describe, expect, it } from 'vitest';
import { hitId, hitIdFor, identityKey } from '../../src/state/index.js';

describe('hit ids', () => {
  const ev = {
    computer: 'WIN10.Contoso.local',
    channel: 'Security',
    recordId: '42',
    timestamp: '2019-09-12T10:11:12.123Z',
  };

  it('are the same from the event identity computed once as from the event', () => {
    const key = identityKey(ev);
    for (const rule of ['734f8d9b-42b8-41b2-bcf5-abaf49d5a3c8', 'a', ''])
      expect(hitIdFor(rule, key)).toBe(hitId(rule, ev));
  });

  it('are 16 hex digits, ignore the case of computer and channel, and differ by rule and record', () => {
    const id = hitId('r', ev);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(hitId('r', { ...ev, computer: 'win10.contoso.local', channel: 'SECURITY' })).toBe(id);
    expect(hitId('s', ev)).not.toBe(id);
    expect(hitId('r', { ...ev, recordId: '43' })).not.toBe(id);
  });
});
