/**
 * The incident level of a data dir, stored in the security_incident table so that the CLI can
 * raise or clear it while a server runs. Levels and what they switch off:
 *   none      normal operation;
 *   low       the change is logged and audited, nothing is switched off;
 *   medium    verbose audit: every authenticated request gets an audit entry;
 *   high      writes (update, graph store) get 503 and POST /auth/login is rejected, while
 *             existing credentials keep working for reads and admin work;
 *   critical  lockdown: every route but /health returns 503, /ready included, until the level
 *             is cleared with `seven-tick incident clear`.
 * The state fails closed: when it cannot be read, it counts as critical.
 */

import type { Database, Statement } from 'better-sqlite3';
import { InvalidArgumentError } from '../errors.js';
import { ensureSecuritySchema } from './schema.js';

export const INCIDENT_LEVELS = ['none', 'low', 'medium', 'high', 'critical'] as const;
export type IncidentLevel = (typeof INCIDENT_LEVELS)[number];

export interface IncidentStatus {
  level: IncidentLevel;
  reason: string | null;
  /** Username (or `cli:USER` for the command line) that set the level, when known. */
  setBy: string | null;
  setAt: Date | null;
  /** True when the stored state could not be read and the level is critical by default. */
  unreadable?: boolean;
}

/** Settings from the config file's `incident` object; every field is optional. */
export interface IncidentConfig {
  /** Length of the violation window in seconds (default 60, at most 3600). */
  windowSeconds?: number;
  /** Violations within the window that raise the level to medium (default 200; 0 is off). */
  mediumViolations?: number;
  /** Violations within the window that raise the level to high (default 1000; 0 is off). */
  highViolations?: number;
  /** Violations one user or address may add to the window (default a tenth of the lowest). */
  maxViolationsPerSource?: number;
  /** URL that receives a JSON POST on every level change; needs outbound requests enabled. */
  webhookUrl?: string;
  /** Limit of one webhook delivery in milliseconds (default 5000, at most 30000). */
  webhookTimeoutMs?: number;
  /** The `server` field of webhook payloads (default: the host name). */
  serverName?: string;
  /** Bytes at the end of the audit log checked at start-up (default 64 MiB; 0 is off). */
  auditCheckBytes?: number;
}

export interface IncidentStateOptions {
  /** Maximum age of a cached level before the table is read again (default 1000 ms). */
  maxAgeMs?: number;
  now?: () => number;
}

interface IncidentRow {
  level: string;
  reason: string | null;
  set_by: string | null;
  set_at: number;
}

const MAX_REASON_LENGTH = 500;

/** Parses a level name; throws InvalidArgumentError naming the valid ones. */
export function parseIncidentLevel(text: string): IncidentLevel {
  const level = INCIDENT_LEVELS.find((candidate) => candidate === text);
  if (level === undefined) {
    throw new InvalidArgumentError(
      `Invalid incident level ${JSON.stringify(text)}; use one of ${INCIDENT_LEVELS.join(', ')}`,
    );
  }
  return level;
}

/** Returns whether writes are allowed at the level (not at high or critical). */
export function writesAllowed(level: IncidentLevel): boolean {
  return level !== 'high' && level !== 'critical';
}

/** Returns whether new sessions may be created at the level (not at high or critical). */
export function loginsAllowed(level: IncidentLevel): boolean {
  return writesAllowed(level);
}

/** Returns whether every authenticated request is audited at the level (medium and above). */
export function verboseAudit(level: IncidentLevel): boolean {
  return level === 'medium' || level === 'high' || level === 'critical';
}

/** Reads and writes the incident level, caching a read for at most `maxAgeMs`. */
export class IncidentState {
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly db: Database;
  private readonly statements: {
    get: Statement<[], IncidentRow>;
    set: Statement<[string, string | null, string | null, number]>;
  };
  private cached: IncidentStatus | null = null;
  private cachedAt = Number.NEGATIVE_INFINITY;

  constructor(db: Database, options: IncidentStateOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 1000;
    this.now = options.now ?? Date.now;
    this.db = db;
    ensureSecuritySchema(db);
    this.statements = {
      get: db.prepare('SELECT level, reason, set_by, set_at FROM security_incident WHERE id = 1'),
      set: db.prepare(
        `INSERT INTO security_incident (id, level, reason, set_by, set_at) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET
           level = excluded.level, reason = excluded.reason,
           set_by = excluded.set_by, set_at = excluded.set_at`,
      ),
    };
  }

  /**
   * Returns the current status, read from the database when the cached one is older than
   * `maxAgeMs`. Never throws: a failed read returns critical with `unreadable` set.
   */
  current(): IncidentStatus {
    const time = this.now();
    if (this.cached !== null && time - this.cachedAt < this.maxAgeMs) return this.cached;
    this.cached = this.read();
    this.cachedAt = time;
    return this.cached;
  }

  /** Returns whether the database is still open; the server's poll stops once it closes. */
  isOpen(): boolean {
    return this.db.open;
  }

  /** Stores a new level and returns the status before the change. */
  set(
    level: IncidentLevel,
    options: { setBy?: string | null; reason?: string | null } = {},
  ): IncidentStatus {
    parseIncidentLevel(level);
    const previous = this.read();
    const reason = options.reason == null ? null : options.reason.slice(0, MAX_REASON_LENGTH);
    const time = this.now();
    this.statements.set.run(level, reason, options.setBy ?? null, time);
    this.cached = { level, reason, setBy: options.setBy ?? null, setAt: new Date(time) };
    this.cachedAt = time;
    return previous;
  }

  private read(): IncidentStatus {
    try {
      const row = this.statements.get.get();
      if (row === undefined) return { level: 'none', reason: null, setBy: null, setAt: null };
      return {
        level: parseIncidentLevel(row.level),
        reason: row.reason,
        setBy: row.set_by,
        setAt: new Date(row.set_at),
      };
    } catch (error) {
      return {
        level: 'critical',
        reason: `The incident state could not be read: ${(error as Error).message}`,
        setBy: null,
        setAt: null,
        unreadable: true,
      };
    }
  }
}
