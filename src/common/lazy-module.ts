import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A dependency loaded on first use rather than when the importing module is: its CommonJS build,
 * required synchronously. Every thread loads its modules anew, and most hunts need neither the YAML
 * parser (the rules come from the cache), the reference XML parser, the TOML parser, nor the table
 * renderer: ~50 ms of each thread's start-up. Every package loaded this way must be loaded only
 * this way, so that no two copies of it (CommonJS and ES module) meet.
 */
export function lazyModule<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= require(id) as T;
    return loaded;
  };
}
