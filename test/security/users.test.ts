import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { InvalidArgumentError, NotFoundError } from '../../src/errors.js';
import { hash } from '@node-rs/argon2';
import { needsRehash } from '../../src/security/passwords.js';
import { TokenStore } from '../../src/security/tokens.js';
import { UserStore } from '../../src/security/users.js';
import { openTestDatabase, type TestDatabase } from './helpers.js';

const PASSWORD = 'correct horse battery staple';
const WRONG = 'wrong horse battery staple';
const T0 = new Date('2026-01-01T00:00:00Z');

function at(ms: number): Date {
  return new Date(T0.getTime() + ms);
}

describe('UserStore', () => {
  let handle: TestDatabase;
  let users: UserStore;

  beforeEach(() => {
    handle = openTestDatabase();
    users = new UserStore(handle.db);
  });
  afterEach(() => handle.close());

  it('adds, gets, lists and counts', async () => {
    assert.equal(users.count(), 0);
    const alice = await users.add('alice', PASSWORD, ['writer', 'reader', 'reader']);
    assert.equal(alice.username, 'alice');
    assert.deepEqual(alice.roles, ['reader', 'writer']);
    await users.add('bob@example.org', PASSWORD, []);
    assert.equal(users.count(), 2);
    assert.equal(users.get('alice')?.username, 'alice');
    assert.equal(users.get('carol'), undefined);
    assert.deepEqual(
      users.list().map((user) => user.username),
      ['alice', 'bob@example.org'],
    );
  });

  it('never returns password hashes', async () => {
    await users.add('alice', PASSWORD, ['reader']);
    const shown = JSON.stringify([users.list(), users.get('alice')]);
    assert.ok(!shown.includes('argon2'), shown);
    for (const user of users.list()) {
      assert.ok(!('passwordHash' in user));
      assert.ok(!('password_hash' in user));
    }
  });

  it('rejects duplicate usernames', async () => {
    await users.add('alice', PASSWORD, ['reader']);
    await assert.rejects(users.add('alice', PASSWORD, []), /User "alice" already exists/);
    await assert.rejects(users.add('Alice', PASSWORD, []), /conflicts with existing user "alice"/);
    assert.equal(users.count(), 1);
  });

  it('rejects bad usernames', async () => {
    const bad = ['', 'a'.repeat(65), 'has space', 'colon:name', 'slash/name', 'ünïcode', 'tab\t'];
    for (const username of bad) {
      await assert.rejects(users.add(username, PASSWORD, []), InvalidArgumentError, username);
    }
    await users.add('a'.repeat(64), PASSWORD, []);
    await users.add('A.b_c@d-e', PASSWORD, []);
    assert.equal(users.count(), 2);
  });

  it('rejects unknown roles and weak passwords', async () => {
    await assert.rejects(users.add('alice', PASSWORD, ['root']), /Unknown role "root"/);
    await assert.rejects(users.add('alice', 'short', []), /Password too short/);
    assert.equal(users.count(), 0);
  });

  it('removes a user with their tokens', async () => {
    await users.add('alice', PASSWORD, ['reader']);
    const tokens = new TokenStore(handle.db);
    tokens.create({ username: 'alice', kind: 'api', scopes: ['read'], expiresAt: null });
    users.remove('alice');
    assert.equal(users.get('alice'), undefined);
    assert.equal(tokens.list('alice').length, 0);
    assert.throws(() => users.remove('alice'), NotFoundError);
  });

  it('verifies passwords', async () => {
    await users.add('alice', PASSWORD, ['reader']);
    const ok = await users.verify('alice', PASSWORD);
    assert.equal(ok.ok, true);
    assert.equal(ok.ok && ok.user.username, 'alice');
    assert.deepEqual(await users.verify('alice', WRONG), { ok: false, reason: 'invalid' });
    assert.deepEqual(await users.verify('nobody', PASSWORD), { ok: false, reason: 'invalid' });
    assert.deepEqual(await users.verify('bad name', PASSWORD), { ok: false, reason: 'invalid' });
  });

  it('changes a password', async () => {
    await users.add('alice', PASSWORD, ['reader']);
    await users.setPassword('alice', 'a new password here');
    assert.equal((await users.verify('alice', PASSWORD)).ok, false);
    assert.equal((await users.verify('alice', 'a new password here')).ok, true);
    await assert.rejects(users.setPassword('nobody', PASSWORD), NotFoundError);
  });

  it('locks after five failures until the window ends', async () => {
    await users.add('alice', PASSWORD, ['reader']);
    for (let i = 1; i <= 4; i++) {
      assert.deepEqual(await users.verify('alice', WRONG, at(i)), { ok: false, reason: 'invalid' });
      assert.equal(users.get('alice')?.failedAttempts, i);
      assert.equal(users.get('alice')?.lockedUntil, null);
    }
    assert.deepEqual(await users.verify('alice', WRONG, at(5)), { ok: false, reason: 'invalid' });
    const lockedUntil = at(5 + 5 * 60_000);
    assert.deepEqual(users.get('alice')?.lockedUntil, lockedUntil);

    // The right password is rejected while locked.
    const locked = await users.verify('alice', PASSWORD, at(6));
    assert.deepEqual(locked, { ok: false, reason: 'locked', lockedUntil });
    const stillLocked = await users.verify('alice', PASSWORD, at(4 + 5 * 60_000));
    assert.equal(stillLocked.ok === false && stillLocked.reason, 'locked');

    // At the end of the window the account opens again with a clean count.
    const opened = await users.verify('alice', PASSWORD, lockedUntil);
    assert.equal(opened.ok, true);
    assert.equal(users.get('alice')?.failedAttempts, 0);
    assert.equal(users.get('alice')?.lockedUntil, null);
  });

  it('keeps the last login and the last failure apart', async () => {
    await users.add('alice', PASSWORD, ['reader']);
    await users.verify('alice', WRONG, at(1));
    assert.equal(users.get('alice')?.lastLoginAt, null);
    assert.deepEqual(users.get('alice')?.lastFailedLoginAt, at(1));
    assert.equal((await users.verify('alice', PASSWORD, at(2))).ok, true);
    assert.deepEqual(users.get('alice')?.lastLoginAt, at(2));
    assert.deepEqual(users.get('alice')?.lastFailedLoginAt, at(1), 'a success keeps the failure');
    await users.verify('alice', WRONG, at(3));
    assert.deepEqual(users.get('alice')?.lastLoginAt, at(2), 'a failure keeps the success');
    assert.deepEqual(users.get('alice')?.lastFailedLoginAt, at(3));
  });

  it('rehashes a hash made with older argon2 parameters at the next login', async () => {
    await users.add('alice', PASSWORD, ['reader']);
    const storedHash = () =>
      (
        handle.db
          .prepare("SELECT password_hash FROM security_users WHERE username = 'alice'")
          .get() as { password_hash: string }
      ).password_hash;
    const current = storedHash();
    assert.equal(needsRehash(current), false);
    const old = await hash(PASSWORD, {
      algorithm: 2,
      memoryCost: 8192,
      timeCost: 1,
      parallelism: 1,
    });
    handle.db
      .prepare("UPDATE security_users SET password_hash = ? WHERE username = 'alice'")
      .run(old);
    assert.equal(needsRehash(old), true);

    assert.equal((await users.verify('alice', WRONG, at(1))).ok, false);
    assert.equal(storedHash(), old, 'a failed login changes nothing');
    assert.equal((await users.verify('alice', PASSWORD, at(2))).ok, true);
    assert.notEqual(storedHash(), old);
    assert.equal(needsRehash(storedHash()), false);
    assert.equal((await users.verify('alice', PASSWORD, at(3))).ok, true);
  });

  it('resets the count on success', async () => {
    await users.add('alice', PASSWORD, ['reader']);
    for (let i = 0; i < 4; i++) await users.verify('alice', WRONG, at(i));
    assert.equal((await users.verify('alice', PASSWORD, at(10))).ok, true);
    for (let i = 0; i < 4; i++) await users.verify('alice', WRONG, at(20 + i));
    assert.equal((await users.verify('alice', PASSWORD, at(30))).ok, true);
  });

  it('locks parallel guesses too', async () => {
    await users.add('alice', PASSWORD, ['reader']);
    const guesses = Array.from({ length: 8 }, () => users.verify('alice', WRONG, at(1)));
    guesses.push(users.verify('alice', PASSWORD, at(1)));
    const results = await Promise.all(guesses);
    const last = results.at(-1)!;
    assert.equal(last.ok === false && last.reason, 'locked');
    assert.equal(results.filter((r) => !r.ok && r.reason === 'invalid').length, 5);
  });

  it('locks unknown usernames like real ones', async () => {
    for (let i = 0; i < 5; i++) await users.verify('ghost', WRONG, at(i));
    const result = await users.verify('ghost', PASSWORD, at(10));
    assert.equal(result.ok === false && result.reason, 'locked');
    const later = await users.verify('ghost', PASSWORD, at(10 + 5 * 60_000));
    assert.deepEqual(later, { ok: false, reason: 'invalid' });
  });

  it('keeps a lockout across restart', async () => {
    await users.add('alice', PASSWORD, ['reader']);
    for (let i = 0; i < 5; i++) await users.verify('alice', WRONG, at(i));
    const reopened = new UserStore(handle.reopen());
    const result = await reopened.verify('alice', PASSWORD, at(60_000));
    assert.equal(result.ok === false && result.reason, 'locked');
    reopened.unlock('alice');
    assert.equal((await reopened.verify('alice', PASSWORD, at(60_000))).ok, true);
  });

  it('honours smaller limits', async () => {
    const strict = new UserStore(handle.db, { maxFailedAttempts: 2, lockoutMs: 1000 });
    await strict.add('alice', PASSWORD, ['reader']);
    await strict.verify('alice', WRONG, at(0));
    await strict.verify('alice', WRONG, at(1));
    const locked = await strict.verify('alice', PASSWORD, at(2));
    assert.equal(locked.ok === false && locked.reason, 'locked');
    assert.equal((await strict.verify('alice', PASSWORD, at(1001))).ok, true);
  });
});
