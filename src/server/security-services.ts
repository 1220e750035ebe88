/** Wires the security components over the data dir's database for one server process. */
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { SqliteDatabase } from '../storage/database.js';
import { AccessPolicy } from '../security/access.js';
import { AddressMonitor } from '../security/address-monitor.js';
import { drainAuditOutbox, ensureAuditOutbox } from '../security/audit-outbox.js';
import { AuditLog, type AuditEvent } from '../security/audit.js';
import { auditEventForAuth } from '../security/audit-events.js';
import { Authenticator, type AuthEvent } from '../security/authenticate.js';
import { IncidentState } from '../security/incident.js';
import { checkAuditTail, DEFAULT_AUDIT_CHECK_BYTES } from '../security/incident-audit-check.js';
import {
  DEFAULT_INCIDENT_THRESHOLDS,
  IncidentController,
  IncidentMonitor,
  incidentRank,
  type IncidentChange,
  type ViolationKind,
} from '../security/incident-monitor.js';
import { DEFAULT_WEBHOOK_TIMEOUT_MS, IncidentWebhook } from '../security/incident-webhook.js';
import { JwtVerifier } from '../security/jwt.js';
import { OutboundPolicy, type OutboundTestOptions } from '../security/outbound.js';
import { RateLimiter } from '../security/rate-limit.js';
import { ensureSecuritySchema } from '../security/schema.js';
import { TokenStore } from '../security/tokens.js';
import { UserStore } from '../security/users.js';
import { ServerMetrics } from './metrics.js';

/** The audit directory inside a data dir. */
export const AUDIT_DIR = 'audit';

export interface SecurityServices {
  users: UserStore;
  tokens: TokenStore;
  addresses: AddressMonitor;
  authenticator: Authenticator;
  access: AccessPolicy;
  incident: IncidentState;
  /** Applies every incident level change: webhook, store, audit, log, metrics. */
  incidentController: IncidentController;
  /** Counts security violations and raises the incident level on a burst. */
  incidentMonitor: IncidentMonitor;
  metrics: ServerMetrics;
  outbound: OutboundPolicy;
  /** Present when the config has a `jwt` section. */
  jwt?: JwtVerifier;
  audit: AuditLog;
  /** Token buckets per client address and per authenticated principal. */
  addressLimiter: RateLimiter;
  principalLimiter: RateLimiter;
  /**
   * Appends an audit entry without waiting for it. The response hook awaits `audit.flush()`,
   * so the entry is durable before the response leaves; a failed append is logged here and
   * fails that flush.
   */
  record(event: AuditEvent): void;
  /** Counts a violation in its metric and in the incident monitor's window. */
  /** Counts a violation for metrics and the incident monitor; `source` names who caused it. */
  recordViolation(kind: ViolationKind, source?: string): void;
}

export interface SecurityServicesOptions {
  config: Config;
  logger: Logger;
  /** Only tests set this, to reach a webhook receiver on 127.0.0.1. */
  outboundTestOptions?: OutboundTestOptions;
}

/** How often the server looks for a level another process (the CLI) stored, in milliseconds. */
const INCIDENT_POLL_MS = 1000;
/** How often queued CLI audit entries are appended, in milliseconds. */
const OUTBOX_DRAIN_MS = 1000;

