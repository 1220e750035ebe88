/**
 * Session login and logout. POST /auth/login takes JSON {username, password} and returns a
 * session token; POST /auth/logout revokes the session token that authenticates it.
 */
import type { FastifyInstance } from 'fastify';
import { AuthenticationFailedError } from '../../security/authenticate.js';
import { InvalidArgumentError, ServiceUnavailableError } from '../../errors.js';
import { loginsAllowed } from '../../security/incident.js';
import type { ServerContext } from '../app.js';
import { sendError } from '../errors.js';

const LOGIN_BODY = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
  },
} as const;

export function registerAuthRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post(
    '/auth/login',
    { config: { public: true }, schema: { body: LOGIN_BODY } },
    async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string };
      const { level } = context.security.incident.current();
      if (!loginsAllowed(level)) {
        throw new ServiceUnavailableError(
          `New sessions are rejected while the incident level is ${level}; existing sessions, ` +
            'API tokens and Basic credentials keep working',
        );
      }
      try {
        const session = await context.security.authenticator.login({
          username,
          password,
          clientAddress: request.ip,
          ttlMs: context.config.sessionTtlSeconds * 1000,
        });
        request.log.info({ username }, 'session created');
        return { token: session.token, expiresAt: session.expiresAt.toISOString() };
      } catch (error) {
        if (error instanceof AuthenticationFailedError && error.retryAfterSeconds !== undefined) {
          reply.header('retry-after', String(error.retryAfterSeconds));
        }
        return sendError(request, reply, error);
      }
    },
  );

  app.post('/auth/logout', async (request, reply) => {
    const principal = request.principal!;
    if (principal.via !== 'session-token' || principal.tokenId === undefined) {
      throw new InvalidArgumentError('Log out with the session token from /auth/login as Bearer');
    }
    context.security.tokens.revoke(principal.tokenId);
    context.security.record({
      type: 'logout',
      actor: principal.username,
      address: request.ip,
      detail: { tokenId: principal.tokenId },
    });
    request.log.info({ username: principal.username }, 'session revoked');
    return reply.code(204).send();
  });
}
