/**
 * The request hooks of the security layer. Before the route they run, in this order: response
 * headers and CORS, the incident level, the per-address rate limit, authentication, the
 * per-principal rate limit, and a request audit entry at incident level medium or above.
 * After the route, the send hook waits until the request's audit entries are durable. Every
 * authentication failure, authorisation failure and malformed request counts as a security
 * violation for the metrics and the incident monitor.
 */
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AuthenticationError,
  KgError,
  RateLimitedError,
  ServiceUnavailableError,
} from '../errors.js';
import { PermissionDeniedError } from '../security/access.js';
import {
  CORS_ALLOWED_HEADERS,
  CORS_ALLOWED_METHODS,
  CORS_MAX_AGE_SECONDS,
  CorsPolicy,
} from '../security/cors.js';
import { verboseAudit } from '../security/incident.js';
import type { Principal } from '../security/principal.js';
import type { ServerContext } from './app.js';
import { describeError, sendError } from './errors.js';
import type { SecurityOutcome } from './metrics.js';
import { sendNoRoute, type RouteMethods } from './route-methods.js';

/** Headers sent on every response; they suit an API that serves no HTML. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
};
const HSTS = 'max-age=31536000';
/** Seconds a client is asked to wait while the server is locked down. */
const LOCKDOWN_RETRY_SECONDS = 60;
/** Paths that load balancers and monitoring systems call: liveness, readiness and metrics. */
const PROBE_PATHS: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

/**
 * What the security layer did with each request it rejected, read by the response hook. A
 * request without an entry was allowed, unless its status is 401, 403 or 429.
 */
const outcomes = new WeakMap<FastifyRequest, SecurityOutcome>();

/** Returns the outcome of a request: the one noted on rejection, or one implied by the status. */
function outcomeOf(request: FastifyRequest, status: number): SecurityOutcome {
  const noted = outcomes.get(request);
  if (noted !== undefined) return noted;
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate-limited';
  return 'allowed';
}

export interface SecurityHookOptions {
  /** True when the server speaks HTTPS, which adds Strict-Transport-Security. */
  tls: boolean;
  /** True when TLS client certificates are required and map to users. */
  clientCertificates: boolean;
  /** The methods of each path, for the 405 of a probe path called with another method. */
  routeMethods: RouteMethods;
}