/** Opens the audit log and creates every security component; await it before serving. */
export async function openSecurityServices(
  db: SqliteDatabase,
  options: SecurityServicesOptions,
): Promise<SecurityServices> {
  const { config, logger } = options;
  ensureSecuritySchema(db);
  const users = new UserStore(db);
  const tokens = new TokenStore(db, { sessionIdleMs: config.sessionIdleSeconds * 1000 });
  const addresses = new AddressMonitor({ blockThreshold: config.addressBlockThreshold });
  const countLocked = db.prepare<[number], { n: number }>(
    'SELECT count(*) AS n FROM security_users WHERE locked_until > ?',
  );
  const metrics = new ServerMetrics({
    blockedAddressCount: () => addresses.blockedCount(),
    // NOTE: unknown usernames lock in memory only (UserStore) and are not counted here.
    lockedAccountCount: () => (db.open ? countLocked.get(Date.now())!.n : 0),
  });
  // Built before the audit log opens, so a rejected webhook URL stops start-up with nothing open.
  const outbound = new OutboundPolicy(config.outbound ?? {}, options.outboundTestOptions);
  const webhook = createWebhook(config, outbound);
  const audit = await AuditLog.open({
    dir: path.join(config.dataDir, AUDIT_DIR),
    onAppend: (entry) => metrics.recordAuditEntry(entry.type),
  });
  const record = (event: AuditEvent): void => {
    audit.append(event).catch((error: unknown) => {
      logger.error({ err: error, type: event.type }, 'appending to the audit log failed');
    });
  };
  if (audit.recovery.truncatedBytes > 0) {
    logger.warn(
      { truncatedBytes: audit.recovery.truncatedBytes },
      'the audit log ended in an incomplete entry from a crash; it was cut off',
    );
    record({ type: 'audit.recovery', detail: { truncatedBytes: audit.recovery.truncatedBytes } });
  }

  const jwt = config.jwt === undefined ? undefined : new JwtVerifier(config.jwt, { outbound });
  const firstUse = new RecentCredentials();
  const incident = new IncidentState(db);
  const { controller: incidentController, monitor: incidentMonitor } = startIncidentMonitoring(
    incident,
    { config, logger, metrics, webhook, record },
  );
  const recordViolation = (kind: ViolationKind, source?: string): void => {
    metrics.recordViolation(kind);
    incidentMonitor.record(kind, source);
  };
  const onAuthEvent = (event: AuthEvent): void => {
    if (event.outcome === 'failure' && event.reason !== 'missing') {
      logger.warn({ auth: event }, 'authentication failed');
      // A blocked address is already stopped, so its further attempts are not counted again.
      if (event.reason !== 'address-blocked') {
        recordViolation('authentication', `address:${event.clientAddress}`);
      }
    }
    metrics.recordAuthEvent(event);
    if (event.outcome === 'success' && event.scheme !== 'none' && !firstUse.isNew(event)) return;
    const auditEvent = auditEventForAuth(event);
    if (auditEvent !== null) record(auditEvent);
  };
  const authenticator = new Authenticator({ users, tokens, addresses, jwt, onEvent: onAuthEvent });
  metrics.setIncidentLevel(incident.current().level);
  // The recovery entry above may still be in flight, and the check must not read half a line.
  // A failed write is logged by `record` and fails every response, so it is not raised here.
  await audit.flush().catch(() => undefined);
  await checkAuditAtStart(path.join(config.dataDir, AUDIT_DIR), config, logger, incidentController);
  await startOutboxDrain(db, audit, incident, logger);
  return {
    users,
    tokens,
    addresses,
    authenticator,
    access: new AccessPolicy(db),
    incident,
    incidentController,
    incidentMonitor,
    metrics,
    outbound,
    jwt,
    audit,
    addressLimiter: new RateLimiter({
      ratePerSecond: config.addressRateLimitPerSecond,
      burst: config.addressRateLimitBurst,
    }),
    principalLimiter: new RateLimiter({
      ratePerSecond: config.principalRateLimitPerSecond,
      burst: config.principalRateLimitBurst,
    }),
    record,
    recordViolation,
  };
}

interface IncidentWiring {
  config: Config;
  logger: Logger;
  metrics: ServerMetrics;
  webhook: IncidentWebhook | undefined;
  record: (event: AuditEvent) => void;
}

/** Returns the configured incident webhook; throws ConfigError when the policy rejects it. */
function createWebhook(config: Config, outbound: OutboundPolicy): IncidentWebhook | undefined {
  const settings = config.incident ?? {};
  if (settings.webhookUrl === undefined) return undefined;
  return new IncidentWebhook({
    url: settings.webhookUrl,
    outbound,
    server: settings.serverName ?? os.hostname(),
    timeoutMs: settings.webhookTimeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS,
  });
}

/**
 * Creates the incident controller (with the webhook when configured) and the violation
 * monitor, and polls the stored level once a second for changes the CLI makes.
 */
