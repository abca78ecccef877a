import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChunkJob } from '../../src/engine/messages.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every XML file of fixtures/sigma as one chunk job (a fresh job object per call). */
export function sigmaFixturesJob(): () => ChunkJob {
  const dir = path.join(ROOT, 'fixtures', 'sigma');
  const xml = Buffer.concat(
    readdirSync(dir)
      .filter((f) => f.endsWith('.xml'))
      .sort()
      .map((f) => readFileSync(path.join(dir, f))),
  );
  return () => ({ id: 1, file: 'fixtures', format: 'xml', data: xml, offset: 0, line: 1 });
}
