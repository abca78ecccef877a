import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface FileListing {
  files: string[];
  unreadable: { file: string; reason: string }[];
}

const RULE_FILE = /\.ya?ml$/i;

/**
 * Rule files under the given paths: a file is taken as it is, a directory is walked recursively
 * for `.yml` / `.yaml` files in name order. Paths keep the form they were given in.
 */
export async function listRuleFiles(paths: string[]): Promise<FileListing> {
  const files: string[] = [];
  const unreadable: { file: string; reason: string }[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      unreadable.push({
        file: dir,
        reason: `cannot read directory: ${(e as NodeJS.ErrnoException).code ?? e}`,
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && RULE_FILE.test(e.name)) files.push(p);
    }
  };
  for (const p of paths) {
    try {
      const st = await stat(p);
      if (st.isDirectory()) await walk(p);
      else files.push(p);
    } catch (e) {
      unreadable.push({ file: p, reason: `cannot read: ${(e as NodeJS.ErrnoException).code ?? e}` });
    }
  }
  return { files, unreadable };
}
