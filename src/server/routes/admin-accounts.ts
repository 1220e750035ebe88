/**
 * User and grant administration, admin permission only:
 *   GET /admin/users                  every user, without password hashes
 *   PUT /admin/users/NAME             JSON {password?, roles}: create (201) or update (200)
 *   DELETE /admin/users/NAME          remove the user with their tokens and grants
 *   POST /admin/users/NAME/unlock     lift a lockout after failed logins
 *   GET /admin/grants?principal=&dataset=
 *   PUT /admin/grants                 JSON {principal, dataset, graph?, permissions}: set a grant
 *   DELETE /admin/grants?principal=&dataset=&graph=
 * The server reads users and grants on every request, so a change applies to the next request.
 * Every change is audited as an admin.user.* or admin.grant.* entry.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidArgumentError, NotFoundError } from '../../errors.js';
import { ALL_DATASETS, checkGrantResource, type Grant } from '../../security/access.js';
import { checkPasswordStrength } from '../../security/password-policy.js';
import { checkPasswordPolicy } from '../../security/passwords.js';
import { Permission, parseRoles, type RoleName } from '../../security/permissions.js';
import type { UserInfo } from '../../security/users.js';
import type { ServerContext } from '../app.js';
import { adminAuditor } from './write-guard.js';

const PERMISSION_NAMES = ['read', 'write', 'delete', 'admin'] as const;

const USER_BODY = {
  type: 'object',
  minProperties: 1,
  additionalProperties: false,
  properties: {
    // The password policy checks the length in bytes; this cap only bounds the body.
    password: { type: 'string', minLength: 1, maxLength: 4096 },
    roles: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 32 } },
  },
} as const;

const GRANT_BODY = {
  type: 'object',
  required: ['principal', 'dataset', 'permissions'],
  additionalProperties: false,
  properties: {
    principal: { type: 'string', minLength: 1, maxLength: 64 },
    dataset: { type: 'string', minLength: 1, maxLength: 64 },
    // null, as GET /admin/grants shows it, means the whole dataset, like leaving it out.
    graph: { type: ['string', 'null'], minLength: 1, maxLength: 4096 },
    permissions: {
      type: 'array',
      minItems: 1,
      maxItems: 4,
      items: { type: 'string', enum: [...PERMISSION_NAMES] },
    },
  },
} as const;

const GRANT_FILTER_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: {
    principal: { type: 'string', minLength: 1, maxLength: 64 },
    dataset: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

const GRANT_RESOURCE_QUERY = {
  type: 'object',
  required: ['principal', 'dataset'],
  additionalProperties: false,
  properties: {
    ...GRANT_FILTER_QUERY.properties,
    // null, as GET /admin/grants shows it, means the whole dataset, like leaving it out.
    graph: { type: ['string', 'null'], minLength: 1, maxLength: 4096 },
  },
} as const;

interface UserBody {
  password?: string;
  /** Required for a new user; left out, an update keeps the roles the user has. */
  roles?: string[];
}

interface GrantBody {
  principal: string;
  dataset: string;
  graph?: string | null;
  permissions: string[];
}

/** A user as the admin API returns it; `lockedUntil` is set only while the lockout lasts. */
function userJson(user: UserInfo, now = Date.now()) {
  const locked = user.lockedUntil !== null && user.lockedUntil.getTime() > now;
  return {
    username: user.username,
    roles: user.roles,
    createdAt: user.createdAt.toISOString(),
    passwordChangedAt: user.passwordChangedAt.toISOString(),
    failedAttempts: user.failedAttempts,
    locked,
    lockedUntil: locked ? user.lockedUntil!.toISOString() : null,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    lastFailedLoginAt: user.lastFailedLoginAt?.toISOString() ?? null,
  };
}

function grantJson(grant: Grant) {
  return {
    principal: grant.principal,
    dataset: grant.dataset,
    graph: grant.graph,
    permissions: grant.permissions,
  };
}

