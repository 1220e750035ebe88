#!/usr/bin/env node
// The installed `seven-tick` command. It runs the compiled CLI; build it with `npm run build`
// (npm start does this).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('seven-tick is not built yet: run `npm run build` in the package directory.');
  process.exit(2);
}
await import(main.href);
