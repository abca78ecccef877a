import { setFlagsFromString } from 'node:v8';

/**
 * The least the old generation's limit of the program's thread falls to, in MB. V8 starts marking
 * once the room left below that limit is about the young generation's size; with the ~24 MB the
 * program's thread keeps live (the rules' metadata, results in flight), its limit is ~36 MB, so a
 * two-thread hunt ran a full collection after every 1.5-3 MB promoted: 15-20 over 150 MB of
 * NDJSON, against the worker's 5. With 40 MB, 8; over 500 MB, 5-15 % less time on NDJSON, and
 * peak memory within noise on XML (48 MB was faster still, but took python-evtx XML past 256 MiB:
 * docs/performance.md, "A floor under the program thread's old-generation limit").
 */
const PROGRAM_OLD_SPACE_FLOOR_MB = 40;

const FLAG = 'initial-old-space-size';

/** Whether the user gave V8's initial old-space size themselves (then spoor leaves it alone). */
export function userSetsOldSpace(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  const given = (arg: string): boolean => {
    const name = arg.replace(/^--/, '').split('=')[0]!.replace(/_/g, '-');
    return name === FLAG;
  };
  return execArgv.some(given) || (nodeOptions ?? '').split(/\s+/).some(given);
}

const userSet = (): boolean => userSetsOldSpace(process.execArgv, process.env.NODE_OPTIONS);

/**
 * Sets the floor for the next isolate created: called by the launcher just before it starts the
 * program's thread. V8 reads the flag when an isolate's heap is configured, so it holds for that
 * thread alone once `clearHeapFloor` has run there.
 */
export function setProgramHeapFloor(): void {
  if (!userSet()) setFlagsFromString(`--${FLAG}=${PROGRAM_OLD_SPACE_FLOOR_MB}`);
}

/** Clears the floor again, before any matching thread starts: their heaps keep V8's own limits. */
export function clearHeapFloor(): void {
  if (!userSet()) setFlagsFromString(`--${FLAG}=0`);
}