export function registerAdminAccountRoutes(app: FastifyInstance, context: ServerContext): void {
  const requireAdmin = (request: FastifyRequest) =>
    context.security.access.require(request.principal!, Permission.Admin, {
      dataset: ALL_DATASETS,
    });
  const audit = adminAuditor(context);

  /**
   * Throws InvalidArgumentError when the change would take the admin role from the only user
   * who has it, because no user could then administer the server over HTTP.
   */
  const keepOneAdmin = (username: string, newRoles: readonly RoleName[] | null) => {
    const { users } = context.security;
    if (newRoles?.includes('admin')) return;
    if (!users.get(username)?.roles.includes('admin')) return;
    const admins = users.list().filter((user) => user.roles.includes('admin'));
    if (admins.length <= 1) {
      throw new InvalidArgumentError(
        `"${username}" is the only user with the admin role; give another user the admin ` +
          'role first',
      );
    }
  };

  app.get('/admin/users', async (request) => {
    requireAdmin(request);
    const now = Date.now();
    return { users: context.security.users.list().map((user) => userJson(user, now)) };
  });

  app.put('/admin/users/:name', { schema: { body: USER_BODY } }, async (request, reply) => {
    requireAdmin(request);
    const { name } = request.params as { name: string };
    const body = request.body as UserBody;
    const { users, tokens } = context.security;
    const existing = users.get(name);
    const roles = body.roles === undefined ? existing?.roles : parseRoles(body.roles);

    if (existing === undefined || roles === undefined) {
      if (body.password === undefined || roles === undefined) {
        throw new InvalidArgumentError(
          `User "${name}" does not exist; a new user needs a password and roles`,
        );
      }
      const user = await users.add(name, body.password, roles);
      audit(request, 'admin.user.add', { username: name, roles });
      request.log.info({ username: name, roles, by: request.principal!.username }, 'user added');
      return reply.code(201).send(userJson(user));
    }

    // The password is checked before anything changes, so a rejected password leaves the
    // roles as they were. The admin check and the role change run with no await between them.
    if (body.password !== undefined) {
      checkPasswordPolicy(body.password);
      checkPasswordStrength(body.password, { username: name });
    }
    let user = existing;
    if (body.roles !== undefined) {
      keepOneAdmin(name, roles);
      user = users.setRoles(name, roles);
    }
    let revokedTokens = 0;
    if (body.password !== undefined) {
      // As with `seven-tick user passwd`, a new password ends every session and API token,
      // because the old password may have been used to create them.
      await users.setPassword(name, body.password);
      revokedTokens = tokens.revokeAllFor(name);
      user = users.get(name) ?? user;
    }
    audit(request, 'admin.user.update', {
      username: name,
      roles,
      passwordChanged: body.password !== undefined,
      revokedTokens,
    });
    request.log.info({ username: name, roles, by: request.principal!.username }, 'user updated');
    return reply.code(200).send({ ...userJson(user), revokedTokens });
  });

  app.delete('/admin/users/:name', async (request, reply) => {
    requireAdmin(request);
    const { name } = request.params as { name: string };
    const { users, tokens } = context.security;
    if (users.get(name) === undefined) throw new NotFoundError(`User "${name}" not found`);
    keepOneAdmin(name, null);
    const revokedTokens = tokens.revokeAllFor(name);
    users.remove(name);
    audit(request, 'admin.user.remove', { username: name, revokedTokens });
    request.log.info({ username: name, by: request.principal!.username }, 'user removed');
    return reply.code(204).send();
  });

  app.post('/admin/users/:name/unlock', async (request, reply) => {
    requireAdmin(request);
    const { name } = request.params as { name: string };
    const user = context.security.users.get(name);
    if (user === undefined) throw new NotFoundError(`User "${name}" not found`);
    context.security.users.unlock(name);
    const wasLocked = userJson(user).locked;
    audit(request, 'admin.user.unlock', { username: name, wasLocked });
    request.log.info({ username: name, by: request.principal!.username }, 'user unlocked');
    return reply.code(204).send();
  });

  app.get('/admin/grants', { schema: { querystring: GRANT_FILTER_QUERY } }, async (request) => {
    requireAdmin(request);
    const { principal, dataset } = request.query as { principal?: string; dataset?: string };
    const grants = context.security.access
      .listGrants(principal)
      .filter((grant) => dataset === undefined || grant.dataset === dataset);
    return { grants: grants.map(grantJson) };
  });

  app.put('/admin/grants', { schema: { body: GRANT_BODY } }, async (request, reply) => {
    requireAdmin(request);
    const body = request.body as GrantBody;
    const resource = { dataset: body.dataset, graph: body.graph ?? null };
    checkGrantResource(resource);
    // A grant on a dataset that does not exist yet would silently apply to a later dataset
    // of that name, so a misspelt name is rejected instead.
    if (body.dataset !== ALL_DATASETS && !context.engine.hasDataset(body.dataset)) {
      throw new NotFoundError(`Dataset "${body.dataset}" not found; create it first`);
    }
    const { grant, created } = context.security.access.setGrant(
      body.principal,
      body.permissions,
      resource,
    );
    audit(request, 'admin.grant.set', { ...grantJson(grant), created });
    request.log.info({ grant, by: request.principal!.username }, 'grant set');
    return reply.code(created ? 201 : 200).send(grantJson(grant));
  });

  app.delete(
    '/admin/grants',
    { schema: { querystring: GRANT_RESOURCE_QUERY } },
    async (request, reply) => {
      requireAdmin(request);
      const query = request.query as { principal: string; dataset: string; graph?: string };
      const resource = { dataset: query.dataset, graph: query.graph ?? null };
      checkGrantResource(resource);
      if (!context.security.access.revoke(query.principal, resource)) {
        const where = query.graph === undefined ? '' : ` graph <${query.graph}>`;
        throw new NotFoundError(
          `No grant for "${query.principal}" on dataset "${query.dataset}"${where}`,
        );
      }
      audit(request, 'admin.grant.revoke', {
        principal: query.principal,
        dataset: query.dataset,
        graph: resource.graph,
      });
      request.log.info(
        { principal: query.principal, resource, by: request.principal!.username },
        'grant revoked',
      );
      return reply.code(204).send();
    },
  );
}
