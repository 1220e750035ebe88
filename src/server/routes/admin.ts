/**
 * Administration of datasets: GET /admin/datasets, PUT and DELETE /admin/datasets/NAME.
 * Admin permission only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidArgumentError, KgError } from '../../errors.js';
import { Permission } from '../../security/permissions.js';
import type { ServerContext } from '../app.js';

interface DatasetSettings {
  reasoning?: unknown;
  shapes?: unknown;
}

export function registerAdminRoutes(app: FastifyInstance, context: ServerContext): void {
  const requireAdmin = (request: FastifyRequest) =>
    context.security.access.require(request.principal!, Permission.Admin, { dataset: '*' });

  app.get('/admin/datasets', async (request) => {
    requireAdmin(request);
    return {
      datasets: context.engine.listDatasets().map((info) => ({
        name: info.name,
        createdAt: info.createdAt,
        quads: info.quads,
      })),
    };
  });

  app.put('/admin/datasets/:name', async (request, reply) => {
    requireAdmin(request);
    const { name } = request.params as { name: string };
    const settings = (request.body ?? {}) as DatasetSettings;
    if (typeof settings !== 'object' || Array.isArray(settings)) {
      throw new InvalidArgumentError('The body must be a JSON object of dataset settings');
    }
    if (settings.reasoning !== undefined && settings.reasoning !== 'none') {
      // TODO: RDFS and OWL 2 RL materialisation are not built yet, so only "none" is accepted.
      throw new KgError(
        'UNSUPPORTED_FEATURE',
        `Reasoning ${JSON.stringify(settings.reasoning)} is not available yet; only "none" is`,
      );
    }
    if (settings.shapes !== undefined) {
      throw new KgError('UNSUPPORTED_FEATURE', 'SHACL shapes on a dataset are not available yet');
    }
    const created = context.engine.createDataset(name);
    request.log.info({ dataset: name, created, by: request.principal?.username }, 'dataset put');
    return reply.code(created ? 201 : 200).send({ name, created });
  });

  app.delete('/admin/datasets/:name', async (request, reply) => {
    requireAdmin(request);
    const { name } = request.params as { name: string };
    context.engine.dropDataset(name);
    request.log.info({ dataset: name, by: request.principal?.username }, 'dataset dropped');
    return reply.code(204).send();
  });
}
