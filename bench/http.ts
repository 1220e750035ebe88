/**
 * HTTP section: loads the data with the compiled CLI into a temporary data dir, starts
 * `seven-tick serve` on a free port of 127.0.0.1 and measures LUBM q01 with autocannon at
 * concurrency 1 and 32 with a Bearer session token. Then it isolates the cost of
 * authentication with one bench server (http-server.ts) that checks one session token on every
 * request and reuses the first check of another, alternating autocannon runs between the two
 * tokens. Needs `npm run build` first.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { formatSample, summarize, type Sample } from './stats.js';
import { LUBM_DIR, ROOT, dataFile, type DataName } from './stores.js';

export const PASSWORD = 'bench-admin-password';
/**
 * Rate limits for the bench servers, per second and burst, for client addresses and for
 * principals. The defaults (200 requests/s) would cap throughput with 429 responses, and the
 * bench measures the server, not the limiter, which still runs on every request.
 */
export const BENCH_RATE_LIMIT = 1_000_000_000;
export const BENCH_CONFIG = {
  addressRateLimitPerSecond: BENCH_RATE_LIMIT,
  addressRateLimitBurst: BENCH_RATE_LIMIT,
  principalRateLimitPerSecond: BENCH_RATE_LIMIT,
  principalRateLimitBurst: BENCH_RATE_LIMIT,
};
const CONCURRENCIES = [1, 32] as const;
/** Untimed autocannon seconds before the timed runs of each concurrency. */
const WARM_UP_SECONDS = 2;
/** Time limits for the CLI load and for a server to become ready, in milliseconds. */
const LOAD_TIMEOUT_MS = 600_000;
const READY_TIMEOUT_MS = 120_000;

export interface HttpRun {
  requestsPerSecond: Sample;
  p50: Sample;
  p99: Sample;
  /** Requests/s of each run, in the order of the rounds. */
  rates: number[];
}

export interface HttpResults {
  query: string;
  secondsPerRun: number;
  /** `seven-tick serve`, Bearer token, by concurrency. */
  serve: Record<number, HttpRun>;
  /** GET /health at the highest concurrency: no authentication and no query. */
  health: HttpRun;
  /** The bench server's requests with authentication checked and reused, by concurrency. */
  authChecked: Record<number, HttpRun>;
  authReused: Record<number, HttpRun>;
  /**
   * Cost of authentication by concurrency, as a fraction: 1 minus checked over reused
   * requests/s, from the two runs of each round.
   */
  authCost: Record<number, Sample>;
  /** Direct Authenticator.authenticate cost for a session token, microseconds per call. */
  authenticateMicros: number;
  /** The same for a token repeated on one connection, which skips the digest. */
  authenticateRepeatMicros: number;
}

export interface Target {
  url: string;
  headers: Record<string, string>;
}

export async function runAutocannon(target: Target, connections: number, seconds: number) {
  const result = await autocannon({
    url: target.url,
    connections,
    duration: seconds,
    headers: target.headers,
    timeout: 30,
  });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    const statuses = Object.entries(result.statusCodeStats ?? {})
      .map(([status, { count }]) => `${count} × ${status}`)
      .join(', ');
    throw new Error(
      `autocannon on ${target.url.split('?', 1)[0]}: ${result.errors} errors, ` +
        `${result.non2xx} non-2xx responses (statuses: ${statuses}), ${result.timeouts} timeouts`,
    );
  }
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/**
 * Runs autocannon `runs` times per target, alternating between targets run by run. Every other
 * round runs the targets in reverse order (A B, B A, ...), so that neither target always runs
 * first, for example straight after the warm-up.
 */
