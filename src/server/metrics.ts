/**
 * Prometheus metrics for `GET /metrics`, in a registry of their own (never prom-client's global
 * one, so two servers in one process or one test file never share counts). Every label takes
 * values from a fixed set or a route pattern, which keeps the number of time series bounded
 * whatever clients send.
 */

import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type LabelValues,
} from 'prom-client';
import type { AuthEvent } from '../security/authenticate.js';

export type AuthMethod = 'basic' | 'bearer' | 'jwt' | 'certificate' | 'login' | 'none' | 'other';
export type IncidentLevel = 'none' | 'low' | 'medium' | 'high' | 'critical';
export type OutboundOutcome = 'ok' | 'blocked' | 'failed';
/** The security layer's decision on a request, for `seven_tick_security_requests_total`. */
export type SecurityOutcome =
  | 'allowed'
  | 'unauthenticated'
  | 'forbidden'
  | 'invalid'
  | 'rate-limited'
  | 'switched-off'
  | 'locked-down';
export type ViolationKind = 'authentication' | 'authorization' | 'validation';
export type IncidentChangeSource = 'manual' | 'automatic' | 'external';

const AUTH_METHODS: ReadonlySet<string> = new Set([
  'basic',
  'bearer',
  'jwt',
  'certificate',
  'login',
  'none',
  'other',
]);
const AUTH_REASONS: ReadonlySet<string> = new Set([
  'missing',
  'unsupported-scheme',
  'malformed',
  'invalid',
  'locked',
  'address-blocked',
  'expired',
]);
const ACTIONS: ReadonlySet<string> = new Set(['read', 'write', 'delete', 'admin', 'metrics']);
const AUDIT_FAMILIES: ReadonlySet<string> = new Set([
  'login',
  'logout',
  'access',
  'write',
  'admin',
  'incident',
  'audit',
  'request',
]);
const QUERY_LIMITS: ReadonlySet<string> = new Set([
  'rows',
  'groups',
  'path-nodes',
  'memory',
  'body',
]);
const SECURITY_OUTCOMES: ReadonlySet<string> = new Set([
  'allowed',
  'unauthenticated',
  'forbidden',
  'invalid',
  'rate-limited',
  'switched-off',
  'locked-down',
]);
const VIOLATION_KINDS: ReadonlySet<string> = new Set([
  'authentication',
  'authorization',
  'validation',
]);
/** Labels of input validation failures: the error code, or the kind of Fastify rejection. */
const VALIDATION_REASONS: ReadonlySet<string> = new Set([
  'SPARQL_SYNTAX',
  'RDF_SYNTAX',
  'INVALID_ARGUMENT',
  'schema',
  'media-type',
]);
const CHANGE_SOURCES: ReadonlySet<string> = new Set(['manual', 'automatic', 'external']);
const HTTP_METHODS: ReadonlySet<string> = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
]);

