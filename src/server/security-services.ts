/** Wires the security components over the data dir's database for one server process. */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { SqliteDatabase } from '../storage/database.js';
import { AccessPolicy } from '../security/access.js';
import { AddressMonitor } from '../security/address-monitor.js';
import { AuditLog, type AuditEvent } from '../security/audit.js';
import { auditEventForAuth } from '../security/audit-events.js';
import { Authenticator, type AuthEvent } from '../security/authenticate.js';
import { IncidentState } from '../security/incident.js';
import { JwtVerifier } from '../security/jwt.js';
import { OutboundPolicy } from '../security/outbound.js';
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
}

export interface SecurityServicesOptions {
  config: Config;
  logger: Logger;
}

/** Opens the audit log and creates every security component; await it before serving. */
export async function openSecurityServices(
  db: SqliteDatabase,
  options: SecurityServicesOptions,
): Promise<SecurityServices> {
  const { config, logger } = options;
  ensureSecuritySchema(db);
  const users = new UserStore(db);
  const tokens = new TokenStore(db);
  const addresses = new AddressMonitor({ blockThreshold: config.addressBlockThreshold });
  const metrics = new ServerMetrics({ blockedAddressCount: () => addresses.blockedCount() });
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

  const outbound = new OutboundPolicy(config.outbound ?? {});
  const jwt = config.jwt === undefined ? undefined : new JwtVerifier(config.jwt, { outbound });
  const firstUse = new RecentCredentials();
  const onAuthEvent = (event: AuthEvent): void => {
    if (event.outcome === 'failure' && event.reason !== 'missing') {
      logger.warn({ auth: event }, 'authentication failed');
    }
    metrics.recordAuthEvent(event);
    if (event.outcome === 'success' && event.scheme !== 'none' && !firstUse.isNew(event)) return;
    const auditEvent = auditEventForAuth(event);
    if (auditEvent !== null) record(auditEvent);
  };
  const authenticator = new Authenticator({ users, tokens, addresses, jwt, onEvent: onAuthEvent });
  const incident = new IncidentState(db);
  metrics.setIncidentLevel(incident.current().level);
  return {
    users,
    tokens,
    addresses,
    authenticator,
    access: new AccessPolicy(db),
    incident,
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
  };
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