function startIncidentMonitoring(
  state: IncidentState,
  wiring: IncidentWiring,
): { controller: IncidentController; monitor: IncidentMonitor } {
  const { config, logger, metrics, webhook, record } = wiring;
  const settings = config.incident ?? {};
  // The monitor needs the controller and the controller's observer needs the monitor.
  const monitorRef: { current?: IncidentMonitor } = {};
  const onChange = (change: IncidentChange): void => {
    metrics.recordIncidentChange(change.source, change.level);
    if (
      change.source !== 'automatic' &&
      incidentRank(change.level) < incidentRank(change.previous)
    ) {
      monitorRef.current?.reset();
    }
    const detail = {
      from: change.previous,
      to: change.level,
      reason: change.reason,
      source: change.source,
      webhook: change.webhook,
      ...(change.source === 'automatic' ? { setBy: change.setBy } : {}),
    };
    record({
      type: change.source === 'automatic' ? 'incident.auto' : 'incident.set',
      actor: change.source === 'automatic' ? null : change.setBy,
      address: change.address ?? null,
      detail,
    });
    logger.warn({ incident: { ...detail, setBy: change.setBy } }, 'incident level changed');
  };
  const controller = new IncidentController({
    state,
    webhook,
    onChange,
    onWebhookFailure: (error, change) => {
      metrics.recordWebhookFailure();
      // The origin only: the path or query of the URL may carry the receiver's secret.
      logger.error(
        {
          webhook: webhook?.origin,
          code: (error as { code?: unknown }).code,
          error: error instanceof Error ? error.message : String(error),
          from: change.previous,
          to: change.level,
        },
        'incident webhook delivery failed; the level change is applied regardless',
      );
    },
  });
  const monitor = new IncidentMonitor({
    thresholds: {
      windowSeconds: settings.windowSeconds ?? DEFAULT_INCIDENT_THRESHOLDS.windowSeconds,
      mediumViolations: settings.mediumViolations ?? DEFAULT_INCIDENT_THRESHOLDS.mediumViolations,
      highViolations: settings.highViolations ?? DEFAULT_INCIDENT_THRESHOLDS.highViolations,
      ...(settings.maxViolationsPerSource === undefined
        ? {}
        : { maxViolationsPerSource: settings.maxViolationsPerSource }),
    },
    controller,
    state,
  });
  monitorRef.current = monitor;
  const poll = setInterval(() => {
    // The database closes when the server stops; polling ends with it.
    if (!state.isOpen()) {
      clearInterval(poll);
      return;
    }
    controller.poll().catch((error: unknown) => {
      logger.error({ err: error }, 'checking the stored incident level failed');
    });
  }, INCIDENT_POLL_MS);
  poll.unref();
  return { controller, monitor };
}

/**
 * Appends the audit entries CLI commands queued beside the server: those queued while it was
 * down now, then new ones about once a second (see audit-outbox.ts).
 */
async function startOutboxDrain(
  db: SqliteDatabase,
  audit: AuditLog,
  incident: IncidentState,
  logger: Logger,
): Promise<void> {
  ensureAuditOutbox(db);
  const drain = async (): Promise<void> => {
    // A backlog drains in batches; each pass is bounded by the rows queued before it.
    for (let pass = 0; pass < 1000 && (await drainAuditOutbox(db, audit)) > 0; pass++);
  };
  await drain();
  let running = false;
  const timer = setInterval(() => {
    // The database closes when the server stops; draining ends with it.
    if (!incident.isOpen()) {
      clearInterval(timer);
      return;
    }
    if (running) return;
    running = true;
    drain()
      .catch((error: unknown) => {
        logger.error({ err: error }, 'appending audit entries queued by the CLI failed');
      })
      .finally(() => (running = false));
  }, OUTBOX_DRAIN_MS);
  timer.unref();
}

/**
 * Checks the newest part of the audit chain and raises the level to high when it is broken:
 * someone may have edited the log to hide what they did. Not to critical, because a lockdown
 * would also stop the admins who must investigate.
 */
async function checkAuditAtStart(
  dir: string,
  config: Config,
  logger: Logger,
  controller: IncidentController,
): Promise<void> {
  const maxBytes = config.incident?.auditCheckBytes ?? DEFAULT_AUDIT_CHECK_BYTES;
  if (maxBytes === 0) return;
  const started = performance.now();
  const result = await checkAuditTail(dir, maxBytes);
  const ms = Math.round(performance.now() - started);
  if (result.ok) {
    logger.info({ entries: result.entries, bytes: result.bytes, ms }, 'audit chain checked');
    return;
  }
  logger.error(
    { reason: result.reason, entries: result.entries, ms },
    'the audit chain is broken; raising the incident level to high',
  );
  await controller.raise('high', `Audit chain broken at start-up: ${result.reason}`);
}

/**
 * Remembers which credential authenticated from which address in the last minute. Every
 * request of a Basic, Bearer, JWT or client-certificate client authenticates, and a durable
 * audit entry for each one tripled the cost of a small query (measured with autocannon at
 * concurrency 1). So a success with the same credential from the same address is audited once
 * per minute; logins through POST /auth/login and every failure are always audited.
 */
class RecentCredentials {
  private readonly seen = new Map<string, number>();

  isNew(event: AuthEvent, now = Date.now()): boolean {
    const key = `${event.scheme} ${event.username ?? ''} ${event.tokenId ?? ''} ${event.clientAddress}`;
    const last = this.seen.get(key);
    if (last !== undefined && now - last < REPEAT_WINDOW_MS) return false;
    this.seen.delete(key);
    this.seen.set(key, now);
    // Forget the oldest entry past the cap, so many clients cannot grow the map without bound.
    if (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value as string);
    return true;
  }
}

const REPEAT_WINDOW_MS = 60_000;
const MAX_REMEMBERED = 10_000;
