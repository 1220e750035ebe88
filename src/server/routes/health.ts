/** Liveness and readiness probes: the only routes that need no credentials. */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../app.js';

export function registerHealthRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/health', { config: { public: true } }, async () => ({ status: 'ok' }));

  app.get('/ready', { config: { public: true } }, async (_request, reply) => {
    if (!context.state.ready) {
      return reply.code(503).send({ status: 'starting', detail: 'Storage is opening or loading' });
    }
    return { status: 'ready' };
  });
}
