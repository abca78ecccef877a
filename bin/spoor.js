#!/usr/bin/env node
// Thin launcher: the compiled program lives in dist/ (built by `npm install` via `prepare`). It
// runs in a worker thread of its own (src/cli/launch.ts says why); dist/bundle/ holds each thread's
// entry point bundled into one file (scripts/bundle.mjs says why).
import { launch } from '../dist/bundle/launch.js';

launch(process.argv).then((code) => {
  process.exitCode = code;
});
