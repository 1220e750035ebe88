import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import { ensureAdmin } from '../../src/security/bootstrap.js';
import { UserStore } from '../../src/security/users.js';
import { openTestDatabase, type TestDatabase } from './helpers.js';

describe('ensureAdmin', () => {
  let handle: TestDatabase;
  let users: UserStore;

  beforeEach(() => {
    handle = openTestDatabase();
    users = new UserStore(handle.db);
  });
  afterEach(() => handle.close());

  it('creates admin once', async () => {
    const first = await ensureAdmin(users, { password: 'from the environment' });
    assert.deepEqual(first, { created: true, password: 'from the environment', generated: false });
    assert.deepEqual(users.get('admin')?.roles, ['admin']);
    assert.deepEqual(await ensureAdmin(users, { password: 'another password!' }), {
      created: false,
    });
    assert.deepEqual(await ensureAdmin(users), { created: false });
    assert.equal(users.count(), 1);
    assert.equal((await users.verify('admin', 'from the environment')).ok, true);
  });

  it('generates a working password', async () => {
    for (const options of [{}, { password: '' }]) {
      const fresh = new UserStore(handle.reopen());
      for (const user of fresh.list()) fresh.remove(user.username);
      const result = await ensureAdmin(fresh, options);
      assert.ok(result.created);
      assert.equal(result.generated, true);
      const password = result.password;
      assert.ok(password.length >= 32);
      assert.equal((await fresh.verify('admin', password)).ok, true);
    }
  });

  it('rejects a weak given password', async () => {
    await assert.rejects(ensureAdmin(users, { password: 'admin' }), InvalidArgumentError);
    await assert.rejects(ensureAdmin(users, { password: 'admin' }), /Password too short/);
    assert.equal(users.count(), 0);
  });

  it('skips when another user exists', async () => {
    await users.add('alice', 'correct horse battery staple', ['reader']);
    assert.deepEqual(await ensureAdmin(users), { created: false });
    assert.equal(users.get('admin'), undefined);
  });
});
