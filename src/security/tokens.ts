/**
 * API tokens and session tokens. A token is `7t_` followed by 32 random bytes in base64url.
 * The `security_tokens` table stores only its SHA-256 digest, so a copy of the database
 * contains no usable token.
 *
 * Each token's last use is stored in `last_used_at`, written at most once per
 * LAST_USE_WRITE_INTERVAL_MS so that verification stays a read on most requests. A session
 * token unused for longer than the idle timeout is revoked. API tokens have no idle timeout.
 */

import type { Database, Statement } from 'better-sqlite3';
import { hash, randomBytes } from 'node:crypto';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { parseScopes, tokenPermissions, type RoleName, type ScopeName } from './permissions.js';
import { ensureSecuritySchema } from './schema.js';
import { VerifiedTokenCache } from './token-cache.js';

/** The prefix that makes a 7T token recognisable, for example to secret scanners. */
export const TOKEN_PREFIX = '7t_';

/** Prefix plus 43 base64url characters (32 bytes without padding). */
const TOKEN_PATTERN = /^7t_[A-Za-z0-9_-]{43}$/;

/** Minimum time between two writes of one token's `last_used_at`, in milliseconds. */
export const LAST_USE_WRITE_INTERVAL_MS = 60_000;

/** Idle timeout of session tokens when none is configured: 15 minutes, in milliseconds. */
export const DEFAULT_SESSION_IDLE_MS = 900_000;

/**
 * Shortest idle timeout accepted, in milliseconds. The stored last use can lag the real one by
 * up to LAST_USE_WRITE_INTERVAL_MS, so a shorter timeout could end a session in active use.
 */
export const MIN_SESSION_IDLE_MS = 2 * LAST_USE_WRITE_INTERVAL_MS;

export interface TokenStoreOptions {
  /**
   * Milliseconds a session token may go unused before it is revoked (default
   * DEFAULT_SESSION_IDLE_MS, at least MIN_SESSION_IDLE_MS). Because the last use is stored at
   * most once a minute, a session ends between this time minus one minute and this time after
   * its last use.
   */
  sessionIdleMs?: number;
}

export type TokenKind = 'api' | 'session';

export interface CreateTokenRequest {
  username: string;
  kind: TokenKind;
  /** A label for listings, such as the client that uses the token. */
  name?: string;
  scopes: readonly string[];
  /** Expiry time, or null for an API token that never expires. Sessions must expire. */
  expiresAt: Date | null;
  /** The current time for the expiry check (default: the clock). */
  now?: Date;
}

export interface CreatedToken {
  id: string;
  /** The secret. It is returned only here and cannot be recovered later. */
  token: string;
  expiresAt: Date | null;
}

/** A token as listings show it, without its digest. */
export interface TokenInfo {
  id: string;
  username: string;
  kind: TokenKind;
  name: string | null;
  scopes: ScopeName[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** The last successful verification, stored at most once a minute; null when never used. */
  lastUsedAt: Date | null;
}

/** A token that passed verification, with its user's roles and its effective permissions. */
export interface VerifiedToken extends TokenInfo {
  roles: RoleName[];
  /** The permission bits both the token's scopes and the user's roles grant. */
  permissions: number;
}

interface TokenRow {
  id: string;
  username: string;
  kind: TokenKind;
  name: string | null;
  scopes: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

const MAX_TOKEN_NAME_LENGTH = 200;

/** Returns the SHA-256 digest of a token in base64, the key of the verified-token cache. */
function digestKey(token: string): string {
  return hash('sha256', token, 'base64');
}

function digest(token: string): Buffer {
  return Buffer.from(digestKey(token), 'base64');
}

/**
 * Returns a new token id: 9 random bytes in base64url, with a leading `-` replaced by `_`,
 * because `seven-tick token revoke -abc` would read such an id as an option.
 */
function newTokenId(): string {
  const id = randomBytes(9).toString('base64url');
  return id.startsWith('-') ? `_${id.slice(1)}` : id;
}

function splitList(text: string): string[] {
  return text === '' ? [] : text.split(' ');
}

function toTokenInfo(row: TokenRow): TokenInfo {
  return {
    id: row.id,
    username: row.username,
    kind: row.kind,
    name: row.name,
    scopes: splitList(row.scopes) as ScopeName[],
    createdAt: new Date(row.created_at),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at),
  };
}

/**
 * Adds the `last_used_at` column to a table created before it existed. The change runs in a
 * write transaction that checks again, so two processes opening the database at once cannot
 * both add it.
 */
function ensureLastUseColumn(db: Database): void {
  const hasColumn = () =>
    (db.prepare('PRAGMA table_info(security_tokens)').all() as { name: string }[]).some(
      (column) => column.name === 'last_used_at',
    );
  // Checked first without a write lock, because the column exists on every later start.
  if (hasColumn()) return;
  db.transaction(() => {
    if (!hasColumn()) db.exec('ALTER TABLE security_tokens ADD COLUMN last_used_at INTEGER');
  }).immediate();
}

/** The token table. */
export class TokenStore {
  /** Session idle timeout in milliseconds. */
  readonly sessionIdleMs: number;
  private readonly statements: {
    userExists: Statement<[string], { username: string }>;
    insert: Statement<
      [string, Buffer, string, TokenKind, string | null, string, number, number | null]
    >;
    findByDigest: Statement<[Buffer], TokenRow & { roles: string }>;
    revoke: Statement<[number, string]>;
    touch: Statement<[number, string, number]>;
    get: Statement<[string], TokenRow>;
    exists: Statement<[string], { id: string }>;
    revokeAllFor: Statement<[number, string]>;
    listAll: Statement<[], TokenRow>;
    listFor: Statement<[string], TokenRow>;
    deleteExpired: Statement<[number, number]>;
  };
  private readonly verified: VerifiedTokenCache;

