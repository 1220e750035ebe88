/**
 * `seven-tick user ...` and `seven-tick token ...`: manage principals in a data dir. Every
 * change is audited as an admin.* entry unless a server runs on the data dir (see cli-audit.ts).
 */
import { openDatabase, type SqliteDatabase } from '../storage/database.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { parseRoles, parseScopes } from '../security/permissions.js';
import { ensureSecuritySchema } from '../security/schema.js';
import { TokenStore } from '../security/tokens.js';
import { UserStore } from '../security/users.js';
import { auditFromCli } from './cli-audit.js';
import { readPassword } from './password-input.js';

function withSecurity<T>(dataDir: string, work: (db: SqliteDatabase) => Promise<T>): Promise<T> {
  const db = openDatabase(dataDir);
  ensureSecuritySchema(db);
  return work(db).finally(() => db.close());
}

export function userAdd(dataDir: string, username: string, roles: string): Promise<void> {
  return withSecurity(dataDir, async (db) => {
    const users = new UserStore(db);
    const parsedRoles = parseRoles(roles);
    const password = await readPassword(`Password for ${username}`);
    await users.add(username, password, parsedRoles);
    console.error(`Added user ${username} with roles ${parsedRoles.join(', ')}`);
    await auditFromCli(dataDir, {
      type: 'admin.user.add',
      detail: { username, roles: parsedRoles },
    });
  });
}

export function userPasswd(dataDir: string, username: string): Promise<void> {
  return withSecurity(dataDir, async (db) => {
    const users = new UserStore(db);
    if (users.get(username) === undefined)
      throw new NotFoundError(`User ${username} does not exist`);
    const password = await readPassword(`New password for ${username}`);
    await users.setPassword(username, password);
    // A new password also ends every session and lifts a lockout: the usual reset path.
    users.unlock(username);
    const revoked = new TokenStore(db).revokeAllFor(username);
    console.error(`Changed the password of ${username}; revoked ${revoked} token(s)`);
    await auditFromCli(dataDir, {
      type: 'admin.user.passwd',
      detail: { username, revokedTokens: revoked },
    });
  });
}

export function userRemove(dataDir: string, username: string): Promise<void> {
  return withSecurity(dataDir, async (db) => {
    new TokenStore(db).revokeAllFor(username);
    new UserStore(db).remove(username);
    console.error(`Removed user ${username} and revoked their tokens`);
    await auditFromCli(dataDir, { type: 'admin.user.remove', detail: { username } });
  });
}

export function userList(dataDir: string): Promise<void> {
  return withSecurity(dataDir, async (db) => {
    for (const user of new UserStore(db).list()) {
      const locked = user.lockedUntil ? ` (locked until ${user.lockedUntil.toISOString()})` : '';
      const lastLogin = user.lastLoginAt?.toISOString() ?? 'never';
      const lastFailure = user.lastFailedLoginAt?.toISOString() ?? 'never';
      console.log(
        `${user.username}\t${user.roles.join(',')}\tlast login ${lastLogin}\t` +
          `last failed login ${lastFailure}${locked}`,
      );
    }
  });
}

export interface TokenCreateOptions {
  scopes: string;
  name?: string;
  expiresDays?: string;
}

export function tokenCreate(
  dataDir: string,
  username: string,
  options: TokenCreateOptions,
): Promise<void> {
  return withSecurity(dataDir, async (db) => {
    if (new UserStore(db).get(username) === undefined) {
      throw new NotFoundError(`User ${username} does not exist`);
    }
    const days = options.expiresDays === undefined ? undefined : Number(options.expiresDays);
    if (days !== undefined && !(Number.isFinite(days) && days > 0)) {
      throw new InvalidArgumentError(
        `--expires-days must be a positive number, got ${options.expiresDays}`,
      );
    }
    const created = new TokenStore(db).create({
      username,
      kind: 'api',
      name: options.name,
      scopes: parseScopes(options.scopes),
      expiresAt: days === undefined ? null : new Date(Date.now() + days * 86_400_000),
    });
    console.error(`Created token ${created.id} for ${username}; it is shown only this once:`);
    console.log(created.token);
    await auditFromCli(dataDir, {
      type: 'admin.token.create',
      detail: {
        tokenId: created.id,
        username,
        scopes: parseScopes(options.scopes),
        expiresAt: created.expiresAt?.toISOString() ?? null,
      },
    });
  });
}

export function tokenRevoke(dataDir: string, id: string): Promise<void> {
  return withSecurity(dataDir, async (db) => {
    new TokenStore(db).revoke(id);
    console.error(`Revoked token ${id}`);
    await auditFromCli(dataDir, { type: 'admin.token.revoke', detail: { tokenId: id } });
  });
}

export function tokenList(dataDir: string, username?: string): Promise<void> {
  return withSecurity(dataDir, async (db) => {
    for (const token of new TokenStore(db).list(username)) {
      const state = token.revokedAt
        ? 'revoked'
        : token.expiresAt && token.expiresAt < new Date()
          ? 'expired'
          : 'active';
      const expires = token.expiresAt ? token.expiresAt.toISOString() : 'never';
      console.log(
        `${token.id}\t${token.username}\t${token.kind}\t${token.scopes.join(',')}\t${state}\texpires ${expires}\t${token.name ?? ''}`,
      );
    }
  });
}
