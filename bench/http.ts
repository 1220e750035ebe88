/**
 * HTTP throughput of the real server: loads the data with the CLI into a temporary data dir,
 * starts `seven-tick serve` on a free port of 127.0.0.1, and sends a fixed number of LUBM q01
 * requests with a fixed concurrency. Needs the compiled CLI (`npm run build`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';

const REQUESTS = 2000;
const CONCURRENCY = 8;
const PASSWORD = 'bench-admin-password';

export async function measureHttp(
  root: string,
  dataFile: string,
): Promise<{ label: string; requestsPerSecond: number }> {
  const cli = path.join(root, 'dist', 'cli', 'main.js');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seven-tick-bench-'));
  try {
    const load = spawnSync(process.execPath, [cli, 'load', '--data-dir', dataDir, dataFile], {
      encoding: 'utf8',
    });
    if (load.status !== 0) throw new Error(`load failed: ${load.stderr}`);
    // Request logging at info would measure pino as much as the server, so run at warn, which
    // also hides the "listening" line: pick a free port first instead of asking for port 0.
    const port = await freePort();
    const server = spawn(
      process.execPath,
      [cli, 'serve', '--data-dir', dataDir, '--port', String(port), '--log-level', 'warn'],
      {
        env: { ...process.env, SEVEN_TICK_ADMIN_PASSWORD: PASSWORD },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitReady(url, server);
      const query = readFileSync(path.join(path.dirname(dataFile), 'queries', 'q01.rq'), 'utf8');
      const target = `${url}/sparql?query=${encodeURIComponent(query)}`;
      const headers = {
        authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`,
      };
      // Warm-up, then the measured run; password checks use a session token to measure the
      // query path rather than argon2.
      const login = await fetch(`${url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: PASSWORD }),
      });
      const { token } = (await login.json()) as { token: string };
      headers.authorization = `Bearer ${token}`;
      await run(target, headers, 100);
      const started = performance.now();
      await run(target, headers, REQUESTS);
      const seconds = (performance.now() - started) / 1000;
      return {
        label: `LUBM q01, ${REQUESTS} requests, ${CONCURRENCY} concurrent, Bearer token`,
        requestsPerSecond: Math.round(REQUESTS / seconds),
      };
    } finally {
      server.kill('SIGTERM');
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function run(target: string, headers: Record<string, string>, total: number): Promise<void> {
  let sent = 0;
  const worker = async () => {
    while (sent < total) {
      sent++;
      const response = await fetch(target, { headers });
      if (response.status !== 200)
        throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, server: ReturnType<typeof spawn>): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
    const response = await fetch(`${url}/ready`).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server not ready within 60 s');
}
