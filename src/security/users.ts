/**
 * User accounts: argon2id password hashes, roles and account lockout, stored in the
 * `security_users` table.
 */

import type { Database, Statement } from 'better-sqlite3';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { checkPasswordStrength } from './password-policy.js';
import {
  checkPasswordPolicy,
  generatePassword,
  hashPassword,
  needsRehash,
  rehashPassword,
  verifyPassword,
} from './passwords.js';
import { parseRoles, type RoleName } from './permissions.js';
import { ensureSecuritySchema } from './schema.js';

/** Minimum time between two writes of a user's last login, in milliseconds. */
const LAST_LOGIN_WRITE_INTERVAL_MS = 60_000;

/** Usernames: 1 to 64 ASCII letters, digits, dots, underscores, at signs and hyphens. */
export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

/** A user as the store returns it. The password hash never leaves the store. */
export interface UserInfo {
  username: string;
  roles: RoleName[];
  createdAt: Date;
  passwordChangedAt: Date;
  /** Consecutive failed logins since the last success or unlock. */
  failedAttempts: number;
  /** End of the current lockout, or null when the account is not locked. */
  lockedUntil: Date | null;
  /**
   * Time of the last successful login with the password, to the minute (it is stored at most
   * once a minute), or null before the first.
   */
  lastLoginAt: Date | null;
  /** Time of the last failed login, or null when there was none. */
  lastFailedLoginAt: Date | null;
}

export type UserVerifyResult =
  | { ok: true; user: UserInfo }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; lockedUntil: Date };

export interface UserStoreOptions {
  /** Consecutive failures that lock an account (default 5). */
  maxFailedAttempts?: number;
  /** Lockout duration in milliseconds (default 5 minutes). */
  lockoutMs?: number;
  /** Max number of unknown usernames whose failures are tracked in memory (default 10,000). */
  maxUnknownUsernames?: number;
}

interface UserRow {
  username: string;
  password_hash: string;
  roles: string;
  created_at: number;
  password_changed_at: number;
  failed_attempts: number;
  locked_until: number | null;
  last_login_at: number | null;
  last_failed_login_at: number | null;
}

interface FailureCount {
  failedAttempts: number;
  lockedUntil: number | null;
}

/** Throws InvalidArgumentError unless the username matches USERNAME_PATTERN. */
export function checkUsername(username: string): void {
  if (typeof username !== 'string' || !USERNAME_PATTERN.test(username)) {
    throw new InvalidArgumentError(
      `Invalid username ${JSON.stringify(username)}: use 1 to 64 characters from ` +
        `A-Z, a-z, 0-9, ".", "_", "@" and "-"`,
    );
  }
}

// Unknown usernames are verified against this hash so that a login for a missing user
// costs the same argon2 work as one for an existing user.
let dummyHash: Promise<string> | undefined;

function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(generatePassword());
  return dummyHash;
}

function toUserInfo(row: UserRow): UserInfo {
  return {
    username: row.username,
    roles: row.roles === '' ? [] : (row.roles.split(' ') as RoleName[]),
    createdAt: new Date(row.created_at),
    passwordChangedAt: new Date(row.password_changed_at),
    failedAttempts: row.failed_attempts,
    lockedUntil: row.locked_until === null ? null : new Date(row.locked_until),
    lastLoginAt: row.last_login_at === null ? null : new Date(row.last_login_at),
    lastFailedLoginAt:
      row.last_failed_login_at === null ? null : new Date(row.last_failed_login_at),
  };
}

/**
 * The user table. Verification of an unlocked account runs one argon2 check whether or not
 * the user exists. Calls for one username run one after another, so parallel guesses cannot
 * all pass the lockout check before the first failure is recorded.
 */
export class UserStore {
  readonly maxFailedAttempts: number;
  readonly lockoutMs: number;
  private readonly maxUnknownUsernames: number;
  private readonly db: Database;
  private readonly statements: {
    get: Statement<[string], UserRow>;
    getNoCase: Statement<[string], { username: string }>;
    list: Statement<[], UserRow>;
    count: Statement<[], { n: number }>;
    insert: Statement<[string, string, string, number, number]>;
    setHash: Statement<[string, number, string]>;
    setRoles: Statement<[string, string]>;
    setFailures: Statement<[number, number | null, string]>;
    loginSucceeded: Statement<[number, string]>;
    loginFailed: Statement<[number, number | null, number, string]>;
    rehash: Statement<[string, string, string]>;
    remove: Statement<[string]>;
    removeTokens: Statement<[string]>;
    removeGrants: Statement<[string]>;
  };
  /** Tail of the verification queue per username. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /**
   * Failure counts for usernames that do not exist, so that they lock like real accounts and
   * a "locked" result does not reveal which usernames exist. In memory only and bounded,
   * evicting the least recently used name.
   */
  private readonly unknownFailures = new Map<string, FailureCount>();

