// Runs every test file under test/ with Node's test runner through tsx. Node 20's --test does
// not expand globs, so this script lists the files. Arguments narrow the run to paths that
// contain one of them: `npm test -- store sparql`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

function listTests(dir) {
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) files.push(...listTests(full));
    else if (name.endsWith('.test.ts')) files.push(full);
  }
  return files;
}

const filters = process.argv.slice(2);
const files = listTests(path.join(root, 'test')).filter(
  (file) => filters.length === 0 || filters.some((filter) => file.includes(filter)),
);
if (files.length === 0) {
  console.error(`No test files match ${filters.join(', ')}`);
  process.exit(1);
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
