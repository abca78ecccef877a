import { readFile } from 'node:fs/promises';
import { lazyModule } from '../common/index.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');

/**
 * Reads the values for Sigma `|expand` placeholders: a YAML (or JSON) mapping of placeholder name
 * (with or without the surrounding %) to a value or a list of values.
 */
export async function readExpandFile(path: string): Promise<Record<string, string[]>> {
  const doc: unknown = yaml().parse(await readFile(path, 'utf8'));
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`${path}: expected a mapping of placeholder names to values`);
  }
  const out: Record<string, string[]> = Object.create(null);
  for (const [k, v] of Object.entries(doc)) {
    const name = k.replace(/^%|%$/g, '');
    const values = Array.isArray(v) ? v : [v];
    out[name] = values.map((x) => String(x));
  }
  return out;
}