  constructor(db: Database, options: UserStoreOptions = {}) {
    this.maxFailedAttempts = positiveInteger(options.maxFailedAttempts ?? 5, 'maxFailedAttempts');
    this.lockoutMs = positiveInteger(options.lockoutMs ?? 5 * 60_000, 'lockoutMs');
    this.maxUnknownUsernames = positiveInteger(
      options.maxUnknownUsernames ?? 10_000,
      'maxUnknownUsernames',
    );
    this.db = db;
    ensureSecuritySchema(db);
    // Computed now, so that the first login of an unknown user is not slower than the rest.
    void getDummyHash();
    this.statements = {
      get: db.prepare('SELECT * FROM security_users WHERE username = ?'),
      getNoCase: db.prepare(
        'SELECT username FROM security_users WHERE username = ? COLLATE NOCASE',
      ),
      list: db.prepare('SELECT * FROM security_users ORDER BY username'),
      count: db.prepare('SELECT count(*) AS n FROM security_users'),
      insert: db.prepare(
        `INSERT INTO security_users
           (username, password_hash, roles, created_at, password_changed_at)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      setHash: db.prepare(
        `UPDATE security_users
            SET password_hash = ?, password_changed_at = ?, failed_attempts = 0,
                locked_until = NULL
          WHERE username = ?`,
      ),
      setRoles: db.prepare('UPDATE security_users SET roles = ? WHERE username = ?'),
      setFailures: db.prepare(
        'UPDATE security_users SET failed_attempts = ?, locked_until = ? WHERE username = ?',
      ),
      loginSucceeded: db.prepare(
        `UPDATE security_users SET failed_attempts = 0, locked_until = NULL, last_login_at = ?
          WHERE username = ?`,
      ),
      loginFailed: db.prepare(
        `UPDATE security_users SET failed_attempts = ?, locked_until = ?, last_failed_login_at = ?
          WHERE username = ?`,
      ),
      // Only when the hash is still the one verified, so a password set meanwhile wins.
      rehash: db.prepare(
        'UPDATE security_users SET password_hash = ? WHERE username = ? AND password_hash = ?',
      ),
      remove: db.prepare('DELETE FROM security_users WHERE username = ?'),
      removeTokens: db.prepare('DELETE FROM security_tokens WHERE username = ?'),
      removeGrants: db.prepare('DELETE FROM security_grants WHERE principal = ?'),
    };
  }

  /**
   * Adds a user. Throws InvalidArgumentError for a bad username, password or role, or when
   * the username is taken (ignoring case).
   */
  async add(username: string, password: string, roles: readonly string[]): Promise<UserInfo> {
    checkUsername(username);
    const roleNames = parseRoles(roles);
    this.checkFree(username);
    checkPasswordPolicy(password);
    checkPasswordStrength(password, { username });
    const passwordHash = await hashPassword(password);
    const now = Date.now();
    // Checked again after the await, because another add may have run meanwhile.
    this.db.transaction(() => {
      this.checkFree(username);
      this.statements.insert.run(username, passwordHash, roleNames.join(' '), now, now);
    })();
    return this.require(username);
  }

  /** Replaces a user's password and clears any lockout. */
  async setPassword(username: string, password: string): Promise<void> {
    this.require(username);
    checkPasswordPolicy(password);
    checkPasswordStrength(password, { username });
    const passwordHash = await hashPassword(password);
    const result = this.statements.setHash.run(passwordHash, Date.now(), username);
    if (result.changes === 0) throw notFound(username);
  }

  /** Replaces a user's roles. */
  setRoles(username: string, roles: readonly string[]): UserInfo {
    const roleNames = parseRoles(roles);
    const result = this.statements.setRoles.run(roleNames.join(' '), username);
    if (result.changes === 0) throw notFound(username);
    return this.require(username);
  }

  /** Clears a user's failure count and lockout. */
  unlock(username: string): void {
    const result = this.statements.setFailures.run(0, null, username);
    if (result.changes === 0) throw notFound(username);
  }

  /**
   * Removes a user together with their tokens and access grants, so that a later user of the
   * same name inherits nothing. Throws NotFoundError when the user does not exist.
   */
  remove(username: string): void {
    this.db.transaction(() => {
      const result = this.statements.remove.run(username);
      if (result.changes === 0) throw notFound(username);
      this.statements.removeTokens.run(username);
      this.statements.removeGrants.run(username);
    })();
  }

  /** Returns every user, sorted by username. */
  list(): UserInfo[] {
    return this.statements.list.all().map(toUserInfo);
  }

  /** Returns the user, or undefined when there is none of that name. */
  get(username: string): UserInfo | undefined {
    const row = this.statements.get.get(username);
    return row === undefined ? undefined : toUserInfo(row);
  }

  /** Returns the number of users. */
  count(): number {
    return this.statements.count.get()!.n;
  }

  /**
   * Verifies a username and password and updates the lockout state. A locked account is
   * rejected even with the right password. `now` defaults to the current time.
   */
  verify(username: string, password: string, now: Date = new Date()): Promise<UserVerifyResult> {
    // Names that can never exist share one queue, so a flood of long junk names adds no keys.
    const key = typeof username === 'string' && USERNAME_PATTERN.test(username) ? username : '';
    const previous = this.queues.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.verifyNow(key, password, now.getTime()));
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  private async verifyNow(
    username: string,
    password: string,
    now: number,
  ): Promise<UserVerifyResult> {
    const row = USERNAME_PATTERN.test(username) ? this.statements.get.get(username) : undefined;
    const failures: FailureCount =
      row === undefined
        ? this.unknownFailureCount(username)
        : { failedAttempts: row.failed_attempts, lockedUntil: row.locked_until };

    if (failures.lockedUntil !== null && failures.lockedUntil <= now) {
      // The lockout has expired: the account starts again with a clean count.
      failures.failedAttempts = 0;
      failures.lockedUntil = null;
    }
    if (failures.lockedUntil !== null) {
      // No argon2 work while locked. The result already reports the lock and unknown names
      // lock too, so skipping the hash reveals nothing, and a flood of guesses at one
      // account costs at most maxFailedAttempts hashes per lockout.
      return { ok: false, reason: 'locked', lockedUntil: new Date(failures.lockedUntil) };
    }

    // One argon2 verification whether or not the user exists, so the response time does not
    // reveal which usernames exist.
    const matches = await verifyPassword(row?.password_hash ?? (await getDummyHash()), password);

    if (row !== undefined && matches) {
      // Basic credentials verify on every request, so the success is written only when it
      // changes the failure count or the last login moves by a minute: a durable write per
      // request would cost each one an fsync.
      const stale =
        row.last_login_at === null || now - row.last_login_at >= LAST_LOGIN_WRITE_INTERVAL_MS;
      if (row.failed_attempts !== 0 || row.locked_until !== null || stale) {
        this.statements.loginSucceeded.run(now, username);
      }
      if (needsRehash(row.password_hash)) {
        // The hash was made with older argon2 parameters: store one with today's.
        this.statements.rehash.run(await rehashPassword(password), username, row.password_hash);
      }
      const user = toUserInfo({ ...row, failed_attempts: 0, locked_until: null });
      return { ok: true, user: stale ? { ...user, lastLoginAt: new Date(now) } : user };
    }

    failures.failedAttempts += 1;
    if (failures.failedAttempts >= this.maxFailedAttempts) {
      failures.lockedUntil = now + this.lockoutMs;
    }
    if (row === undefined) {
      if (username !== '') this.rememberUnknownFailure(username, failures);
    } else {
      this.statements.loginFailed.run(failures.failedAttempts, failures.lockedUntil, now, username);
    }
    return { ok: false, reason: 'invalid' };
  }

  private unknownFailureCount(username: string): FailureCount {
    const entry = this.unknownFailures.get(username);
    return entry === undefined ? { failedAttempts: 0, lockedUntil: null } : { ...entry };
  }

  private rememberUnknownFailure(username: string, failures: FailureCount): void {
    // Delete first so that re-inserting moves the name to the most recently used end.
    this.unknownFailures.delete(username);
    this.unknownFailures.set(username, failures);
    while (this.unknownFailures.size > this.maxUnknownUsernames) {
      const oldest = this.unknownFailures.keys().next().value as string;
      this.unknownFailures.delete(oldest);
    }
  }

  private checkFree(username: string): void {
    const existing = this.statements.getNoCase.get(username);
    if (existing !== undefined) {
      throw new InvalidArgumentError(
        existing.username === username
          ? `User "${username}" already exists`
          : `User "${username}" conflicts with existing user "${existing.username}"; ` +
              `usernames must differ in more than letter case`,
      );
    }
  }

  private require(username: string): UserInfo {
    const user = this.get(username);
    if (user === undefined) throw notFound(username);
    return user;
  }
}

function notFound(username: string): NotFoundError {
  return new NotFoundError(`User "${username}" not found`);
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
