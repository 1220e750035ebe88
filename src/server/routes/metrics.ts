/** GET /metrics: Prometheus text format, for admins and tokens with the `metrics` scope. */
import type { FastifyInstance } from 'fastify';
import { AccessDeniedError } from '../../errors.js';
import { canReadMetrics } from '../../security/access.js';
import type { ServerContext } from '../app.js';

export function registerMetricsRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get('/metrics', async (request, reply) => {
    if (!canReadMetrics(request.principal!)) {
      throw new AccessDeniedError(
        `Permission denied: /metrics needs the admin role or a token with the metrics scope; ` +
          `"${request.principal!.username}" has neither`,
      );
    }
    const { metrics } = context.security;
    const text = await metrics.metrics();
    return reply.type(metrics.contentType).send(text);
  });
}
