/**
 * The server reuses verified tokens between requests (src/security/token-cache.ts). These
 * tests warm that cache with several requests and then change accounts, from the CLI in another
 * process and over HTTP in the server's own process: each change must apply to the very next
 * request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  removeDir,
  runCli,
  startServerProcess,
  type ServerProcess,
} from '../helpers/server-process.js';

const PASSWORD = 'token-cache-user-password';
/** Requests sent with a token before the change, so that its cache entry is in use. */
const WARM_REQUESTS = 5;

describe('verified token reuse', () => {
  let server: ServerProcess;

  before(async () => {
    server = await startServerProcess();
    const created = await server.request('/admin/datasets/books', { method: 'PUT' });
    assert.equal(created.status, 201, await created.text());
  });

  after(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  const addUser = (name: string, roles: string) => {
    const added = runCli(['user', 'add', name, '--roles', roles, '--data-dir', server.dataDir], {
      input: `${PASSWORD}\n`,
    });
    assert.equal(added.status, 0, added.stderr);
  };

  const createToken = (name: string, scopes = 'read'): { id: string; bearer: string } => {
    const created = runCli([
      'token',
      'create',
      name,
      '--scopes',
      scopes,
      '--data-dir',
      server.dataDir,
    ]);
    assert.equal(created.status, 0, created.stderr);
    return {
      id: /Created token (\S+)/.exec(created.stderr)![1]!,
      bearer: `Bearer ${created.stdout.trim()}`,
    };
  };

  const ask = (bearer: string) =>
    server.request('/datasets/books/sparql?query=ASK%7B%7D', {
      auth: bearer,
      headers: { accept: 'application/sparql-results+json' },
    });

  const insert = (bearer: string, n: number) =>
    server.request('/datasets/books/update', {
      method: 'POST',
      auth: bearer,
      headers: { 'content-type': 'application/sparql-update' },
      body: `INSERT DATA { <http://example.org/b${n}> <http://example.org/p> ${n} }`,
    });

  const warm = async (bearer: string) => {
    for (let i = 0; i < WARM_REQUESTS; i++) {
      const response = await ask(bearer);
      assert.equal(response.status, 200, await response.text());
    }
  };

  it('refuses a token on the first request after the CLI revokes it', async () => {
    addUser('rita', 'reader');
    const { id, bearer } = createToken('rita');
    await warm(bearer);
    const revoked = runCli(['token', 'revoke', id, '--data-dir', server.dataDir]);
    assert.equal(revoked.status, 0, revoked.stderr);
    const response = await ask(bearer);
    assert.equal(response.status, 401, await response.text());
  });

  it('refuses the tokens of a user the CLI removes', async () => {
    addUser('ron', 'reader');
    const { bearer } = createToken('ron');
    await warm(bearer);
    const removed = runCli(['user', 'remove', 'ron', '--data-dir', server.dataDir]);
    assert.equal(removed.status, 0, removed.stderr);
    assert.equal((await ask(bearer)).status, 401);
  });

  it('applies a role change made over HTTP to the next request', async () => {
    addUser('wendy', 'writer');
    const { bearer } = createToken('wendy', 'read,write');
    await warm(bearer);
    for (let n = 0; n < WARM_REQUESTS; n++) {
      const response = await insert(bearer, n);
      assert.equal(response.status, 200, await response.text());
    }
    const changed = await server.request('/admin/users/wendy', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ roles: ['reader'] }),
    });
    assert.equal(changed.status, 200, await changed.text());
    const rejected = await insert(bearer, WARM_REQUESTS);
    assert.equal(rejected.status, 403, await rejected.text());
    assert.equal((await ask(bearer)).status, 200);
  });

  it('refuses a token on the first request after it is revoked over HTTP', async () => {
    addUser('hugo', 'reader');
    const { id, bearer } = createToken('hugo');
    await warm(bearer);
    const revoked = await server.request(`/admin/tokens/${id}`, { method: 'DELETE' });
    assert.equal(revoked.status, 204, await revoked.text());
    assert.equal((await ask(bearer)).status, 401);
  });
});
