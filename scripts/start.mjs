// `npm start`: serves ./data on 127.0.0.1:8080, loading the bundled sample vocabularies on
// the first start. Extra arguments pass through: `npm start -- --port 9090`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const child = spawn(
  process.execPath,
  [path.join(root, 'dist', 'cli', 'main.js'), 'serve', '--sample-data', ...process.argv.slice(2)],
  // A fixed glibc mmap threshold returns the large buffers freed after opening the data dir to
  // the system instead of keeping them in the heap (docs/storage.md, Memory).
  { cwd: root, stdio: 'inherit', env: { MALLOC_MMAP_THRESHOLD_: '1048576', ...process.env } },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
