// Installs dependencies when node_modules is missing or older than package-lock.json, so
// `npm start` and `npm test` work on a fresh clone. Uses only Node built-ins.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const lock = path.join(root, 'package-lock.json');
const marker = path.join(root, 'node_modules', '.package-lock.json');

function needsInstall() {
  if (!existsSync(marker)) return true;
  if (!existsSync(path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release'))) {
    return true;
  }
  return statSync(lock).mtimeMs > statSync(marker).mtimeMs;
}

if (needsInstall()) {
  console.log('Installing dependencies with npm ci (first run only)...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