async function measureTargets(
  targets: Target[],
  connections: number,
  runs: number,
  seconds: number,
): Promise<HttpRun[]> {
  for (const target of targets) await runAutocannon(target, connections, WARM_UP_SECONDS);
  const collected = targets.map(() => ({
    rates: [] as number[],
    p50: [] as number[],
    p99: [] as number[],
  }));
  for (let run = 0; run < runs; run++) {
    const order = [...targets.entries()];
    if (run % 2 === 1) order.reverse();
    for (const [i, target] of order) {
      const measured = await runAutocannon(target, connections, seconds);
      collected[i].rates.push(measured.requestsPerSecond);
      collected[i].p50.push(measured.p50);
      collected[i].p99.push(measured.p99);
    }
  }
  return collected.map((values) => ({
    requestsPerSecond: summarize(values.rates),
    p50: summarize(values.p50),
    p99: summarize(values.p99),
    rates: values.rates,
  }));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function waitReady(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`Server exited with ${server.exitCode}`);
    const response = await fetch(`${url}/ready`).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Server at ${url} not ready within ${READY_TIMEOUT_MS} ms`);
}

export async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts the compiled `seven-tick serve` on `dataDir` and `port` with the bench config, with
 * `nodeOptions` (such as `--cpu-prof`) before the script.
 */
export function spawnServe(
  dataDir: string,
  port: number,
  nodeOptions: string[] = [],
): ChildProcess {
  const cli = path.join(ROOT, 'dist', 'cli', 'main.js');
  const config = path.join(dataDir, 'bench-config.json');
  writeFileSync(config, JSON.stringify(BENCH_CONFIG));
  // Request logging at info would measure pino as much as the server, so run at warn.
  const args = ['serve', '--config', config, '--data-dir', dataDir, '--port', String(port)];
  return spawn(process.execPath, [...nodeOptions, cli, ...args, '--log-level', 'warn'], {
    env: { ...process.env, SEVEN_TICK_ADMIN_PASSWORD: PASSWORD },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`Login failed: HTTP ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

async function measureServe(
  dataDir: string,
  queryPath: string,
  runs: number,
  seconds: number,
): Promise<Pick<HttpResults, 'serve' | 'health'>> {
  const port = await freePort();
  const server = spawnServe(dataDir, port);
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, server);
    const headers = { authorization: `Bearer ${await login(url)}` };
    const query: Target = { url: `${url}${queryPath}`, headers };
    const serve: Record<number, HttpRun> = {};
    for (const connections of CONCURRENCIES) {
      [serve[connections]] = await measureTargets([query], connections, runs, seconds);
      console.log(
        `  serve c=${connections}: ${formatSample(serve[connections].requestsPerSecond)} requests/s`,
      );
    }
    const top = CONCURRENCIES[CONCURRENCIES.length - 1];
    const [health] = await measureTargets(
      [{ url: `${url}/health`, headers: {} }],
      top,
      runs,
      seconds,
    );
    return { serve, health };
  } finally {
    await stopServer(server);
  }
}

interface BenchServer {
  child: ChildProcess;
  url: string;
  checkedToken: string;
  reusedToken: string;
  authMicros: number;
  authRepeatMicros: number;
}

async function startBenchServer(dataDir: string): Promise<BenchServer> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'bench', 'http-server.ts'), dataDir, PASSWORD],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! });
  const timer = setTimeout(() => child.kill('SIGKILL'), READY_TIMEOUT_MS);
  try {
    for await (const line of lines) {
      if (line.startsWith('{')) {
        return { child, ...(JSON.parse(line) as Omit<BenchServer, 'child'>) };
      }
    }
  } finally {
    clearTimeout(timer);
  }
  throw new Error('Bench server exited before printing its address');
}

/**
 * Measures the bench server with its checked and its reused token. Both kinds of request go to
 * one process. In three runs with two bench processes that authenticated the same way, the one
 * started first was 4 to 8 % slower, and a comparison of two processes counts such a difference
 * as a cost of authentication.
 */
async function measureAuthCost(
  dataDir: string,
  queryPath: string,
  runs: number,
  seconds: number,
): Promise<
  Pick<
    HttpResults,
    'authChecked' | 'authReused' | 'authCost' | 'authenticateMicros' | 'authenticateRepeatMicros'
  >
> {
  const server = await startBenchServer(dataDir);
  try {
    const url = `${server.url}${queryPath}`;
    const targets = [server.checkedToken, server.reusedToken].map((token) => ({
      url,
      headers: { authorization: `Bearer ${token}` },
    }));
    const authChecked: Record<number, HttpRun> = {};
    const authReused: Record<number, HttpRun> = {};
    const authCost: Record<number, Sample> = {};
    for (const connections of CONCURRENCIES) {
      const [checked, reused] = await measureTargets(targets, connections, runs, seconds);
      authChecked[connections] = checked;
      authReused[connections] = reused;
      // Pairing the two runs of a round keeps load that changes between rounds out of the cost.
      authCost[connections] = summarize(
        checked.rates.map((rate, round) => 1 - rate / reused.rates[round]),
      );
    }
    return {
      authChecked,
      authReused,
      authCost,
      authenticateMicros: server.authMicros,
      authenticateRepeatMicros: server.authRepeatMicros,
    };
  } finally {
    await stopServer(server.child);
  }
}

export async function measureHttp(
  data: DataName,
  runs: number,
  seconds: number,
): Promise<HttpResults> {
  const cli = path.join(ROOT, 'dist', 'cli', 'main.js');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seven-tick-bench-'));
  try {
    const load = spawnSync(process.execPath, [cli, 'load', '--data-dir', dataDir, dataFile(data)], {
      encoding: 'utf8',
      timeout: LOAD_TIMEOUT_MS,
    });
    if (load.status !== 0) throw new Error(`seven-tick load failed: ${load.stderr}`);
    const query = readFileSync(path.join(LUBM_DIR, 'queries', 'q01.rq'), 'utf8');
    const queryPath = `/sparql?query=${encodeURIComponent(query)}`;
    const serve = await measureServe(dataDir, queryPath, runs, seconds);
    const auth = await measureAuthCost(dataDir, queryPath, runs, seconds);
    return { query: 'q01', secondsPerRun: seconds, ...serve, ...auth };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