  constructor(db: Database, options: TokenStoreOptions = {}) {
    const idleMs = options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
    if (!Number.isSafeInteger(idleMs) || idleMs < MIN_SESSION_IDLE_MS) {
      throw new InvalidArgumentError(
        `sessionIdleMs must be an integer of at least ${MIN_SESSION_IDLE_MS} ms, got ${idleMs}`,
      );
    }
    this.sessionIdleMs = idleMs;
    ensureSecuritySchema(db);
    ensureLastUseColumn(db);
    this.verified = new VerifiedTokenCache(db);
    this.statements = {
      userExists: db.prepare('SELECT username FROM security_users WHERE username = ?'),
      insert: db.prepare(
        `INSERT INTO security_tokens
           (id, token_hash, username, kind, name, scopes, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // The join drops tokens whose user was removed.
      findByDigest: db.prepare(
        `SELECT t.id, t.username, t.kind, t.name, t.scopes, t.created_at, t.expires_at,
                t.revoked_at, t.last_used_at, u.roles
           FROM security_tokens t JOIN security_users u ON u.username = t.username
          WHERE t.token_hash = ?`,
      ),
      revoke: db.prepare(
        'UPDATE security_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
      ),
      // The condition keeps a slower request from moving the last use backwards.
      touch: db.prepare(
        `UPDATE security_tokens SET last_used_at = ?
          WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
      ),
      get: db.prepare(
        `SELECT id, username, kind, name, scopes, created_at, expires_at, revoked_at, last_used_at
           FROM security_tokens WHERE id = ?`,
      ),
      exists: db.prepare('SELECT id FROM security_tokens WHERE id = ?'),
      revokeAllFor: db.prepare(
        'UPDATE security_tokens SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL',
      ),
      listAll: db.prepare(
        `SELECT id, username, kind, name, scopes, created_at, expires_at, revoked_at, last_used_at
           FROM security_tokens ORDER BY username, created_at, id`,
      ),
      listFor: db.prepare(
        `SELECT id, username, kind, name, scopes, created_at, expires_at, revoked_at, last_used_at
           FROM security_tokens WHERE username = ? ORDER BY created_at, id`,
      ),
      deleteExpired: db.prepare(
        `DELETE FROM security_tokens
          WHERE (expires_at IS NOT NULL AND expires_at <= ?)
             OR (revoked_at IS NOT NULL AND revoked_at <= ?)`,
      ),
    };
  }

  /**
   * Creates a token for an existing user. Throws NotFoundError for an unknown user and
   * InvalidArgumentError for an unknown scope, a session without expiry or an expiry that
   * is not in the future.
   */
  create(request: CreateTokenRequest): CreatedToken {
    const now = (request.now ?? new Date()).getTime();
    if (request.kind !== 'api' && request.kind !== 'session') {
      throw new InvalidArgumentError(
        `Invalid token kind ${JSON.stringify(request.kind)}; expected "api" or "session"`,
      );
    }
    const scopes = parseScopes(request.scopes);
    const expiresAt = request.expiresAt === null ? null : request.expiresAt.getTime();
    if (expiresAt === null && request.kind === 'session') {
      throw new InvalidArgumentError('A session token needs an expiry time');
    }
    if (expiresAt !== null && !(expiresAt > now)) {
      throw new InvalidArgumentError(
        `Token expiry must be a valid time in the future, got ${String(request.expiresAt)}`,
      );
    }
    const name = request.name ?? null;
    if (name !== null && /[\p{Cc}\p{Cf}]/u.test(name)) {
      // Names are printed in terminals (`token list`), where such characters could move the
      // cursor, recolour or reorder text.
      throw new InvalidArgumentError('A token name must not contain control or format characters');
    }
    if (name !== null && name.length > MAX_TOKEN_NAME_LENGTH) {
      throw new InvalidArgumentError(
        `Token name too long: ${name.length} characters; use at most ${MAX_TOKEN_NAME_LENGTH}`,
      );
    }
    if (this.statements.userExists.get(request.username) === undefined) {
      throw new NotFoundError(`User "${request.username}" not found`);
    }

    const id = newTokenId();
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    this.statements.insert.run(
      id,
      digest(token),
      request.username,
      request.kind,
      name,
      scopes.join(' '),
      now,
      expiresAt,
    );
    return { id, token, expiresAt: expiresAt === null ? null : new Date(expiresAt) };
  }

