// Bundles each thread's entry point (after `tsc`) into one file in dist/bundle/: Node 20's ES module
// loader costs ~0.5 ms a module, and every thread loads the program anew (the launcher, the
// program's thread, each matching worker), so ~150 modules made start-up ~100 ms slower per thread.
// The bundles sit one level below dist/, like the modules they are made of, so that paths they
// resolve from import.meta.url (package.json, the bundled rules, the sources the caches hash) are
// the same. Native and lazily required packages stay outside (common/lazy-module.ts).
import { build } from 'esbuild';

await build({
  entryPoints: [
    'dist/cli/launch.js',
    'dist/cli/cli-thread.js',
    'dist/cli/hunt-worker.js',
    'dist/engine/worker.js',
  ],
  entryNames: '[name]',
  outdir: 'dist/bundle',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['@node-rs/xxhash'],
  // CommonJS dependencies bundled into an ES module require Node's built-ins through this.
  banner: {
    js: "import { createRequire as __spoorRequire } from 'node:module';\nconst require = __spoorRequire(import.meta.url);",
  },
  legalComments: 'inline',
  logLevel: 'warning',
});
