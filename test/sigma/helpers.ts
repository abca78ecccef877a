import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileSigma } from '../../src/engine/index.js';
import { createEvent, type FieldValue } from '../../src/event/index.js';
import { type LoadOptions, type LoadResult, loadSigma } from '../../src/sigma/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'spoor-sigma-'));
let n = 0;

/** Writes YAML text to a temporary rule file and loads it. */
export async function loadText(text: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const file = path.join(dir, `rule${n++}.yml`);
  writeFileSync(file, text);
  return loadSigma([file], opts);
}

/** A rule with the given detection block (indented YAML), matching on detection alone. */
export function ruleText(detection: string, extra = ''): string {
  return `title: t\nid: 00000000-0000-0000-0000-000000000001\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n${detection}\n${extra}`;
}

export interface Probe {
  result: LoadResult;
  /** Does the rule match an event with these fields? */
  hits(fields: Record<string, FieldValue>): boolean;
}

export async function probe(
  detection: string,
  opts: LoadOptions = { ignoreLogsource: true },
): Promise<Probe> {
  const result = await loadText(ruleText(detection), opts);
  const engine = compileSigma(result.rules);
  return {
    result,
    hits(fields) {
      let hit = false;
      engine.match(createEvent(fields), () => {
        hit = true;
      });
      return hit;
    },
  };
}

/** The reason the rule was refused (the first problem), or undefined when it loaded. */
export async function refusal(
  detection: string,
  opts: LoadOptions = { ignoreLogsource: true },
): Promise<string | undefined> {
  const r = await loadText(ruleText(detection), opts);
  return r.rules.length === 1 ? undefined : r.problems[0]?.reason;
}
