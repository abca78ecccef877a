import { type Dict, dict, lazyModule } from '../common/index.js';

const yaml = lazyModule<typeof import('yaml')>('yaml');

/** One YAML document of a rule file, as null-prototype data plus a way back to line numbers. */
export interface YamlDoc {
  data: unknown;
  line: number;
  /** Line and column (1-based) of the node at `path`, falling back to the document start. */
  locate(path: (string | number)[]): { line: number; column: number };
  errors: { message: string; line: number; column: number }[];
}

/** Converts the Maps produced with `mapAsMap` into null-prototype dictionaries. */
function plain(v: unknown): unknown {
  if (v instanceof Map) {
    const d: Dict<unknown> = dict();
    for (const [k, val] of v) d[String(k)] = plain(val);
    return d;
  }
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return v;
}

export function parseYamlDocs(text: string): YamlDoc[] {
  const lc = new (yaml().LineCounter)();
  const docs = yaml().parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: YamlDoc[] = [];
  for (const doc of list) {
    const start = lc.linePos(doc.contents?.range?.[0] ?? doc.range[0]);
    const errors = doc.errors.map((e) => {
      const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
      return { message: e.message.split('\n')[0] ?? e.message, line: pos.line, column: pos.col };
    });
    let data: unknown = null;
    if (errors.length === 0) {
      try {
        data = plain(doc.toJS({ mapAsMap: true, maxAliasCount: 100 }));
      } catch (e) {
        errors.push({ message: (e as Error).message, line: start.line, column: start.col });
      }
    }
    if (errors.length === 0 && (data === null || data === undefined)) continue;
    out.push({
      data,
      line: start.line,
      errors,
      locate(path) {
        for (let n = path.length; n > 0; n--) {
          const parent = n === 1 ? doc.contents : doc.getIn(path.slice(0, n - 1), true);
          if (yaml().isMap(parent)) {
            const pair = parent.items.find((p) => yaml().isScalar(p.key) && p.key.value === path[n - 1]);
            if (pair && yaml().isScalar(pair.key) && pair.key.range) {
              const p = lc.linePos(pair.key.range[0]);
              return { line: p.line, column: p.col };
            }
          }
          const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
          if (node && typeof node === 'object' && node.range) {
            const p = lc.linePos(node.range[0]);
            return { line: p.line, column: p.col };
          }
        }
        return { line: start.line, column: start.col };
      },
    });
  }
  return out;
}
