/**
 * Security administration, admin permission only:
 *   GET /admin/addresses             client addresses blocked now
 *   DELETE /admin/addresses/ADDRESS  lift an address's block
 *   GET /admin/audit?limit=N         the newest N audit entries (default 100, at most 1000)
 *   GET /admin/incident              the incident level
 *   PUT /admin/incident              JSON {"level": ..., "reason": ...} sets it, through the
 *                                    incident controller (webhook first for critical)
 * Every change is audited as an admin.* or incident.* entry.
 */
import path from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidArgumentError, NotFoundError } from '../../errors.js';
import { ALL_DATASETS } from '../../security/access.js';
import { readAuditTail } from '../../security/audit-tail.js';
import { INCIDENT_LEVELS, parseIncidentLevel } from '../../security/incident.js';
import { Permission } from '../../security/permissions.js';
import type { ServerContext } from '../app.js';
import { AUDIT_DIR } from '../security-services.js';

const DEFAULT_AUDIT_LIMIT = 100;
const MAX_AUDIT_LIMIT = 1000;

const INCIDENT_BODY = {
  type: 'object',
  required: ['level'],
  additionalProperties: false,
  properties: {
    level: { type: 'string', enum: [...INCIDENT_LEVELS] },
    // No control or format characters: the reason is printed by `seven-tick incident show`.
    reason: { type: 'string', maxLength: 500, pattern: '^[^\\p{Cc}\\p{Cf}]*$' },
  },
} as const;

export function registerAdminSecurityRoutes(app: FastifyInstance, context: ServerContext): void {
  const requireAdmin = (request: FastifyRequest) =>
    context.security.access.require(request.principal!, Permission.Admin, {
      dataset: ALL_DATASETS,
    });

  app.get('/admin/addresses', async (request) => {
    requireAdmin(request);
    return {
      blocked: context.security.addresses.listBlocked().map((status) => ({
        address: status.key,
        score: Math.round(status.score * 100) / 100,
        blockedUntil: status.blockedUntil!.toISOString(),
      })),
    };
  });

  app.delete('/admin/addresses/:address', async (request, reply) => {
    requireAdmin(request);
    const { address } = request.params as { address: string };
    const { addresses } = context.security;
    if (addresses.blockedUntil(address) === null) {
      throw new NotFoundError(`The address ${address} is not blocked`);
    }
    addresses.unblock(address);
    context.security.record({
      type: 'admin.address.unblock',
      actor: request.principal!.username,
      address: request.ip,
      detail: { unblocked: address },
    });
    request.log.info({ unblocked: address, by: request.principal!.username }, 'address unblocked');
    return reply.code(204).send();
  });

  app.get('/admin/audit', async (request) => {
    requireAdmin(request);
    const { limit: text } = request.query as { limit?: string };
    const limit = text === undefined ? DEFAULT_AUDIT_LIMIT : Number(text);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_AUDIT_LIMIT) {
      throw new InvalidArgumentError(
        `limit must be an integer from 1 to ${MAX_AUDIT_LIMIT}, got ${JSON.stringify(text)}`,
      );
    }
    // Entries appended before this request are durable once flushed, so the tail includes them.
    await context.security.audit.flush();
    const dir = path.join(context.config.dataDir, AUDIT_DIR);
    return { entries: await readAuditTail(dir, limit) };
  });

  app.get('/admin/incident', async (request) => {
    requireAdmin(request);
    const status = context.security.incident.current();
    return {
      level: status.level,
      reason: status.reason,
      setBy: status.setBy,
      setAt: status.setAt?.toISOString() ?? null,
    };
  });

  app.put('/admin/incident', { schema: { body: INCIDENT_BODY } }, async (request) => {
    requireAdmin(request);
    const body = request.body as { level: string; reason?: string };
    const level = parseIncidentLevel(body.level);
    // The controller audits, logs and counts the change and sends the webhook.
    const change = await context.security.incidentController.change(level, {
      setBy: request.principal!.username,
      reason: body.reason ?? null,
      address: request.ip,
    });
    return { level, previous: change.previous, webhook: change.webhook };
  });
}
