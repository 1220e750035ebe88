/**
 * A bench-only server process for isolating the cost of authentication. It starts the same
 * server as `seven-tick serve` (startServer) on a free port of 127.0.0.1 and logs the admin user
 * in twice, which creates two session tokens. It then prints one JSON line: the URL, both tokens,
 * and the direct cost of Authenticator.authenticate for a Bearer token in microseconds per call,
 * on a new connection and repeated on one connection.
 *
 *   node --import tsx bench/http-server.ts DATA_DIR PASSWORD
 *
 * Requests with the checked token are authenticated on every request, as `seven-tick serve`
 * does. Requests with the reused token are checked by the real authenticator once and its
 * principal is reused afterwards. Those requests skip parsing the header, the address check and
 * the token verification (its digest and the server's cache of verified tokens), but still pass
 * the rate limiters, every access check and the audit flush. Both tokens go to the same process,
 * so the two kinds of request share its JIT state, heap and CPU placement, and only the
 * authentication differs between them. The process runs until SIGTERM.
 */
import { resolveConfig } from '../src/config.js';
import type { AuthenticateRequest } from '../src/security/authenticate.js';
import type { Principal } from '../src/security/principal.js';
import { startServer } from '../src/server/serve.js';
import { BENCH_RATE_LIMIT } from './http.js';

/** Calls timed for the direct authenticate measurement. */
const DIRECT_CALLS = 20_000;
/** Lifetime of the bench sessions, in milliseconds. */
const SESSION_TTL_MS = 3_600_000;

async function main(): Promise<void> {
  const [dataDir, password] = process.argv.slice(2);
  if (!dataDir || !password) {
    throw new Error('Usage: http-server.ts DATA_DIR PASSWORD');
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

  const login = () =>
    authenticator.login({
      username: 'admin',
      password,
      clientAddress: '127.0.0.1',
      ttlMs: SESSION_TTL_MS,
    });
  const checkedToken = (await login()).token;
  const reusedToken = (await login()).token;
  const authorization = `Bearer ${checkedToken}`;

  // Without a connection every call digests the token, as on a new connection. With one
  // connection object for all calls, every call after the first repeats the token.
  const timeCalls = async (connection: object | undefined): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < DIRECT_CALLS; i++) {
      await authenticator.authenticate({ authorization, clientAddress: '127.0.0.1', connection });
    }
    return ((performance.now() - started) * 1000) / DIRECT_CALLS;
  };
  const authMicros = await timeCalls(undefined);
  const authRepeatMicros = await timeCalls({});

  // Only the reused token's header skips the authenticator after its first check. The wrapper
  // returns the authenticator's own promise for every other header, so a checked request makes
  // the same asynchronous steps as in `seven-tick serve`.
  const real = authenticator.authenticate.bind(authenticator);
  const reusedHeader = `Bearer ${reusedToken}`;
  let reusedPrincipal: Principal | undefined;
  authenticator.authenticate = (request: AuthenticateRequest): Promise<Principal> => {
    if (request.authorization !== reusedHeader) return real(request);
    if (reusedPrincipal !== undefined) return Promise.resolve(reusedPrincipal);
    return real(request).then((principal) => (reusedPrincipal = principal));
  };

  process.stdout.write(
    `${JSON.stringify({ url: server.url, checkedToken, reusedToken, authMicros, authRepeatMicros })}\n`,
  );
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
