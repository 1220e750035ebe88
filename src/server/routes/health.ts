/**
 * Liveness and readiness probes: the only routes that need no credentials. Readiness also
 * reflects a disk I/O error that disabled writes, and the error hook here logs and audits that
 * error once, when the write that hit it fails.
 */
import type { FastifyInstance } from 'fastify';
import { StorageIoError } from '../../errors.js';
import type { ServerContext } from '../app.js';

export function registerHealthRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/health', { config: { public: true } }, async () => ({ status: 'ok' }));

  app.get('/ready', { config: { public: true } }, async (_request, reply) => {
    if (!context.state.ready) {
      return reply.code(503).send({ status: 'starting', detail: 'Storage is opening or loading' });
    }
    // Not ready while writes are disabled, so a load balancer takes the server out of rotation.
    // Queries sent straight to it still work.
    const fault = context.engine.storageFault;
    if (fault !== undefined) {
      return reply.code(503).send({
        status: 'read-only',
        detail:
          `Writes are disabled since a disk I/O error (${fault.code}) at ` +
          `${fault.at.toISOString()}; check the disk, then restart the server`,
      });
    }
    return { status: 'ready' };
  });

  app.addHook('onError', async (request, _reply, error) => {
    if (!(error instanceof StorageIoError) || !error.disabledWrites) return;
    const fault = context.engine.storageFault;
    request.log.error(
      { err: error, code: fault?.code, dataset: fault?.dataset },
      'a disk I/O error failed a commit; writes are disabled until the server restarts',
    );
    context.security?.record({
      type: 'incident.storage-fault',
      actor: request.principal?.username ?? null,
      address: request.ip,
      detail: { code: fault?.code ?? null, dataset: fault?.dataset ?? null, writesDisabled: true },
    });
  });
}
