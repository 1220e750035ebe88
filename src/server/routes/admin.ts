/**
 * Administration of datasets: GET /admin/datasets, PUT and DELETE /admin/datasets/NAME.
 * Admin permission only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidArgumentError } from '../../errors.js';
import { parseSettings } from '../../storage/features.js';
import { Permission } from '../../security/permissions.js';
import type { ServerContext } from '../app.js';
import { requireWritable } from './write-guard.js';

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
        reasoning: context.engine.datasetSettings(info.name).reasoning ?? 'none',
        shapes: context.engine.datasetSettings(info.name).shapes !== undefined,
      })),
    };
  });

  app.put('/admin/datasets/:name', async (request, reply) => {
    requireAdmin(request);
    requireWritable(context); // creating or reconfiguring a dataset writes data
    const { name } = request.params as { name: string };
    const type = request.headers['content-type']?.split(';', 1)[0]!.trim().toLowerCase();
    if (type !== undefined && type !== 'application/json') {
      throw Object.assign(new Error(`Send dataset settings as application/json, not ${type}`), {
        statusCode: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
    }
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InvalidArgumentError('The body must be a JSON object of dataset settings');
    }
    // PUT replaces the settings: fields left out are switched off.
    const settings = parseSettings(body);
    const created = context.engine.createDataset(name);
    try {
      await context.engine.configureDataset(name, settings);
    } catch (error) {
      // A dataset created by this request and refused its settings is not left behind.
      if (created) context.engine.dropDataset(name);
      throw error;
    }
    context.security.record({
      type: 'admin.dataset.put',
      actor: request.principal!.username,
      address: request.ip,
      detail: { dataset: name, created },
    });
    request.log.info({ dataset: name, created, by: request.principal?.username }, 'dataset put');
    return reply.code(created ? 201 : 200).send({ name, created });
  });

  app.delete('/admin/datasets/:name', async (request, reply) => {
    requireAdmin(request);
    requireWritable(context); // dropping a dataset is the most destructive write
    const { name } = request.params as { name: string };
    context.engine.dropDataset(name);
    context.security.record({
      type: 'admin.dataset.drop',
      actor: request.principal!.username,
      address: request.ip,
      detail: { dataset: name },
    });
    request.log.info({ dataset: name, by: request.principal?.username }, 'dataset dropped');
    return reply.code(204).send();
  });
}