/** Registers the security hooks and the error handler on the app. */
export function registerSecurityHooks(
  app: FastifyInstance,
  context: ServerContext,
  options: SecurityHookOptions,
): void {
  const cors = new CorsPolicy(context.config.corsOrigins ?? []);

  app.addHook('onRequest', async (request, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (options.tls) reply.header('strict-transport-security', HSTS);
    reply.header('cache-control', 'no-store');
    const origin = request.headers.origin;
    if (cors.enabled) {
      reply.header('vary', 'Origin');
      if (cors.allows(origin)) {
        reply.header('access-control-allow-origin', origin!);
        reply.header('access-control-expose-headers', 'Retry-After, WWW-Authenticate');
      }
      // A preflight carries no credentials, so it is handled before authentication.
      if (request.method === 'OPTIONS' && request.headers['access-control-request-method']) {
        if (!cors.allows(origin)) {
          outcomes.set(request, 'forbidden');
          return reply.code(403).send({
            error: 'Access denied',
            detail: 'The Origin is not on the corsOrigins allow-list',
          });
        }
        return reply
          .code(204)
          .header('access-control-allow-methods', CORS_ALLOWED_METHODS)
          .header('access-control-allow-headers', CORS_ALLOWED_HEADERS)
          .header('access-control-max-age', String(CORS_MAX_AGE_SECONDS))
          .send();
      }
    }

    const route = request.routeOptions.url;
    if (route === '/health') return;
    const security = context.security;
    if (security !== undefined) {
      const incident = security.incident.current();
      security.metrics.setIncidentLevel(incident.level);
      if (incident.level === 'critical') {
        outcomes.set(request, 'locked-down');
        const detail = incident.unreadable
          ? 'The incident state cannot be read, so the server is locked down; the operator must check the data dir'
          : 'The server is locked down (incident level critical); an operator clears it with `seven-tick incident clear`';
        return sendError(
          request,
          reply,
          new ServiceUnavailableError(detail, LOCKDOWN_RETRY_SECONDS),
        );
      }
      if (route !== '/ready') {
        const decision = security.addressLimiter.take(request.ip);
        if (!decision.allowed) {
          security.metrics.recordRateLimited(route ?? 'unmatched');
          outcomes.set(request, 'rate-limited');
          return sendError(
            request,
            reply,
            new RateLimitedError(
              'Too many requests from this address; retry after the Retry-After delay',
              decision.retryAfterSeconds,
            ),
          );
        }
      }
    }

    // A probe path called with a method it does not accept gets 405 with Allow here, without
    // authentication: these paths and their methods are public, and a monitor that sends the
    // wrong method should learn that instead of getting 401. It is sent before the body is
    // read, so an anonymous client cannot make the server parse one. No route matched such a
    // request, so GET and HEAD /metrics still authenticate.
    if (route === undefined && PROBE_PATHS.has(request.url.split('?', 1)[0]!)) {
      return sendNoRoute(options.routeMethods, request, reply);
    }

    // Only /ready sends its own response while the server starts. Every other route, public
    // /auth/login included, waits for the security services and the stored incident level.
    const starting = !context.state.ready || security === undefined;
    if (route === '/ready' || (request.routeOptions.config?.public && !starting)) return;
    if (starting) {
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({ error: 'Service unavailable', detail: 'The server is starting; retry shortly' });
    }
    try {
      request.principal = await authenticate(context, request, options);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      return sendError(request, reply, error);
    }
    const decision = security.principalLimiter.take(request.principal.username);
    if (!decision.allowed) {
      security.metrics.recordRateLimited(route ?? 'unmatched');
      outcomes.set(request, 'rate-limited');
      return sendError(
        request,
        reply,
        new RateLimitedError(
          `Too many requests by "${request.principal.username}"; retry after the Retry-After delay`,
          decision.retryAfterSeconds,
        ),
      );
    }
    if (verboseAudit(security.incident.current().level)) {
      security.record({
        type: 'request',
        actor: request.principal.username,
        address: request.ip,
        detail: { method: request.method, route: route ?? null, params: request.params ?? {} },
      });
    }
  });

  // The response waits until every audit entry appended so far (this request's included) is
  // on disk. When the audit log cannot be written, the response becomes a 500: an action that
  // cannot be audited is not reported as done.
  app.addHook('onSend', async (request, reply, payload) => {
    const security = context.security;
    // Liveness appends nothing and must keep answering; /ready fails with the log, which takes
    // the server out of a load balancer's rotation.
    if (security === undefined || request.routeOptions.url === '/health') return payload;
    try {
      await security.audit.flush();
      return payload;
    } catch (error) {
      request.log.error({ err: error }, 'the audit log cannot be written; failing the response');
      const { body } = describeError(error, request.id);
      reply.code(500).type('application/json; charset=utf-8');
      reply.removeHeader('content-length');
      return JSON.stringify(body);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const metrics = context.security?.metrics;
    if (metrics === undefined) return;
    metrics.observeRequest(
      request.method,
      request.routeOptions.url,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    if (request.routeOptions.url !== '/health') {
      metrics.recordSecurityOutcome(outcomeOf(request, reply.statusCode));
    }
  });

  app.setErrorHandler((error, request, reply) => {
    noteError(context, request, error);
    return sendError(request, reply, error);
  });
}

/** Authenticates by the Authorization header, or by a verified TLS client certificate. */
async function authenticate(
  context: ServerContext,
  request: FastifyRequest,
  options: SecurityHookOptions,
): Promise<Principal> {
  const { authenticator } = context.security;
  const authorization = request.headers.authorization;
  if (options.clientCertificates && (authorization === undefined || authorization.trim() === '')) {
    const socket = request.raw.socket as TLSSocket;
    // The TLS layer rejects unverified certificates (rejectUnauthorized), so `authorized` is
    // true here for every client that reached the server; it is checked again regardless.
    const commonName = socket.authorized ? socket.getPeerCertificate().subject?.CN : undefined;
    if (typeof commonName === 'string' && commonName !== '') {
      return authenticator.authenticateCertificate(commonName, request.ip);
    }
  }
  return authenticator.authenticate({
    authorization,
    clientAddress: request.ip,
    connection: request.raw.socket,
  });
}

/** Metric label of the query limits, by the setting a LimitExceededError message names. */
const LIMIT_LABELS: Readonly<Record<string, string>> = {
  maxResultRows: 'rows',
  maxGroups: 'groups',
  maxPathNodes: 'path-nodes',
  maxQueryMemoryBytes: 'memory',
};

/** Error codes of input that is malformed, as opposed to well-formed input over a limit. */
const MALFORMED_INPUT_CODES: ReadonlySet<string> = new Set([
  'SPARQL_SYNTAX',
  'RDF_SYNTAX',
  'INVALID_ARGUMENT',
]);

/**
 * Returns the metric label of an input validation failure, or null for any other error:
 * malformed SPARQL or RDF, an invalid argument, a body Fastify rejected as invalid (400), or
 * an unsupported Content-Type (415).
 */
function validationFailureReason(error: unknown): string | null {
  if (error instanceof KgError) return MALFORMED_INPUT_CODES.has(error.code) ? error.code : null;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (status === 400) return 'schema';
  if (status === 415) return 'media-type';
  return null;
}

/** Returns who caused a violation, for the incident monitor's per-source share: user, else address. */
function violationSource(request: FastifyRequest): string {
  const username = request.principal?.username;
  return username === undefined ? `address:${request.ip}` : `user:${username}`;
}

/**
 * Audits an authorisation failure, counts violations for the incident monitor, and counts
 * denials, timeouts and limits for metrics.
 */
function noteError(context: ServerContext, request: FastifyRequest, error: unknown): void {
  const security = context.security;
  if (security === undefined) return;
  if (
    typeof error === 'object' &&
    error !== null &&
    'statusCode' in error &&
    error.statusCode === 413
  ) {
    security.metrics.recordQueryLimit('body');
    return;
  }
  const validation = validationFailureReason(error);
  if (validation !== null) {
    outcomes.set(request, 'invalid');
    security.metrics.recordInputValidationFailure(validation);
    security.recordViolation('validation', violationSource(request));
    return;
  }
  if (!(error instanceof KgError)) return;
  if (error.code === 'SERVICE_UNAVAILABLE') outcomes.set(request, 'switched-off');
  if (error.code === 'QUERY_TIMEOUT') security.metrics.recordQueryTimeout();
  if (error.code === 'LIMIT_EXCEEDED') {
    const setting = /with the (\w+) setting/.exec(error.message)?.[1] ?? '';
    security.metrics.recordQueryLimit(LIMIT_LABELS[setting] ?? 'other');
  }
  if (error.code === 'ACCESS_DENIED') {
    const denied = error instanceof PermissionDeniedError ? error : undefined;
    outcomes.set(request, 'forbidden');
    security.metrics.recordAccessDenied(denied?.permissions[0] ?? 'other');
    security.recordViolation('authorization', violationSource(request));
    security.record({
      type: 'access.denied',
      actor: request.principal?.username ?? null,
      address: request.ip,
      detail: {
        method: request.method,
        route: request.routeOptions.url ?? null,
        ...(denied === undefined
          ? { message: error.message }
          : { permissions: denied.permissions, resource: denied.resource }),
      },
    });
  }
}
