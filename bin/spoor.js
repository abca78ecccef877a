#!/usr/bin/env node
// Thin launcher: the compiled program lives in dist/ (built by `npm install` via `prepare`).
import { main } from '../dist/cli/index.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`spoor: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
