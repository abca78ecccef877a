import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileSigma } from '../../src/engine/index.js';
import { newArenaMemory, useArena } from '../../src/engine/wasm-arena.js';
import { ScanKernel } from '../../src/engine/wasm-scan.js';
import { JsonWalker } from '../../src/engine/wasm-walk.js';
import { parseChunk } from '../../src/event/index.js';
import { loadSigma, type SigmaRuleIR } from '../../src/sigma/index.js';

/**
 * The raw screen in WebAssembly (the walk, the scan, and the gates' marks of its reports) must pick
 * exactly the candidates the JavaScript screen picks: over the same records, an engine with an
 * arena and one without evaluate the same rules, in the same order, with the same results.
 */
const root = path.resolve(__dirname, '../..');
const shared = path.resolve(root, '../shared/corpus');
const hasShared =
  existsSync(path.join(shared, 'logs/ndjson')) && existsSync(path.join(shared, 'sigma/rules/windows'));
if (!hasShared) console.warn('skipping the WebAssembly screen against SigmaHQ rules: ../shared not present');

afterEach(() => {
  useArena(undefined);
  vi.restoreAllMocks();
});

function ndjsonFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) ndjsonFiles(p, out);
    else if (/\.(ndjson|jsonl)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** Per record: whether the screen let it through, and each evaluation (rule, result) after it. */
function screenedRun(rules: SigmaRuleIR[], files: string[], arena: boolean): string[] {
  useArena(arena ? newArenaMemory() : undefined);
  const log: string[] = [];
  const engine = compileSigma(rules, { onEvaluated: (r, hit) => log.push(`${r}${hit ? '+' : '-'}`) });
  for (const file of files) {
    parseChunk(
      { format: 'ndjson', data: readFileSync(file), offset: 0, line: 1 },
      file,
      (ev) => engine.matchScreened(ev, () => undefined),
      () => undefined,
      {
        screen: (b, from, to, f) => {
          const through = engine.screen(b, from, to, f);
          log.push(through ? '|' : 'x');
          return through;
        },
      },
    );
  }
  useArena(undefined);
  return log;
}

function check(rules: SigmaRuleIR[], files: string[]): void {
  const plain = screenedRun(rules, files, false);
  const walk = vi.spyOn(JsonWalker.prototype, 'walk');
  const mark = vi.spyOn(ScanKernel.prototype, 'mark');
  const kernel = screenedRun(rules, files, true);
  expect(walk).toHaveBeenCalled();
  expect(mark).toHaveBeenCalled();
  expect(kernel.length).toBe(plain.length);
  expect(kernel).toEqual(plain);
}

describe('the raw screen in WebAssembly against the JavaScript screen', () => {
  it('picks the same candidates with the bundled rules over the fixtures', async () => {
    const { rules } = await loadSigma([path.join(root, 'rules/sigma')]);
    const files = ndjsonFiles(path.join(root, 'fixtures'));
    expect(files.length).toBeGreaterThan(0);
    check(rules, files);
  });

  it.skipIf(!hasShared)(
    'picks the same candidates with SigmaHQ rules over the shared NDJSON',
    async () => {
      const { rules } = await loadSigma([path.join(shared, 'sigma/rules/windows')]);
      const files = ndjsonFiles(path.join(shared, 'logs/ndjson'));
      check(rules, files);
    },
    120_000,
  );
});
