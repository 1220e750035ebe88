import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AuthenticationError } from '../../src/errors.js';
import { AddressMonitor } from '../../src/security/address-monitor.js';
import {
  AuthenticationFailedError,
  Authenticator,
  MESSAGE_ADDRESS_BLOCKED,
  MESSAGE_INVALID,
  MESSAGE_REQUIRED,
  type AuthEvent,
} from '../../src/security/authenticate.js';
import { Permission } from '../../src/security/permissions.js';
import { TokenStore } from '../../src/security/tokens.js';
import { UserStore } from '../../src/security/users.js';
import { openTestDatabase, type TestDatabase } from './helpers.js';

const PASSWORD = 'correct horse battery staple';
const T0 = new Date('2026-01-01T00:00:00Z');
const ADDRESS = '127.0.0.1';

function basic(text: string): string {
  return `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;
}

describe('Authenticator', () => {
  let handle: TestDatabase;
  let users: UserStore;
  let tokens: TokenStore;
  let addresses: AddressMonitor;
  let events: AuthEvent[];
  let authenticator: Authenticator;
  let apiToken: string;
  let sessionToken: string;
  let revokedToken: string;
  let expiredToken: string;

  beforeEach(async () => {
    handle = openTestDatabase();
    users = new UserStore(handle.db);
    tokens = new TokenStore(handle.db);
    addresses = new AddressMonitor();
    events = [];
    authenticator = new Authenticator({
      users,
      tokens,
      addresses,
      onEvent: (event) => events.push(event),
    });
    await users.add('alice', PASSWORD, ['writer']);
    const create = (kind: 'api' | 'session', expiresAt: Date | null) =>
      tokens.create({ username: 'alice', kind, scopes: ['read'], expiresAt, now: T0 });
    apiToken = create('api', null).token;
    sessionToken = create('session', new Date(T0.getTime() + 60_000)).token;
    const revoked = create('api', null);
    tokens.revoke(revoked.id);
    revokedToken = revoked.token;
    expiredToken = create('session', new Date(T0.getTime() + 1000)).token;
  });
  afterEach(() => handle.close());

  const rejectedCases: [label: string, header: () => string | undefined, message: string][] = [
    ['no header', () => undefined, MESSAGE_REQUIRED],
    ['empty header', () => '', MESSAGE_REQUIRED],
    ['unknown scheme', () => 'Digest username="alice"', MESSAGE_REQUIRED],
    ['Basic without credentials', () => 'Basic', 'Malformed Basic credentials'],
    ['Basic garbage', () => 'Basic !!!not-base64!!!', 'Malformed Basic credentials'],
    ['Basic without colon', () => basic('alice'), 'Malformed Basic credentials'],
    [
      'Basic invalid UTF-8',
      () => `Basic ${Buffer.from([0xff, 0x3a, 0x41]).toString('base64')}`,
      'Malformed Basic credentials',
    ],
    ['wrong password', () => basic(`alice:${PASSWORD}x`), MESSAGE_INVALID],
    ['unknown user', () => basic(`mallory:${PASSWORD}`), MESSAGE_INVALID],
    ['empty password', () => basic('alice:'), MESSAGE_INVALID],
    ['Bearer without token', () => 'Bearer', 'Malformed Bearer credentials'],
    ['unknown token', () => `Bearer 7t_${'A'.repeat(43)}`, MESSAGE_INVALID],
    ['revoked token', () => `Bearer ${revokedToken}`, MESSAGE_INVALID],
    ['expired token', () => `Bearer ${expiredToken}`, MESSAGE_INVALID],
    ['password as Bearer', () => `Bearer ${PASSWORD}`, MESSAGE_INVALID],
  ];

  for (const [label, header, message] of rejectedCases) {
    it(`rejects ${label}`, async () => {
      const now = new Date(T0.getTime() + 5000);
      const attempt = authenticator.authenticate({
        authorization: header(),
        clientAddress: ADDRESS,
        now,
      });
      await assert.rejects(attempt, (error: unknown) => {
        assert.ok(error instanceof AuthenticationError);
        assert.ok(error instanceof AuthenticationFailedError);
        assert.ok(error.message.startsWith(message), error.message);
        assert.equal(error.event.outcome, 'failure');
        return true;
      });
      assert.equal(events.length, 1);
    });
  }

  const acceptedCases: [label: string, header: () => string, via: string, permissions: number][] = [
    ['Basic', () => basic(`alice:${PASSWORD}`), 'password', Permission.Read | Permission.Write],
    [
      'lowercase basic',
      () => basic(`alice:${PASSWORD}`).replace('Basic', 'basic'),
      'password',
      Permission.Read | Permission.Write,
    ],
    ['Bearer API token', () => `Bearer ${apiToken}`, 'api-token', Permission.Read],
    ['lowercase bearer', () => `bearer ${apiToken}`, 'api-token', Permission.Read],
    ['uppercase BEARER', () => `BEARER  ${apiToken} `, 'api-token', Permission.Read],
    ['session token', () => `Bearer ${sessionToken}`, 'session-token', Permission.Read],
  ];

  for (const [label, header, via, permissions] of acceptedCases) {
    it(`accepts ${label}`, async () => {
      const principal = await authenticator.authenticate({
        authorization: header(),
        clientAddress: ADDRESS,
        now: T0,
      });
      assert.equal(principal.username, 'alice');
      assert.equal(principal.via, via);
      assert.equal(principal.permissions, permissions);
      assert.deepEqual(principal.roles, ['writer']);
      assert.equal(events.length, 1);
      assert.equal(events[0]!.outcome, 'success');
      assert.equal(events[0]!.username, 'alice');
    });
  }

  it('splits Basic at the first colon', async () => {
    await users.add('bob', 'pass:with:colons', ['reader']);
    const principal = await authenticator.authenticate({
      authorization: basic('bob:pass:with:colons'),
      clientAddress: ADDRESS,
    });
    assert.equal(principal.username, 'bob');
  });

  it('decodes Basic as UTF-8', async () => {
    await users.add('carol', 'pässwörd ünïcode', ['reader']);
    const principal = await authenticator.authenticate({
      authorization: basic('carol:pässwörd ünïcode'),
      clientAddress: ADDRESS,
    });
    assert.equal(principal.username, 'carol');
  });

  it('reports lockout with seconds left', async () => {
    const wrong = basic('alice:not the password');
    for (let i = 0; i < 5; i++) {
      await assert.rejects(
        authenticator.authenticate({ authorization: wrong, clientAddress: ADDRESS, now: T0 }),
        { message: MESSAGE_INVALID },
      );
    }
    const attempt = authenticator.authenticate({
      authorization: basic(`alice:${PASSWORD}`),
      clientAddress: ADDRESS,
      now: new Date(T0.getTime() + 60_000),
    });
    await assert.rejects(attempt, (error: unknown) => {
      assert.ok(error instanceof AuthenticationFailedError);
      assert.equal(
        error.message,
        'Account locked after repeated failures; try again in 240 seconds',
      );
      assert.equal(error.retryAfterSeconds, 240);
      assert.equal(error.event.reason, 'locked');
      return true;
    });
  });

  it('blocks an address after ten failures', async () => {
    const wrong = basic('mallory:not the password');
    for (let i = 0; i < 10; i++) {
      await assert.rejects(
        authenticator.authenticate({ authorization: wrong, clientAddress: '192.0.2.7', now: T0 }),
        { message: i < 5 ? MESSAGE_INVALID : /^(Invalid credentials|Account locked)/ },
      );
    }
    assert.equal(events.at(-1)!.addressBlocked, true);
    const attempt = authenticator.authenticate({
      authorization: basic(`alice:${PASSWORD}`),
      clientAddress: '192.0.2.7',
      now: T0,
    });
    await assert.rejects(attempt, { message: MESSAGE_ADDRESS_BLOCKED });
    // Another address is unaffected.
    const other = await authenticator.authenticate({
      authorization: basic(`alice:${PASSWORD}`),
      clientAddress: '192.0.2.8',
      now: T0,
    });
    assert.equal(other.username, 'alice');
  });

  it('keeps secrets out of events', async () => {
    const secretPassword = 'not the password but secret';
    await assert.rejects(
      authenticator.authenticate({
        authorization: basic(`alice:${secretPassword}`),
        clientAddress: ADDRESS,
      }),
    );
    await authenticator.authenticate({
      authorization: `Bearer ${apiToken}`,
      clientAddress: ADDRESS,
    });
    await assert.rejects(
      authenticator.authenticate({
        authorization: `Bearer ${revokedToken}`,
        clientAddress: ADDRESS,
      }),
    );
    const logged = JSON.stringify(events);
    assert.ok(!logged.includes(secretPassword));
    assert.ok(!logged.includes(apiToken.slice(3)));
    assert.ok(!logged.includes(revokedToken.slice(3)));
    assert.equal(events[0]!.username, 'alice');
    assert.equal(events[0]!.reason, 'invalid');
    assert.equal(typeof events[1]!.tokenId, 'string');
  });

  it('logs in with a session token', async () => {
    const result = await authenticator.login({
      username: 'alice',
      password: PASSWORD,
      clientAddress: ADDRESS,
      ttlMs: 60_000,
      now: T0,
    });
    assert.deepEqual(result.expiresAt, new Date(T0.getTime() + 60_000));
    const principal = await authenticator.authenticate({
      authorization: `Bearer ${result.token}`,
      clientAddress: ADDRESS,
      now: T0,
    });
    assert.equal(principal.via, 'session-token');
    assert.equal(principal.permissions, Permission.Read | Permission.Write);
    await assert.rejects(
      authenticator.login({
        username: 'alice',
        password: 'wrong password!',
        clientAddress: ADDRESS,
        ttlMs: 1,
      }),
      { message: MESSAGE_INVALID },
    );
  });
});
