import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { resolveConfig } from '../../src/config.js';
import { ConfigError, InvalidArgumentError, NotFoundError } from '../../src/errors.js';
import { Permission } from '../../src/security/permissions.js';
import {
  DEFAULT_SESSION_IDLE_MS,
  LAST_USE_WRITE_INTERVAL_MS,
  TokenStore,
} from '../../src/security/tokens.js';
import { UserStore } from '../../src/security/users.js';
import { openTestDatabase, type TestDatabase } from './helpers.js';

const PASSWORD = 'correct horse battery staple';
const T0 = new Date('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;
const MINUTE = 60_000;

function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

describe('TokenStore', () => {
  let handle: TestDatabase;
  let users: UserStore;
  let tokens: TokenStore;

  beforeEach(async () => {
    handle = openTestDatabase();
    users = new UserStore(handle.db);
    tokens = new TokenStore(handle.db);
    await users.add('alice', PASSWORD, ['writer']);
    await users.add('root', PASSWORD, ['admin']);
  });
  afterEach(() => handle.close());

  it('creates recognisable tokens', () => {
    const created = tokens.create({
      username: 'alice',
      kind: 'api',
      scopes: ['read'],
      expiresAt: null,
    });
    assert.match(created.token, /^7t_[A-Za-z0-9_-]{43}$/);
    assert.equal(created.expiresAt, null);
    const verified = tokens.verify(created.token);
    assert.equal(verified?.id, created.id);
    assert.equal(verified?.username, 'alice');
    assert.equal(verified?.kind, 'api');
  });

  it('never starts an id with a dash', () => {
    // One random id in 64 would start with `-`, which the CLI would read as an option.
    for (let i = 0; i < 500; i++) {
      const { id } = tokens.create({
        username: 'alice',
        kind: 'api',
        scopes: ['read'],
        expiresAt: null,
      });
      assert.doesNotMatch(id, /^-/);
    }
  });

  it('stores only the token hash', () => {
    const created = tokens.create({
      username: 'alice',
      kind: 'api',
      scopes: ['read'],
      expiresAt: null,
    });
    const secret = created.token.slice(3);
    const rows = handle.db.prepare('SELECT * FROM security_tokens').all();
    assert.equal(rows.length, 1);
    const dump = JSON.stringify(rows, (_key, value: unknown) =>
      Buffer.isBuffer(value) ? value.toString('base64url') : value,
    );
    assert.ok(!dump.includes(secret), dump);
    const raw = handle.db.prepare('SELECT hex(token_hash) AS h FROM security_tokens').get() as {
      h: string;
    };
    assert.equal(raw.h, createHash('sha256').update(created.token).digest('hex').toUpperCase());
    assert.ok(!raw.h.includes(Buffer.from(secret, 'utf8').toString('hex').toUpperCase()));
    assert.ok(!raw.h.includes(Buffer.from(secret, 'base64url').toString('hex').toUpperCase()));
    assert.ok(!JSON.stringify(tokens.list()).includes(secret));
  });

  it('rejects malformed and unknown tokens', () => {
    tokens.create({ username: 'alice', kind: 'api', scopes: ['read'], expiresAt: null });
    const cases = [
      '',
      '7t_',
      'garbage',
      `7t_${'A'.repeat(43)}`,
      `7t_${'A'.repeat(44)}`,
      'Bearer x',
    ];
    for (const token of cases) assert.equal(tokens.verify(token), null, token);
  });

  it('expires at expiresAt', () => {
    const expiresAt = new Date(T0.getTime() + HOUR);
    const created = tokens.create({
      username: 'alice',
      kind: 'api',
      scopes: ['read'],
      expiresAt,
      now: T0,
    });
    assert.deepEqual(created.expiresAt, expiresAt);
    assert.notEqual(tokens.verify(created.token, new Date(T0.getTime() + HOUR - 1)), null);
    assert.equal(tokens.verify(created.token, expiresAt), null);
    assert.equal(tokens.deleteExpired(expiresAt), 1);
    assert.equal(tokens.list().length, 0);
  });

  it('validates create requests', () => {
    const base = { username: 'alice', kind: 'api' as const, scopes: ['read'], expiresAt: null };
    assert.throws(() => tokens.create({ ...base, username: 'nobody' }), NotFoundError);
    assert.throws(() => tokens.create({ ...base, scopes: [] }), /No token scope given/);
    assert.throws(() => tokens.create({ ...base, scopes: ['sudo'] }), /Unknown token scope "sudo"/);
    assert.throws(
      () => tokens.create({ ...base, kind: 'session' }),
      /session token needs an expiry/,
    );
    assert.throws(
      () => tokens.create({ ...base, expiresAt: new Date(T0.getTime() - 1), now: T0 }),
      InvalidArgumentError,
    );
    assert.throws(() => tokens.create({ ...base, expiresAt: new Date(NaN) }), InvalidArgumentError);
  });

  it('revokes one token or all of a user', () => {
    const make = (username: string) =>
      tokens.create({ username, kind: 'api', scopes: ['read'], expiresAt: null });
    const first = make('alice');
    const second = make('alice');
    const other = make('root');
    tokens.revoke(first.id);
    assert.equal(tokens.verify(first.token), null);
    assert.notEqual(tokens.verify(second.token), null);
    assert.throws(() => tokens.revoke('missing'), NotFoundError);
    assert.equal(tokens.revokeAllFor('alice'), 1);
    assert.equal(tokens.verify(second.token), null);
    assert.notEqual(tokens.verify(other.token), null);
    const listed = tokens.list('alice');
    assert.equal(listed.length, 2);
    assert.ok(listed.every((token) => token.revokedAt !== null));
  });

  it('stops working when its user is removed', () => {
    const created = tokens.create({
      username: 'alice',
      kind: 'api',
      scopes: ['read'],
      expiresAt: null,
    });
    users.remove('alice');
    assert.equal(tokens.verify(created.token), null);
  });

  it('intersects scopes with roles', () => {
    const { Read, Write, Delete, Admin } = Permission;
    const cases: [user: string, scopes: string[], expected: number][] = [
      ['alice', ['read'], Read],
      ['alice', ['read', 'write'], Read | Write],
      ['alice', ['read', 'write', 'delete', 'admin'], Read | Write],
      ['alice', ['metrics'], 0],
      ['root', ['read'], Read],
      ['root', ['read', 'write', 'delete', 'admin'], Read | Write | Delete | Admin],
      ['root', ['metrics'], 0],
    ];
    for (const [username, scopes, expected] of cases) {
      const created = tokens.create({ username, kind: 'api', scopes, expiresAt: null });
      const verified = tokens.verify(created.token);
      assert.equal(verified?.permissions, expected, `${username} ${scopes.join(',')}`);
      assert.deepEqual(verified?.scopes, [...scopes].sort());
    }
  });

  it('follows role changes at verify time', () => {
    const created = tokens.create({
      username: 'alice',
      kind: 'api',
      scopes: ['read', 'write'],
      expiresAt: null,
    });
    users.setRoles('alice', ['reader']);
    assert.equal(tokens.verify(created.token)?.permissions, Permission.Read);
  });

  const apiToken = (scopes = ['read', 'write'], expiresAt: Date | null = null) =>
    tokens.create({ username: 'alice', kind: 'api', scopes, expiresAt, now: T0 });

  it('sees a revocation committed by another connection', () => {
    const created = apiToken();
    assert.notEqual(tokens.verify(created.token, at(1)), null);
    assert.notEqual(tokens.verify(created.token, at(2)), null);
    // A second connection stands for another process, such as `seven-tick token revoke`.
    const other = new Database(handle.file);
    try {
      new TokenStore(other).revoke(created.id, at(3));
    } finally {
      other.close();
    }
    assert.equal(tokens.verify(created.token, at(4)), null);
  });

  it("reads other connections' changes once per millisecond", () => {
    const created = apiToken();
    assert.notEqual(tokens.verify(created.token, at(5)), null);
    const other = new Database(handle.file);
    try {
      new TokenStore(other).revoke(created.id, at(5));
    } finally {
      other.close();
    }
    // Within the millisecond of the last read, the cached record is still returned.
    assert.notEqual(tokens.verify(created.token, at(5)), null);
    assert.equal(tokens.verify(created.token, at(6)), null);
  });

  it('sees role changes and removals made on its own connection', () => {
    const created = apiToken();
    assert.equal(
      tokens.verify(created.token, at(1))?.permissions,
      Permission.Read | Permission.Write,
    );
    users.setRoles('alice', ['reader']);
    assert.equal(tokens.verify(created.token, at(2))?.permissions, Permission.Read);
    users.remove('alice');
    assert.equal(tokens.verify(created.token, at(3)), null);
  });

  it('sees SQL writes on its own connection', () => {
    // SQL that bypasses TokenStore and UserStore must drop the cached record too, within the
    // same millisecond.
    const created = apiToken();
    assert.notEqual(tokens.verify(created.token, at(1)), null);
    handle.db.prepare("UPDATE security_users SET roles = 'reader' WHERE username = ?").run('alice');
    assert.equal(tokens.verify(created.token, at(1))?.permissions, Permission.Read);
    handle.db
      .prepare('UPDATE security_tokens SET revoked_at = ? WHERE id = ?')
      .run(at(1).getTime(), created.id);
    assert.equal(tokens.verify(created.token, at(1)), null);
  });

  it('sees a user deleted by SQL', () => {
    const created = apiToken();
    assert.notEqual(tokens.verify(created.token, at(1)), null);
    handle.db.prepare('DELETE FROM security_users WHERE username = ?').run('alice');
    assert.equal(tokens.verify(created.token, at(1)), null);
  });

  it('shares the write count between stores on one connection', () => {
    const created = apiToken();
    const second = new TokenStore(handle.db);
    assert.notEqual(tokens.verify(created.token, at(1)), null);
    assert.notEqual(second.verify(created.token, at(1)), null);
    second.revoke(created.id, at(1));
    assert.equal(tokens.verify(created.token, at(1)), null);
    assert.equal(second.verify(created.token, at(1)), null);
  });

  it('applies expiry to a token verified just before', () => {
    const created = apiToken(['read'], at(HOUR));
    assert.notEqual(tokens.verify(created.token, at(HOUR - 2)), null);
    assert.notEqual(tokens.verify(created.token, at(HOUR - 1)), null);
    assert.equal(tokens.verify(created.token, at(HOUR)), null);
  });

  it('hands out records that cannot be changed', () => {
    const created = apiToken();
    const first = tokens.verify(created.token, at(1))!;
    assert.throws(() => {
      (first as { permissions: number }).permissions = Permission.Admin;
    }, TypeError);
    assert.throws(() => (first.roles as string[]).push('admin'), TypeError);
    assert.throws(() => (first.scopes as string[]).push('admin'), TypeError);
    assert.equal(
      tokens.verify(created.token, at(2))?.permissions,
      Permission.Read | Permission.Write,
    );
  });
});

describe('session idle timeout', () => {
  let handle: TestDatabase;
  let tokens: TokenStore;
  const IDLE = DEFAULT_SESSION_IDLE_MS;

  const createSession = () =>
    tokens.create({
      username: 'alice',
      kind: 'session',
      scopes: ['read'],
      expiresAt: at(4 * HOUR),
      now: T0,
    });

  beforeEach(async () => {
    handle = openTestDatabase();
    await new UserStore(handle.db).add('alice', PASSWORD, ['writer']);
    tokens = new TokenStore(handle.db);
  });
  afterEach(() => handle.close());

  it('defaults to 15 minutes', () => {
    assert.equal(IDLE, 15 * MINUTE);
    assert.equal(tokens.sessionIdleMs, IDLE);
    assert.equal(resolveConfig({}, {}).sessionIdleSeconds, 900);
  });

  it('revokes a session idle since creation', () => {
    const created = createSession();
    assert.equal(tokens.verify(created.token, at(IDLE + 1)), null);
    const [listed] = tokens.list('alice');
    assert.deepEqual(listed?.revokedAt, at(IDLE + 1));
    assert.equal(tokens.stateOf(listed!, at(IDLE + 1)), 'revoked');
  });

  it('accepts a session at exactly the timeout', () => {
    const created = createSession();
    assert.notEqual(tokens.verify(created.token, at(IDLE)), null);
  });

  it('revokes a session idle since its last use', () => {
    const created = createSession();
    assert.notEqual(tokens.verify(created.token, at(10 * MINUTE)), null);
    assert.notEqual(tokens.verify(created.token, at(10 * MINUTE + IDLE)), null);
    assert.equal(tokens.verify(created.token, at(20 * MINUTE + 2 * IDLE + 1)), null);
    // Revoked, so it stays rejected even when used again soon after.
    assert.equal(tokens.verify(created.token, at(20 * MINUTE + 2 * IDLE + 2)), null);
    assert.notEqual(tokens.list('alice')[0]?.revokedAt, null);
  });

  it('keeps a session in use alive', () => {
    const created = createSession();
    // Every 14 minutes for three hours: each gap is under the timeout.
    for (let step = 1; step <= 12; step += 1) {
      const verified = tokens.verify(created.token, at(step * 14 * MINUTE));
      assert.notEqual(verified, null, `use ${step}`);
    }
  });

  it('keeps a session used every 50 seconds', () => {
    // The stored last use lags by up to a minute, so frequent use must still count.
    const created = createSession();
    for (let step = 1; step <= 40; step += 1) {
      assert.notEqual(tokens.verify(created.token, at(step * 50_000)), null, `use ${step}`);
    }
  });

  it('writes the last use at most once a minute', () => {
    const created = createSession();
    const lastUse = () => tokens.get(created.id)?.lastUsedAt;
    assert.equal(lastUse(), null);
    tokens.verify(created.token, at(1000));
    assert.deepEqual(lastUse(), at(1000));
    tokens.verify(created.token, at(1000 + LAST_USE_WRITE_INTERVAL_MS - 1));
    assert.deepEqual(lastUse(), at(1000));
    tokens.verify(created.token, at(1000 + LAST_USE_WRITE_INTERVAL_MS));
    assert.deepEqual(lastUse(), at(1000 + LAST_USE_WRITE_INTERVAL_MS));
  });

  it('never moves the last use backwards', () => {
    const created = createSession();
    tokens.verify(created.token, at(5 * MINUTE));
    tokens.verify(created.token, at(MINUTE));
    assert.deepEqual(tokens.get(created.id)?.lastUsedAt, at(5 * MINUTE));
  });

  it('leaves API tokens without idle timeout', () => {
    const created = tokens.create({
      username: 'alice',
      kind: 'api',
      scopes: ['read'],
      expiresAt: null,
      now: T0,
    });
    const verified = tokens.verify(created.token, at(30 * 24 * HOUR));
    assert.notEqual(verified, null);
    assert.deepEqual(verified?.lastUsedAt, at(30 * 24 * HOUR));
  });

  it('reports an idle session as expired', () => {
    createSession();
    const [listed] = tokens.list('alice');
    assert.equal(tokens.stateOf(listed!, at(IDLE)), 'active');
    assert.equal(tokens.stateOf(listed!, at(IDLE + 1)), 'expired');
  });

  it('applies a configured timeout', () => {
    const longer = new TokenStore(handle.db, { sessionIdleMs: HOUR });
    const created = longer.create({
      username: 'alice',
      kind: 'session',
      scopes: ['read'],
      expiresAt: at(4 * HOUR),
      now: T0,
    });
    assert.notEqual(longer.verify(created.token, at(HOUR)), null);
    assert.equal(longer.verify(created.token, at(2 * HOUR + 1)), null);
  });

  it('rejects a timeout under two minutes', () => {
    for (const sessionIdleMs of [0, 60_000, 119_999, 1.5e5 + 0.5, Number.NaN]) {
      assert.throws(
        () => new TokenStore(handle.db, { sessionIdleMs }),
        InvalidArgumentError,
        String(sessionIdleMs),
      );
    }
    assert.throws(() => resolveConfig({ sessionIdleSeconds: 60 }, {}), ConfigError);
    assert.throws(() => resolveConfig({ sessionIdleSeconds: 'soon' }, {}), ConfigError);
    assert.equal(resolveConfig({ sessionIdleSeconds: '120' }, {}).sessionIdleSeconds, 120);
  });

  it('adds the last-use column to an older table', async () => {
    const older = openTestDatabase();
    try {
      const columns = () =>
        (older.db.prepare('PRAGMA table_info(security_tokens)').all() as { name: string }[])
          .map((column) => column.name)
          .filter((name) => name === 'last_used_at');
      assert.deepEqual(columns(), []);
      await new UserStore(older.db).add('alice', PASSWORD, ['writer']);
      const store = new TokenStore(older.db);
      assert.deepEqual(columns(), ['last_used_at']);
      const created = store.create({
        username: 'alice',
        kind: 'api',
        scopes: ['read'],
        expiresAt: null,
        now: T0,
      });
      store.verify(created.token, at(MINUTE));
      older.reopen();
      const reopened = new TokenStore(older.db);
      assert.deepEqual(columns(), ['last_used_at']);
      assert.deepEqual(reopened.get(created.id)?.lastUsedAt, at(MINUTE));
    } finally {
      older.close();
    }
  });
});
