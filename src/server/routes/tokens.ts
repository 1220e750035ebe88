/**
 * API tokens over HTTP.
 * Self-service, for any authenticated user:
 *   POST /auth/tokens          JSON {name?, scopes, expiresInDays?}: create a token (201)
 *   GET /auth/tokens           the caller's own tokens
 *   DELETE /auth/tokens/ID     revoke one of the caller's own tokens
 * Admin permission only:
 *   GET /admin/tokens?user=    every token, or those of one user
 *   DELETE /admin/tokens/ID    revoke any token
 * Token secrets appear only in the response that creates them. Every change is audited as an
 * admin.token.* entry; self-service entries carry `selfService: true`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AccessDeniedError,
  InvalidArgumentError,
  NotFoundError,
  ServiceUnavailableError,
} from '../../errors.js';
import { ALL_DATASETS } from '../../security/access.js';
import { loginsAllowed } from '../../security/incident.js';
import {
  Permission,
  formatPermissions,
  parseScopes,
  permissionsForScopes,
} from '../../security/permissions.js';
import type { Principal } from '../../security/principal.js';
import type { TokenInfo } from '../../security/tokens.js';
import type { ServerContext } from '../app.js';
import { adminAuditor } from './write-guard.js';

const DAY_MS = 86_400_000;
/** Maximum lifetime of a self-service token: ten years, in days. */
const MAX_EXPIRES_IN_DAYS = 3650;
/** Maximum active API tokens per user for self-service, so that the table stays bounded. */
export const MAX_ACTIVE_TOKENS_PER_USER = 100;

const CREATE_BODY = {
  type: 'object',
  required: ['scopes'],
  additionalProperties: false,
  properties: {
    // No control or format characters: names are printed in terminals and admin listings.
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\p{Cc}\\p{Cf}]+$' },
    scopes: {
      type: 'array',
      minItems: 1,
      maxItems: 5,
      items: { type: 'string', minLength: 1, maxLength: 32 },
    },
    expiresInDays: { type: 'number', exclusiveMinimum: 0, maximum: MAX_EXPIRES_IN_DAYS },
  },
} as const;

const ADMIN_LIST_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { user: { type: 'string', minLength: 1, maxLength: 64 } },
} as const;

interface CreateBody {
  name?: string;
  scopes: string[];
  expiresInDays?: number;
}

