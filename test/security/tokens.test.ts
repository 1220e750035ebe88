import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { InvalidArgumentError, NotFoundError } from '../../src/errors.js';
import { Permission } from '../../src/security/permissions.js';
import { TokenStore } from '../../src/security/tokens.js';
import { UserStore } from '../../src/security/users.js';
import { openTestDatabase, type TestDatabase } from './helpers.js';

const PASSWORD = 'correct horse battery staple';
const T0 = new Date('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;

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
      kind: 'session',
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
});
