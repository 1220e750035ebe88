/**
 * API tokens and session tokens. A token is `7t_` followed by 32 random bytes in base64url.
 * The `security_tokens` table stores only its SHA-256 digest, so a copy of the database
 * contains no usable token.
 */

import type { Database, Statement } from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { parseScopes, tokenPermissions, type RoleName, type ScopeName } from './permissions.js';
import { ensureSecuritySchema } from './schema.js';

/** The prefix that makes a 7T token recognisable, for example to secret scanners. */
export const TOKEN_PREFIX = '7t_';

/** Prefix plus 43 base64url characters (32 bytes without padding). */
const TOKEN_PATTERN = /^7t_[A-Za-z0-9_-]{43}$/;

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
}

const MAX_TOKEN_NAME_LENGTH = 200;

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
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
  };
}

/** The token table. */
export class TokenStore {
  private readonly statements: {
    userExists: Statement<[string], { username: string }>;
    insert: Statement<
      [string, Buffer, string, TokenKind, string | null, string, number, number | null]
    >;
    findByDigest: Statement<[Buffer], TokenRow & { roles: string }>;
    revoke: Statement<[number, string]>;
    exists: Statement<[string], { id: string }>;
    revokeAllFor: Statement<[number, string]>;
    listAll: Statement<[], TokenRow>;
    listFor: Statement<[string], TokenRow>;
    deleteExpired: Statement<[number, number]>;
  };

  constructor(db: Database) {
    ensureSecuritySchema(db);
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
                t.revoked_at, u.roles
           FROM security_tokens t JOIN security_users u ON u.username = t.username
          WHERE t.token_hash = ?`,
      ),
      revoke: db.prepare(
        'UPDATE security_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
      ),
      exists: db.prepare('SELECT id FROM security_tokens WHERE id = ?'),
      revokeAllFor: db.prepare(
        'UPDATE security_tokens SET revoked_at = ? WHERE username = ? AND revoked_at IS NULL',
      ),
      listAll: db.prepare(
        `SELECT id, username, kind, name, scopes, created_at, expires_at, revoked_at
           FROM security_tokens ORDER BY username, created_at, id`,
      ),
      listFor: db.prepare(
        `SELECT id, username, kind, name, scopes, created_at, expires_at, revoked_at
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
    if (name !== null && name.length > MAX_TOKEN_NAME_LENGTH) {
      throw new InvalidArgumentError(
        `Token name too long: ${name.length} characters; use at most ${MAX_TOKEN_NAME_LENGTH}`,
      );
    }
    if (this.statements.userExists.get(request.username) === undefined) {
      throw new NotFoundError(`User "${request.username}" not found`);
    }

    const id = randomBytes(9).toString('base64url');
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
   * expired at `now` or belongs to a removed user.
   */
  verify(token: string, now: Date = new Date()): VerifiedToken | null {
    if (typeof token !== 'string' || !TOKEN_PATTERN.test(token)) return null;
    // Lookup by digest: the index compares digests, so its timing reveals nothing useful
    // about the secret.
    const row = this.statements.findByDigest.get(digest(token));
    if (row === undefined || row.revoked_at !== null) return null;
    if (row.expires_at !== null && row.expires_at <= now.getTime()) return null;
    const info = toTokenInfo(row);
    const roles = splitList(row.roles) as RoleName[];
    return { ...info, roles, permissions: tokenPermissions(info.scopes, roles) };
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

  /** Deletes tokens that expired or were revoked at or before `before` and returns how many. */
  deleteExpired(before: Date = new Date()): number {
    const time = before.getTime();
    return this.statements.deleteExpired.run(time, time).changes;
  }
}