/** The incident level as a number, so alerts can compare it (`>= 3` means high or critical). */
export const INCIDENT_LEVEL_VALUES: Readonly<Record<IncidentLevel, number>> = {
  none: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

/** Histogram buckets in seconds, from 1 ms up to 30 s (the default query timeout). */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const MAX_ROUTE_LENGTH = 100;

function oneOf(value: string, allowed: ReadonlySet<string>): string {
  return allowed.has(value) ? value : 'other';
}

export interface ServerMetricsOptions {
  /** Adds prom-client's process metrics (CPU, memory, event loop lag); default true. */
  processMetrics?: boolean;
  /** Read at every scrape for the blocked-address gauge, for example from the AddressMonitor. */
  blockedAddressCount?: () => number;
  /** Read at every scrape for the locked-account gauge. */
  lockedAccountCount?: () => number;
}

/** The server's metrics and one recording function per event. */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly authSuccesses: Counter<'method'>;
  private readonly authFailures: Counter<'method' | 'reason'>;
  private readonly lockouts: Counter<string>;
  private readonly addressBlocks: Counter<string>;
  private readonly blockedAddresses: Gauge<string>;
  private readonly accessDenials: Counter<'action'>;
  private readonly rateLimited: Counter<'route'>;
  private readonly incidentLevel: Gauge<string>;
  private readonly auditEntries: Counter<'family'>;
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  private readonly queryTimeouts: Counter<string>;
  private readonly queryLimits: Counter<'limit'>;
  private readonly outboundRequests: Counter<'outcome'>;
  private readonly securityRequests: Counter<'outcome'>;
  private readonly violations: Counter<'kind'>;
  private readonly authzFailures: Counter<'action'>;
  private readonly inputValidationFailures: Counter<'reason'>;
  private readonly failedRequests: Counter<'status'>;
  private readonly lockedAccounts: Gauge<string>;
  private readonly incidentChanges: Counter<'source' | 'level'>;
  private readonly webhookFailures: Counter<string>;

  constructor(options: ServerMetricsOptions = {}) {
    const registers = [this.registry];
    this.authSuccesses = new Counter({
      name: 'seven_tick_auth_successes_total',
      help: 'Successful authentications by method',
      labelNames: ['method'],
      registers,
    });
    this.authFailures = new Counter({
      name: 'seven_tick_auth_failures_total',
      help: 'Failed authentications by method and reason',
      labelNames: ['method', 'reason'],
      registers,
    });
    this.lockouts = new Counter({
      name: 'seven_tick_account_lockouts_total',
      help: 'Accounts locked after repeated failed logins',
      registers,
    });
    this.addressBlocks = new Counter({
      name: 'seven_tick_address_blocks_total',
      help: 'Client addresses blocked after repeated failed authentications',
      registers,
    });
    const countBlocked = options.blockedAddressCount;
    this.blockedAddresses = new Gauge({
      name: 'seven_tick_blocked_addresses',
      help: 'Client addresses blocked now',
      registers,
      ...(countBlocked === undefined
        ? {}
        : {
            collect(this: Gauge<string>) {
              this.set(countBlocked());
            },
          }),
    });
    this.accessDenials = new Counter({
      name: 'seven_tick_access_denied_total',
      help: 'Requests denied for lack of a permission, by the permission needed',
      labelNames: ['action'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'seven_tick_rate_limited_total',
      help: 'Requests rejected by a rate limit, by route pattern',
      labelNames: ['route'],
      registers,
    });
    this.incidentLevel = new Gauge({
      name: 'seven_tick_incident_level',
      help: 'Incident level: 0 none, 1 low, 2 medium, 3 high, 4 critical',
      registers,
    });
    this.auditEntries = new Counter({
      name: 'seven_tick_audit_entries_total',
      help: 'Audit entries written, by the first part of their type',
      labelNames: ['family'],
      registers,
    });
    this.requests = new Counter({
      name: 'seven_tick_http_requests_total',
      help: 'HTTP responses sent, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'seven_tick_http_request_duration_seconds',
      help: 'Time from request to response, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.queryTimeouts = new Counter({
      name: 'seven_tick_query_timeouts_total',
      help: 'Queries stopped at their timeout',
      registers,
    });
    this.queryLimits = new Counter({
      name: 'seven_tick_query_limits_total',
      help: 'Queries or requests stopped at a resource limit, by limit',
      labelNames: ['limit'],
      registers,
    });
    this.outboundRequests = new Counter({
      name: 'seven_tick_outbound_requests_total',
      help: 'Outbound requests (SERVICE, LOAD, JWKS) by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.securityRequests = new Counter({
      name: 'seven_tick_security_requests_total',
      help: 'Requests through the security layer (all but /health), by what it did with them',
      labelNames: ['outcome'],
      registers,
    });
    this.violations = new Counter({
      name: 'seven_tick_security_violations_total',
      help:
        'Failed authentications (not counting missing credentials or blocked addresses), ' +
        'authorisation failures and input validation failures, by kind',
      labelNames: ['kind'],
      registers,
    });
    this.authzFailures = new Counter({
      name: 'seven_tick_authz_failures_total',
      help: 'Authorisation failures (403), by the permission needed',
      labelNames: ['action'],
      registers,
    });
    this.inputValidationFailures = new Counter({
      name: 'seven_tick_input_validation_failures_total',
      help: 'Requests rejected as malformed input (400, 415), by error code or rejection kind',
      labelNames: ['reason'],
      registers,
    });
    this.failedRequests = new Counter({
      name: 'seven_tick_failed_requests_total',
      help: 'Responses with a 4xx or 5xx status, by status',
      labelNames: ['status'],
      registers,
    });
    const countLocked = options.lockedAccountCount;
    this.lockedAccounts = new Gauge({
      name: 'seven_tick_locked_accounts',
      help: 'User accounts locked now after repeated failed logins',
      registers,
      ...(countLocked === undefined
        ? {}
        : {
            collect(this: Gauge<string>) {
              this.set(countLocked());
            },
          }),
    });
    this.incidentChanges = new Counter({
      name: 'seven_tick_incident_changes_total',
      help: 'Incident level changes, by source (manual, automatic, external) and new level',
      labelNames: ['source', 'level'],
      registers,
    });
    this.webhookFailures = new Counter({
      name: 'seven_tick_incident_webhook_failures_total',
      help: 'Incident webhook deliveries that failed or timed out',
      registers,
    });
    this.incidentLevel.set(0);
    if (options.processMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: 'seven_tick_' });
    }
  }

  /** The Content-Type of `metrics()` output. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Renders every metric in the Prometheus text exposition format. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  recordAuthentication(method: AuthMethod, outcome: 'success' | 'failure', reason?: string): void {
    const methodLabel = oneOf(method, AUTH_METHODS);
    if (outcome === 'success') {
      this.authSuccesses.inc({ method: methodLabel });
    } else {
      this.authFailures.inc({
        method: methodLabel,
        reason: oneOf(reason ?? 'invalid', AUTH_REASONS),
      });
    }
  }

  /** Records an Authenticator event, including an address block or account lockout it caused. */
  recordAuthEvent(event: AuthEvent): void {
    this.recordAuthentication(event.scheme, event.outcome, event.reason);
    if (event.addressBlocked === true) this.addressBlocks.inc();
    if (event.accountLocked === true) this.lockouts.inc();
  }

  recordLockout(): void {
    this.lockouts.inc();
  }

  setBlockedAddresses(count: number): void {
    this.blockedAddresses.set(count);
  }

  /**
   * Records an authorisation failure in `seven_tick_access_denied_total` and
   * `seven_tick_authz_failures_total`. `action` is the permission that was missing: read,
   * write, delete, admin or metrics.
   */
  recordAccessDenied(action: string): void {
    const label = { action: oneOf(action, ACTIONS) };
    this.accessDenials.inc(label);
    this.authzFailures.inc(label);
  }

  /** `reason` is SPARQL_SYNTAX, RDF_SYNTAX, INVALID_ARGUMENT, schema or media-type. */
  recordInputValidationFailure(reason: string): void {
    this.inputValidationFailures.inc({ reason: oneOf(reason, VALIDATION_REASONS) });
  }

  recordViolation(kind: ViolationKind): void {
    this.violations.inc({ kind: oneOf(kind, VIOLATION_KINDS) });
  }

  recordSecurityOutcome(outcome: SecurityOutcome): void {
    this.securityRequests.inc({ outcome: oneOf(outcome, SECURITY_OUTCOMES) });
  }

  setLockedAccounts(count: number): void {
    this.lockedAccounts.set(count);
  }

  recordIncidentChange(source: IncidentChangeSource, level: IncidentLevel): void {
    this.incidentChanges.inc({
      source: oneOf(source, CHANGE_SOURCES),
      level: level in INCIDENT_LEVEL_VALUES ? level : 'other',
    });
    this.setIncidentLevel(level);
  }

  recordWebhookFailure(): void {
    this.webhookFailures.inc();
  }

  /** `route` is the route pattern (`/datasets/:name/sparql`), never the raw URL. */
  recordRateLimited(route: string): void {
    this.rateLimited.inc({ route: routeLabel(route) });
  }

  setIncidentLevel(level: IncidentLevel): void {
    this.incidentLevel.set(INCIDENT_LEVEL_VALUES[level] ?? 0);
  }

  recordAuditEntry(type: string): void {
    const family = type.split('.', 1)[0] ?? '';
    this.auditEntries.inc({ family: oneOf(family, AUDIT_FAMILIES) });
  }

  /**
   * Records one request and the time until its response. `route` is the matched route pattern, or undefined when no
   * route matched (counted as `unmatched`), so URLs chosen by clients never become labels.
   */
  observeRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    const labels: LabelValues<'method' | 'route' | 'status'> = {
      method: oneOf(method.toUpperCase(), HTTP_METHODS),
      route: route === undefined ? 'unmatched' : routeLabel(route),
      status: Number.isInteger(status) && status >= 100 && status <= 599 ? String(status) : 'other',
    };
    this.requests.inc(labels);
    if (status >= 400) this.failedRequests.inc({ status: labels.status });
    if (Number.isFinite(seconds) && seconds >= 0) this.requestDuration.observe(labels, seconds);
  }

  recordQueryTimeout(): void {
    this.queryTimeouts.inc();
  }

  /** `limit` is one of rows, groups, path-nodes, memory or body. */
  recordQueryLimit(limit: string): void {
    this.queryLimits.inc({ limit: oneOf(limit, QUERY_LIMITS) });
  }

  recordOutbound(outcome: OutboundOutcome): void {
    this.outboundRequests.inc({ outcome });
  }
}

function routeLabel(route: string): string {
  return route.length <= MAX_ROUTE_LENGTH ? route : 'other';
}