export function registerTokenRoutes(app: FastifyInstance, context: ServerContext): void {
  const tokenJson = (token: TokenInfo, now: Date) => ({
    id: token.id,
    username: token.username,
    kind: token.kind,
    name: token.name,
    scopes: token.scopes,
    state: context.security.tokens.stateOf(token, now),
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  });
  const audit = adminAuditor(context);

  app.post('/auth/tokens', { schema: { body: CREATE_BODY } }, async (request, reply) => {
    const principal = request.principal!;
    const body = request.body as CreateBody;
    const { tokens } = context.security;
    // A new token is a new credential, so it follows the rules of a login.
    const { level } = context.security.incident.current();
    if (!loginsAllowed(level)) {
      throw new ServiceUnavailableError(
        `New tokens are rejected while the incident level is ${level}; existing tokens keep working`,
      );
    }
    if (principal.via !== 'password' && principal.via !== 'session-token') {
      throw new AccessDeniedError(
        'Create API tokens with HTTP Basic credentials or a session token from /auth/login; ' +
          'a token cannot create tokens',
      );
    }
    const scopes = parseScopes(body.scopes);
    checkScopesHeld(context, principal, scopes);
    const active = tokens
      .list(principal.username)
      .filter((token) => token.kind === 'api' && tokens.stateOf(token) === 'active');
    if (active.length >= MAX_ACTIVE_TOKENS_PER_USER) {
      throw new InvalidArgumentError(
        `"${principal.username}" already has ${active.length} active API tokens, the maximum; ` +
          'revoke one with DELETE /auth/tokens/ID first',
      );
    }

    const now = new Date();
    const expiresAt =
      body.expiresInDays === undefined
        ? null
        : new Date(now.getTime() + Math.round(body.expiresInDays * DAY_MS));
    const created = tokens.create({
      username: principal.username,
      kind: 'api',
      name: body.name,
      scopes,
      expiresAt,
      now,
    });
    const expires = created.expiresAt?.toISOString() ?? null;
    audit(request, 'admin.token.create', {
      tokenId: created.id,
      username: principal.username,
      scopes,
      expiresAt: expires,
      selfService: true,
    });
    request.log.info({ tokenId: created.id, username: principal.username }, 'token created');
    return reply.code(201).send({
      id: created.id,
      token: created.token,
      name: body.name ?? null,
      scopes,
      expiresAt: expires,
    });
  });

  app.get('/auth/tokens', async (request) => {
    const now = new Date();
    const own = context.security.tokens.list(request.principal!.username);
    return { tokens: own.map((token) => tokenJson(token, now)) };
  });

  app.delete('/auth/tokens/:id', async (request, reply) => {
    const principal = request.principal!;
    const { id } = request.params as { id: string };
    const token = context.security.tokens.get(id);
    // Another user's token is reported as missing, so ids of other users' tokens stay hidden.
    if (token === undefined || token.username !== principal.username) {
      throw new NotFoundError(`Token "${id}" not found among your tokens`);
    }
    if (principal.via === 'api-token' && principal.tokenId !== id) {
      throw new AccessDeniedError(
        'An API token can revoke only itself; revoke other tokens with HTTP Basic credentials ' +
          'or a session token',
      );
    }
    context.security.tokens.revoke(id);
    audit(request, 'admin.token.revoke', {
      tokenId: id,
      username: principal.username,
      selfService: true,
    });
    request.log.info({ tokenId: id, username: principal.username }, 'token revoked');
    return reply.code(204).send();
  });

  const requireAdmin = (request: FastifyRequest) =>
    context.security.access.require(request.principal!, Permission.Admin, {
      dataset: ALL_DATASETS,
    });

  app.get('/admin/tokens', { schema: { querystring: ADMIN_LIST_QUERY } }, async (request) => {
    requireAdmin(request);
    const { user } = request.query as { user?: string };
    if (user !== undefined && context.security.users.get(user) === undefined) {
      throw new NotFoundError(`User "${user}" not found`);
    }
    const now = new Date();
    return { tokens: context.security.tokens.list(user).map((token) => tokenJson(token, now)) };
  });

  app.delete('/admin/tokens/:id', async (request, reply) => {
    requireAdmin(request);
    const { id } = request.params as { id: string };
    const token = context.security.tokens.get(id);
    if (token === undefined) throw new NotFoundError(`Token "${id}" not found`);
    context.security.tokens.revoke(id);
    audit(request, 'admin.token.revoke', { tokenId: id, username: token.username });
    request.log.info({ tokenId: id, by: request.principal!.username }, 'token revoked');
    return reply.code(204).send();
  });
}

/**
 * Throws AccessDeniedError when a scope requests more than the caller has: a permission that
 * it has neither through a role nor through any grant, or `metrics` without the admin
 * permission, because `GET /metrics` is open to password and session callers only when admin.
 */
function checkScopesHeld(context: ServerContext, principal: Principal, scopes: string[]): void {
  const available = context.security.access.permissionsOnAnyResource(principal);
  const missing = formatPermissions(permissionsForScopes(scopes) & ~available) as string[];
  if (scopes.includes('metrics') && (principal.permissions & Permission.Admin) === 0) {
    missing.push('metrics');
  }
  if (missing.length > 0) {
    const availableNames = formatPermissions(available);
    throw new AccessDeniedError(
      `Scope ${missing.join(', ')} exceeds your permissions; you have ` +
        `${availableNames.length === 0 ? 'none' : availableNames.join(', ')}`,
    );
  }
}
