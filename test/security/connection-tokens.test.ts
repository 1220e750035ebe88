/**
 * A Bearer token repeated on one connection skips its digest (src/security/connection-tokens.ts).
 * These tests check that the shortcut never changes an outcome: revocation, expiry, a change of
 * token on a shared connection and a failed token all behave as on a new connection.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AddressMonitor } from '../../src/security/address-monitor.js';
import { AuthenticationFailedError, Authenticator } from '../../src/security/authenticate.js';
import { ConnectionTokens } from '../../src/security/connection-tokens.js';
import { TokenStore } from '../../src/security/tokens.js';
import { UserStore } from '../../src/security/users.js';
import { openTestDatabase, type TestDatabase } from './helpers.js';

const T0 = new Date('2026-01-01T00:00:00Z');
const ADDRESS = '127.0.0.1';

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

function later(milliseconds: number): Date {
  return new Date(T0.getTime() + milliseconds);
}

describe('ConnectionTokens', () => {
  const credentials = `7t_${'a'.repeat(43)}`;

  it('returns the key of the same token', () => {
    const memo = new ConnectionTokens();
    const connection = {};
    memo.remember(connection, credentials, 'key-a');
    assert.equal(memo.keyFor(connection, credentials), 'key-a');
  });

  it('misses a different token of the same length', () => {
    const memo = new ConnectionTokens();
    const connection = {};
    memo.remember(connection, credentials, 'key-a');
    assert.equal(memo.keyFor(connection, `7t_${'a'.repeat(42)}b`), undefined);
  });

  it('misses a token of another length', () => {
    const memo = new ConnectionTokens();
    const connection = {};
    memo.remember(connection, credentials, 'key-a');
    assert.equal(memo.keyFor(connection, `7t_${'a'.repeat(41)}`), undefined);
  });

  it('misses on another connection', () => {
    const memo = new ConnectionTokens();
    memo.remember({}, credentials, 'key-a');
    assert.equal(memo.keyFor({}, credentials), undefined);
  });

  it('misses after forget', () => {
    const memo = new ConnectionTokens();
    const connection = {};
    memo.remember(connection, credentials, 'key-a');
    memo.forget(connection);
    assert.equal(memo.keyFor(connection, credentials), undefined);
  });
});

describe('Authenticator with a connection', () => {
  let handle: TestDatabase;
  let tokens: TokenStore;
  let authenticator: Authenticator;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };

  beforeEach(async () => {
    handle = openTestDatabase();
    const users = new UserStore(handle.db);
    tokens = new TokenStore(handle.db);
    authenticator = new Authenticator({ users, tokens, addresses: new AddressMonitor() });
    await users.add('alice', 'alice password for tests', ['writer']);
    await users.add('bob', 'bob password for tests', ['reader']);
    const create = (username: string, kind: 'api' | 'session', expiresAt: Date | null) =>
      tokens.create({ username, kind, scopes: ['read'], expiresAt, now: T0 });
    alice = create('alice', 'api', null);
    bob = create('bob', 'session', later(60_000));
  });
  afterEach(() => handle.close());

  const bearer = (token: string, connection: object, now: Date) =>
    authenticator.authenticate({
      authorization: `Bearer ${token}`,
      clientAddress: ADDRESS,
      connection,
      now,
    });

  it('accepts a token repeated on a connection', async () => {
    const connection = {};
    for (let i = 0; i < 3; i++) {
      const principal = await bearer(alice.token, connection, later(i));
      assert.equal(principal.username, 'alice');
      assert.equal(principal.tokenId, alice.id);
    }
  });

  it('rejects a repeated token after revocation', async () => {
    const connection = {};
    await bearer(alice.token, connection, later(0));
    tokens.revoke(alice.id);
    await assert.rejects(bearer(alice.token, connection, later(1)), AuthenticationFailedError);
  });

  it('rejects a token revoked by another connection', async () => {
    const connection = {};
    await bearer(alice.token, connection, later(0));
    const other = new Database(handle.file);
    try {
      new TokenStore(other).revoke(alice.id);
    } finally {
      other.close();
    }
    // A commit by another database connection, as by another process, applies from the next
    // millisecond on.
    await assert.rejects(bearer(alice.token, connection, later(1)), AuthenticationFailedError);
  });

  it('rejects a repeated token after it expires', async () => {
    const connection = {};
    await bearer(bob.token, connection, later(0));
    await assert.rejects(bearer(bob.token, connection, later(60_000)), AuthenticationFailedError);
  });

  it('follows a change of token on a connection', async () => {
    const connection = {};
    assert.equal((await bearer(alice.token, connection, later(0))).username, 'alice');
    assert.equal((await bearer(bob.token, connection, later(1))).username, 'bob');
    assert.equal((await bearer(alice.token, connection, later(2))).username, 'alice');
  });

  it('forgets a token after other credentials', async () => {
    const headers = [
      '',
      basicHeader('alice', 'wrong password'),
      'Bearer not-a-token',
      'Bearer a.b.c',
    ];
    for (const header of headers) {
      const connection = {};
      await bearer(alice.token, connection, later(0));
      await authenticator
        .authenticate({ authorization: header, clientAddress: ADDRESS, connection, now: later(1) })
        .catch(() => undefined);
      const memo = authenticator['connectionTokens'];
      assert.equal(memo.keyFor(connection, `Bearer ${alice.token}`), undefined, header);
    }
  });

  it('rejects a wrong token after a valid one', async () => {
    const connection = {};
    await bearer(alice.token, connection, later(0));
    const wrong = `${alice.token.slice(0, -1)}${alice.token.endsWith('A') ? 'B' : 'A'}`;
    await assert.rejects(bearer(wrong, connection, later(1)), AuthenticationFailedError);
    assert.equal((await bearer(alice.token, connection, later(2))).username, 'alice');
  });
});
