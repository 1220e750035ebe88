/**
 * Starts the real `seven-tick` server as a child process on 127.0.0.1 with a free port and a
 * temporary data dir, and talks HTTP to it. Needs the compiled CLI (`npm run build`, which
 * `npm test` runs first).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'main.js');
export const SHARED = path.resolve(REPO_ROOT, '../shared');
export const ADMIN_PASSWORD = 'test-admin-password-1234';

export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'seven-tick-test-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one CLI command to completion (bounded by a 5-minute timeout). */
export function runCli(
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 1 << 30,
    env: { ...process.env, ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface ServerProcess {
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Every line the server wrote to stdout (pino JSON lines and notices). */
  output: string[];
  /** Sends a request with admin Basic credentials, or with `auth` when given (null sends none). */
  request(pathname: string, init?: RequestInit & { auth?: string | null }): Promise<Response>;
  stop(): Promise<void>;
  kill9(): Promise<void>;
}

export interface StartOptions {
  dataDir?: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Wait until /ready returns 200 (default true). */
  waitReady?: boolean;
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export const ADMIN_AUTH = basic('admin', ADMIN_PASSWORD);

export async function startServerProcess(options: StartOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? tempDataDir();
  const child = spawn(
    process.execPath,
    [
      CLI,
      'serve',
      '--data-dir',
      dataDir,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      ...(options.args ?? []),
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, SEVEN_TICK_ADMIN_PASSWORD: ADMIN_PASSWORD, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output: string[] = [];
  let buffered = '';
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not listen:\n${output.join('')}`)),
      30_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output.join('')}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        output.push(line);
        if (line.includes('"listening"')) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { address: string }).address);
        }
      }
    });
  });

  const server: ServerProcess = {
    url,
    dataDir,
    child,
    output,
    request(pathname, init = {}) {
      const { auth, ...rest } = init;
      const headers = new Headers(rest.headers);
      const authorization = auth === undefined ? ADMIN_AUTH : auth;
      if (authorization !== null) headers.set('authorization', authorization);
      return fetch(url + pathname, { ...rest, headers });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
    async kill9() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
  if (options.waitReady !== false) await waitReady(server);
  return server;
}

/** Polls /ready until it returns 200; gives up after 60 s. */
export async function waitReady(server: ServerProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${server.url}/ready`).catch(() => undefined);
    if (response?.status === 200) return;
    if (server.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server not ready:\n${server.output.join('\n')}`);
}

/** Runs `SELECT (COUNT(*) AS ?n) { pattern }` on a dataset (admin credentials) and returns n. */
export async function countMatches(
  server: ServerProcess,
  pattern: string,
  dataset = 'default',
): Promise<number> {
  const query = encodeURIComponent(`SELECT (COUNT(*) AS ?n) { ${pattern} }`);
  const response = await server.request(`/datasets/${dataset}/sparql?query=${query}`);
  if (response.status !== 200) {
    throw new Error(`count query answered ${response.status}: ${await response.text()}`);
  }
  const body = (await response.json()) as { results: { bindings: { n: { value: string } }[] } };
  return Number(body.results.bindings[0]!.n.value);
}
