#!/usr/bin/env node
// Thin launcher: the compiled program lives in dist/ (built by `npm install` via `prepare`). It
// runs in a worker thread of its own (dist/cli/launch.js says why).
import { launch } from '../dist/cli/launch.js';

launch(process.argv).then((code) => {
  process.exitCode = code;
});
