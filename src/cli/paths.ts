import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root folder (where `rules/` and `fixtures/` are). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The rule set shipped with spoor, used when no `--rules` is given. */
export const BUNDLED_RULES = fileURLToPath(new URL('../../rules/', import.meta.url));

/** Bundled rule paths are shown relative to the package (`rules/sigma/…`); others as given. */
export function displayRulePath(path: string): string {
  if (!path.startsWith(PACKAGE_ROOT)) return path;
  return relative(PACKAGE_ROOT, path).split(sep).join('/');
}