  /**
   * Returns the token's record, or null when the token is malformed, unknown, revoked,
   * expired at `now` or belongs to a removed user. A session token idle for longer than
   * `sessionIdleMs` is revoked here and rejected. A successful call records the use.
   */
  verify(token: string, now: Date = new Date()): VerifiedToken | null {
    const key = this.keyOf(token);
    return key === null ? null : this.verifyKey(key, now);
  }

  /**
   * Returns the key a well-formed token is stored and cached under (its SHA-256 digest in
   * base64), or null when the token is malformed.
   */
  keyOf(token: string): string | null {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return null;
    return digestKey(token);
  }

  /** Verifies the token whose key `keyOf` returned, as `verify` does. */
  verifyKey(key: string, now: Date = new Date()): VerifiedToken | null {
    const time = now.getTime();
    const cached = this.verified.get(key, time);
    if (cached !== null) return cached;
    // Lookup by digest: the index compares digests, so its timing reveals nothing useful
    // about the secret.
    const row = this.statements.findByDigest.get(Buffer.from(key, 'base64'));
    if (row === undefined || row.revoked_at !== null) return null;
    if (row.expires_at !== null && row.expires_at <= time) return null;
    if (this.idleExpired(row, time)) {
      this.statements.revoke.run(time, row.id);
      return null;
    }
    const lastUse = row.last_used_at;
    if (lastUse === null || time - lastUse >= LAST_USE_WRITE_INTERVAL_MS) {
      this.statements.touch.run(time, row.id, time);
      row.last_used_at = time;
    }
    const info = toTokenInfo(row);
    const roles = splitList(row.roles) as RoleName[];
    const verified: VerifiedToken = Object.freeze({
      ...info,
      scopes: Object.freeze(info.scopes) as ScopeName[],
      roles: Object.freeze(roles) as RoleName[],
      permissions: tokenPermissions(info.scopes, roles),
    });
    // Reuse ends when the last use is due to be written again or, for a session, just before
    // it could reach its idle timeout, so both rules above keep running against the database.
    const usedAt = row.last_used_at ?? time;
    let recheckAt = usedAt + LAST_USE_WRITE_INTERVAL_MS;
    if (row.kind === 'session') recheckAt = Math.min(recheckAt, usedAt + this.sessionIdleMs);
    this.verified.set(key, { token: verified, expiresAt: row.expires_at, recheckAt });
    return verified;
  }

  /** Returns one token by id, or undefined when there is none. */
  get(id: string): TokenInfo | undefined {
    const row = this.statements.get.get(id);
    return row === undefined ? undefined : toTokenInfo(row);
  }

  /**
   * Returns the state of a listed token at `now`: revoked, expired (past its expiry, or a
   * session idle for longer than `sessionIdleMs`) or active.
   */
  stateOf(token: TokenInfo, now: Date = new Date()): 'active' | 'expired' | 'revoked' {
    if (token.revokedAt !== null) return 'revoked';
    const time = now.getTime();
    if (token.expiresAt !== null && token.expiresAt.getTime() <= time) return 'expired';
    const lastUse = (token.lastUsedAt ?? token.createdAt).getTime();
    if (token.kind === 'session' && time - lastUse > this.sessionIdleMs) return 'expired';
    return 'active';
  }

  /** Revokes one token. Throws NotFoundError for an unknown id. Revoking twice is allowed. */
  revoke(id: string, now: Date = new Date()): void {
    if (this.statements.exists.get(id) === undefined) {
      throw new NotFoundError(`Token "${id}" not found`);
    }
    this.statements.revoke.run(now.getTime(), id);
  }

  /** Revokes every active token of a user and returns how many were revoked. */
  revokeAllFor(username: string, now: Date = new Date()): number {
    return this.statements.revokeAllFor.run(now.getTime(), username).changes;
  }

  /** Lists tokens, of one user or of all users, including revoked and expired ones. */
  list(username?: string): TokenInfo[] {
    const rows =
      username === undefined
        ? this.statements.listAll.all()
        : this.statements.listFor.all(username);
    return rows.map(toTokenInfo);
  }

  private idleExpired(row: TokenRow, time: number): boolean {
    if (row.kind !== 'session') return false;
    return time - (row.last_used_at ?? row.created_at) > this.sessionIdleMs;
  }

  /** Deletes tokens that expired or were revoked at or before `before` and returns how many. */
  deleteExpired(before: Date = new Date()): number {
    const time = before.getTime();
    return this.statements.deleteExpired.run(time, time).changes;
  }
}
