/**
 * Builds the Fastify application: body parsers and limits, the security hooks (headers, CORS,
 * incident level, rate limits, authentication of every route not marked public, audit), the
 * routes, and the JSON error handler.
 */
import formbody from '@fastify/formbody';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyServerOptions,
} from 'fastify';
import type { Config } from '../config.js';
import type { ServerOptions as HttpsServerOptions } from 'node:https';
import { InvalidArgumentError } from '../errors.js';
import type { Principal } from '../security/principal.js';
import type { Engine } from '../storage/engine.js';
import { describeError } from './errors.js';
import { RouteMethods, sendNoRoute } from './route-methods.js';
import { clientErrorHandler, rejectContentEncoding } from './client-errors.js';
import { registerSecurityHooks } from './security-hooks.js';
import type { SecurityServices } from './security-services.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerAdminSecurityRoutes } from './routes/admin-security.js';
import { registerAdminAccountRoutes } from './routes/admin-accounts.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { registerMetricsRoutes } from './routes/metrics.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerSparqlRoutes } from './routes/sparql.js';
import { registerUpdateRoutes } from './routes/update.js';
import { registerGraphStoreRoutes } from './routes/graph-store.js';
import { registerShaclRoutes } from './routes/shacl.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Routes reachable without credentials (only /health and /ready). */
    public?: boolean;
  }
}

export interface ServerState {
  /** True once storage is open and datasets are loaded; /ready returns 503 before. */
  ready: boolean;
  /** Abort controllers of the queries running now, so shutdown can cancel them. */
  activeQueries: Set<AbortController>;
}

export interface ServerContext {
  engine: Engine;
  config: Config;
  security: SecurityServices;
  state: ServerState;
}

export interface BuildOptions {
  /** A pino logger; without one the app does not log (tests that build it in-process). */
  loggerInstance?: FastifyServerOptions['loggerInstance'];
  /** TLS settings (certificate, key, protocol floor, ciphers, client CA); absent means HTTP. */
  https?: HttpsServerOptions;
}

export async function buildServer(
  context: ServerContext,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.loggerInstance ? { loggerInstance: options.loggerInstance } : { logger: false }),
    bodyLimit: context.config.maxBodyBytes,
    // Never let a client pick the request id that shows up in logs and error bodies.
    requestIdHeader: false,
    // Validate JSON bodies as sent: no type coercion, and unknown fields are errors.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
    ...(options.https ? { https: { minVersion: 'TLSv1.2' as const, ...options.https } } : {}),
    // X-Forwarded-For names the client only when the direct peer is a listed proxy.
    ...(context.config.trustedProxies?.length ? { trustProxy: context.config.trustedProxies } : {}),
    clientErrorHandler,
    // Errors the router raises before any hook (a path parameter over 100 characters, a bad
    // percent escape) get the same JSON body as every other error.
    frameworkErrors: (error, request, reply) => {
      const { body } = describeError(error, request.id);
      const raw = reply as unknown as FastifyReply;
      void raw
        .code(error.statusCode ?? 400)
        .type('application/json; charset=utf-8')
        .send(body);
    },
  }) as unknown as FastifyInstance;

  await app.register(formbody);
  // Decode as strict UTF-8: a malformed byte is a client error, not a silent U+FFFD.
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  for (const type of ['application/sparql-query', 'application/sparql-update']) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_request, body, done) => {
      try {
        done(null, utf8.decode(body as Buffer));
      } catch {
        done(new InvalidArgumentError(`The ${type} body is not valid UTF-8`), undefined);
      }
    });
  }

  // Collected before any route registers, and used by the security hooks for probe paths.
  const routeMethods = new RouteMethods();
  routeMethods.collect(app);
  registerSecurityHooks(app, context, {
    tls: options.https !== undefined,
    clientCertificates: options.https?.requestCert === true,
    routeMethods,
  });
  // After authentication, so an anonymous client learns nothing but 401.
  app.addHook('onRequest', rejectContentEncoding);
  app.setNotFoundHandler((request, reply) => sendNoRoute(routeMethods, request, reply));

  registerHealthRoutes(app, context);
  registerAuthRoutes(app, context);
  registerSparqlRoutes(app, context);
  registerUpdateRoutes(app, context);
  registerGraphStoreRoutes(app, context);
  registerShaclRoutes(app, context);
  registerAdminRoutes(app, context);
  registerAdminSecurityRoutes(app, context);
  registerAdminAccountRoutes(app, context);
  registerTokenRoutes(app, context);
  registerMetricsRoutes(app, context);
  return app;
}
