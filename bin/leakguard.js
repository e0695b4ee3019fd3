#!/usr/bin/env node
// Thin shim: the CLI lives in dist/cli/run.js (built by `npm run build`).
import { run } from '../dist/cli/run.js';

process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = await run(process.argv.slice(2));
