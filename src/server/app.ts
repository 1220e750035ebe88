/**
 * Builds the Fastify application: body parsers and limits, the authentication hook that
 * guards every route not marked public, the routes, and the JSON error handler.
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../config.js';
import { AuthenticationError, InvalidArgumentError } from '../errors.js';
import type { Principal } from '../security/principal.js';
import type { Engine } from '../storage/engine.js';
import { describeError, sendError } from './errors.js';
import type { SecurityServices } from './security-services.js';
import { registerAdminRoutes } from './routes/admin.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerSparqlRoutes } from './routes/sparql.js';
import { registerUpdateRoutes } from './routes/update.js';
import { GRAPH_STORE_BODY_TYPES, registerGraphStoreRoutes } from './routes/graph-store.js';

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
  https?: { cert: Buffer; key: Buffer };
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
    ...(options.https ? { https: { ...options.https, minVersion: 'TLSv1.2' as const } } : {}),
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

  // Graph Store bodies stay streams: the route parses them with its own byte cap.
  app.addContentTypeParser(GRAPH_STORE_BODY_TYPES, (_request, payload, done) =>
    done(null, payload),
  );

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.public) return;
    if (!context.state.ready) {
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ error: 'Service unavailable', detail: 'The server is starting; retry shortly' });
    }
    const authorization = request.headers.authorization;
    try {
      request.principal = await context.security.authenticator.authenticate({
        authorization,
        clientAddress: request.ip,
      });
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      return sendError(request, reply, error);
    }
  });

  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));
  app.setNotFoundHandler((request, reply) => {
    const { body } = describeError({ statusCode: 404, message: 'not found' }, request.id);
    body.detail = `No route for ${request.method} ${request.url.split('?', 1)[0]}`;
    return reply.code(404).send(body);
  });

  registerHealthRoutes(app, context);
  registerAuthRoutes(app, context);
  registerSparqlRoutes(app, context);
  registerUpdateRoutes(app, context);
  registerGraphStoreRoutes(app, context);
  registerAdminRoutes(app, context);
  return app;
}
