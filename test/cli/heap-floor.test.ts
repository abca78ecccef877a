import { describe, expect, it } from 'vitest';
import { userSetsOldSpace } from '../../src/cli/heap-floor.js';

// The launcher floors the program thread's old generation (src/cli/heap-floor.ts) unless the user
// set V8's initial old-space size, on node's command line or in NODE_OPTIONS.
describe('the program heap floor', () => {
  it('is left to the user who sets the initial old-space size', () => {
    expect(userSetsOldSpace(['--initial-old-space-size=64'], undefined)).toBe(true);
    expect(userSetsOldSpace(['--initial_old_space_size=64'], undefined)).toBe(true);
    expect(userSetsOldSpace([], '--max-old-space-size=512 --initial-old-space-size=32')).toBe(true);
  });

  it('is set when the user set other flags only', () => {
    expect(userSetsOldSpace([], undefined)).toBe(false);
    expect(userSetsOldSpace(['--max-old-space-size=512', '--single-threaded'], '')).toBe(false);
    expect(userSetsOldSpace([], '--max-semi-space-size=8')).toBe(false);
    expect(userSetsOldSpace(['--initial-old-space-size-extra=1'], undefined)).toBe(false);
  });
});
