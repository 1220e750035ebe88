/**
 * Profiles `seven-tick serve` under load. It loads the data into a temporary data dir and
 * starts the compiled server with `node --cpu-prof` on a free port of 127.0.0.1. Autocannon then
 * sends LUBM q01 with a Bearer session token for SECONDS at CONCURRENCY. Stopping the server
 * makes it write its profile into OUT_DIR. Needs `npm run build` first.
 *
 *   node --import tsx bench/profile-http.ts lubm1|lubm8 OUT_DIR [SECONDS] [CONCURRENCY]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, login, runAutocannon, spawnServe, stopServer, waitReady } from './http.js';
import { LUBM_DIR, ROOT, dataFile, type DataName } from './stores.js';

async function main(): Promise<void> {
  const [data, outDir, seconds = '10', concurrency = '32'] = process.argv.slice(2);
  if ((data !== 'lubm1' && data !== 'lubm8') || !outDir) {
    throw new Error('Usage: profile-http.ts lubm1|lubm8 OUT_DIR [SECONDS] [CONCURRENCY]');
  }
  const cli = path.join(ROOT, 'dist', 'cli', 'main.js');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seven-tick-profile-'));
  try {
    const load = spawnSync(
      process.execPath,
      [cli, 'load', '--data-dir', dataDir, dataFile(data as DataName)],
      { encoding: 'utf8', timeout: 600_000 },
    );
    if (load.status !== 0) throw new Error(`seven-tick load failed: ${load.stderr}`);
    const port = await freePort();
    const spawned = performance.now();
    const server = spawnServe(dataDir, port, [
      '--cpu-prof',
      '--cpu-prof-dir',
      path.resolve(outDir),
    ]);
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitReady(url, server);
      // The profile starts with the process; this offset lets profile-summary.ts skip start-up.
      const readySeconds = (performance.now() - spawned) / 1000;
      console.log(`Server ready after ${readySeconds.toFixed(1)} s`);
      const query = readFileSync(path.join(LUBM_DIR, 'queries', 'q01.rq'), 'utf8');
      const target = {
        url: `${url}/sparql?query=${encodeURIComponent(query)}`,
        headers: { authorization: `Bearer ${await login(url)}` },
      };
      const result = await runAutocannon(target, Number(concurrency), Number(seconds));
      console.log(
        `q01 at concurrency ${concurrency}: ${result.requestsPerSecond.toFixed(0)} requests/s, ` +
          `p50 ${result.p50} ms, p99 ${result.p99} ms`,
      );
    } finally {
      await stopServer(server);
    }
    console.log(`Profile written to ${path.resolve(outDir)}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
