/**
 * A bench-only server process for isolating the cost of authentication. It starts the same
 * server as `seven-tick serve` (startServer) on a free port of 127.0.0.1 and creates a session
 * token for the admin user. It then prints one JSON line: the URL, the token, and the direct
 * cost of Authenticator.authenticate for that Bearer token in microseconds per call.
 *
 *   node --import tsx bench/http-server.ts DATA_DIR real|cached PASSWORD
 *
 * With "cached", each Authorization header is checked by the real authenticator once and its
 * principal reused afterwards. Requests then skip parsing the header, the address check and the
 * token verification (its digest and the server's cache of verified tokens), but still pass the
 * rate limiters, every access check and the audit flush. Comparing the two modes gives the
 * per-request cost of authentication. The process runs
 * until SIGTERM.
 */
import { resolveConfig } from '../src/config.js';
import type { Principal } from '../src/security/principal.js';
import { startServer } from '../src/server/serve.js';
import { BENCH_RATE_LIMIT } from './http.js';

/** Calls timed for the direct authenticate measurement. */
const DIRECT_CALLS = 20_000;

async function main(): Promise<void> {
  const [dataDir, mode, password] = process.argv.slice(2);
  if (!dataDir || (mode !== 'real' && mode !== 'cached') || !password) {
    throw new Error('Usage: http-server.ts DATA_DIR real|cached PASSWORD');
  }
  const config = resolveConfig(
    {
      dataDir,
      host: '127.0.0.1',
      port: 0,
      logLevel: 'warn',
      addressRateLimitPerSecond: BENCH_RATE_LIMIT,
      addressRateLimitBurst: BENCH_RATE_LIMIT,
      principalRateLimitPerSecond: BENCH_RATE_LIMIT,
      principalRateLimitBurst: BENCH_RATE_LIMIT,
    },
    {},
  );
  const server = await startServer(config, { adminPassword: password });
  await server.ready;
  const authenticator = server.context.security.authenticator;

  const login = await authenticator.login({
    username: 'admin',
    password,
    clientAddress: '127.0.0.1',
    ttlMs: 3_600_000,
  });
  const authorization = `Bearer ${login.token}`;

  const started = performance.now();
  for (let i = 0; i < DIRECT_CALLS; i++) {
    await authenticator.authenticate({ authorization, clientAddress: '127.0.0.1' });
  }
  const authMicros = ((performance.now() - started) * 1000) / DIRECT_CALLS;

  if (mode === 'cached') {
    const real = authenticator.authenticate.bind(authenticator);
    const principals = new Map<string | undefined, Principal>();
    authenticator.authenticate = async (request) => {
      const known = principals.get(request.authorization);
      if (known !== undefined) return known;
      const principal = await real(request);
      principals.set(request.authorization, principal);
      return principal;
    };
  }

  process.stdout.write(`${JSON.stringify({ url: server.url, token: login.token, authMicros })}\n`);
  process.once('SIGTERM', () => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}

await main();
