/**
 * Account, grant and token administration over HTTP on the real server: users, lockouts,
 * grants that apply to the next request without a restart, the limits of token self-service,
 * and the audit entries every change writes.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN_PASSWORD,
  basic,
  removeDir,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const PASSWORD = 'first-account-password';
const NEW_PASSWORD = 'second-account-password';
const ASK = `/sparql?query=${encodeURIComponent('ASK { ?s ?p ?o }')}`;
const INSERT = 'INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }';

interface TokenJson {
  id: string;
  username: string;
  kind: string;
  scopes: string[];
  state: string;
  lastUsedAt: string | null;
}

describe('admin accounts API', () => {
  let server: ServerProcess;
  let dataDir: string;
  /** Every token secret a test created, to check that none reaches the audit log. */
  const secrets: string[] = [];

  const json = (method: string, pathname: string, body: unknown, auth?: string | null) =>
    server.request(pathname, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      auth,
    });
  const putUser = (name: string, body: unknown) => json('PUT', `/admin/users/${name}`, body);
  const query = (auth: string) => server.request(ASK, { auth });
  const update = (auth: string) =>
    server.request('/update', {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-update' },
      body: INSERT,
      auth,
    });
  const createToken = async (auth: string, body: unknown) => {
    const response = await json('POST', '/auth/tokens', body, auth);
    const created = (await response.json()) as { id: string; token: string; detail?: string };
    if (response.status === 201) secrets.push(created.token);
    return { status: response.status, ...created };
  };
  const listUsers = async () => {
    const response = await server.request('/admin/users');
    assert.equal(response.status, 200);
    const text = await response.text();
    return { text, users: (JSON.parse(text) as { users: Record<string, unknown>[] }).users };
  };

  before(async () => {
    dataDir = tempDataDir();
    // Failed logins in the lockout test all come from one address; keep it from being blocked.
    server = await startServerProcess({
      dataDir,
      env: { SEVEN_TICK_ADDRESS_BLOCK_THRESHOLD: '1000' },
    });
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  it('creates a user and lists it without hashes', async () => {
    const created = await putUser('ann', { password: PASSWORD, roles: ['reader'] });
    assert.equal(created.status, 201);
    const body = (await created.json()) as Record<string, unknown>;
    assert.equal(body.username, 'ann');
    assert.deepEqual(body.roles, ['reader']);
    assert.equal(body.locked, false);

    const { text, users } = await listUsers();
    assert.deepEqual(
      users.map((user) => user.username),
      ['admin', 'ann'],
    );
    assert.ok(!/hash|argon|password"/i.test(text), text);
    assert.equal((await query(basic('ann', PASSWORD))).status, 200);
  });

  it('rejects invalid user requests', async () => {
    const cases: Array<[string, unknown, number]> = [
      ['no-password', { roles: ['reader'] }, 400],
      ['weak', { password: 'password1234', roles: ['reader'] }, 400],
      ['bad-role', { password: PASSWORD, roles: ['superuser'] }, 400],
      ['bad name!', { password: PASSWORD, roles: [] }, 400],
      ['ANN', { password: PASSWORD, roles: [] }, 400],
      ['extra', { password: PASSWORD, roles: [], email: 'x@example.org' }, 400],
      ['no-roles', { password: PASSWORD }, 400],
    ];
    for (const [name, body, status] of cases) {
      const response = await putUser(encodeURIComponent(name), body);
      assert.equal(response.status, status, name);
      const error = (await response.json()) as { error: string; detail: string };
      assert.equal(typeof error.detail, 'string', name);
    }
    const { users } = await listUsers();
    assert.deepEqual(
      users.map((user) => user.username),
      ['admin', 'ann'],
    );
  });

  it('applies a role change to the next request', async () => {
    const ann = basic('ann', PASSWORD);
    assert.equal((await update(ann)).status, 403);
    const changed = await putUser('ann', { roles: ['writer'] });
    assert.equal(changed.status, 200);
    assert.deepEqual(((await changed.json()) as { roles: string[] }).roles, ['writer']);
    assert.equal((await update(ann)).status, 200);
  });

  it('changes a password and revokes tokens', async () => {
    const token = await createToken(basic('ann', PASSWORD), { scopes: ['read'] });
    assert.equal(token.status, 201);
    assert.equal((await query(`Bearer ${token.token}`)).status, 200);

    // A rejected password leaves the roles in the same request unapplied.
    const weak = await putUser('ann', { password: 'ann', roles: ['reader'] });
    assert.equal(weak.status, 400);
    assert.equal((await query(basic('ann', PASSWORD))).status, 200);
    const ann = (await listUsers()).users.find((user) => user.username === 'ann');
    assert.deepEqual(ann?.roles, ['writer']);

    // A new password alone keeps the roles.
    const changed = await putUser('ann', { password: NEW_PASSWORD });
    assert.equal(changed.status, 200);
    assert.deepEqual(((await changed.clone().json()) as { roles: string[] }).roles, ['writer']);
    assert.equal(((await changed.json()) as { revokedTokens: number }).revokedTokens, 1);
    assert.equal((await query(basic('ann', PASSWORD))).status, 401);
    assert.equal((await query(basic('ann', NEW_PASSWORD))).status, 200);
    assert.equal((await query(`Bearer ${token.token}`)).status, 401);
  });

  it('deletes a user with their tokens', async () => {
    assert.equal((await putUser('bob', { password: PASSWORD, roles: ['reader'] })).status, 201);
    const token = await createToken(basic('bob', PASSWORD), { scopes: ['read'] });
    assert.equal(token.status, 201);

    const deleted = await server.request('/admin/users/bob', { method: 'DELETE' });
    assert.equal(deleted.status, 204);
    assert.equal((await query(basic('bob', PASSWORD))).status, 401);
    assert.equal((await query(`Bearer ${token.token}`)).status, 401);
    const again = await server.request('/admin/users/bob', { method: 'DELETE' });
    assert.equal(again.status, 404);
  });

  it('keeps at least one admin', async () => {
    const demoted = await putUser('admin', { roles: ['reader'] });
    assert.equal(demoted.status, 400);
    assert.match(((await demoted.json()) as { detail: string }).detail, /only user with the admin/);
    const deleted = await server.request('/admin/users/admin', { method: 'DELETE' });
    assert.equal(deleted.status, 400);
    assert.equal((await server.request('/admin/users')).status, 200);
  });

  it('unlocks a locked user', async () => {
    assert.equal((await putUser('carl', { password: PASSWORD, roles: ['reader'] })).status, 201);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const failed = await query(basic('carl', 'wrong-password-guess'));
      assert.equal(failed.status, 401, `attempt ${attempt}`);
    }
    assert.equal((await query(basic('carl', PASSWORD))).status, 401);
    const carl = (await listUsers()).users.find((user) => user.username === 'carl');
    assert.equal(carl?.locked, true);
    assert.equal(typeof carl?.lockedUntil, 'string');

    const unlocked = await server.request('/admin/users/carl/unlock', { method: 'POST' });
    assert.equal(unlocked.status, 204);
    assert.equal((await query(basic('carl', PASSWORD))).status, 200);
    const missing = await server.request('/admin/users/nobody/unlock', { method: 'POST' });
    assert.equal(missing.status, 404);
  });

  it('applies grants without a restart', async () => {
    assert.equal((await putUser('dora', { password: PASSWORD, roles: [] })).status, 201);
    const dora = basic('dora', PASSWORD);
    const grant = { principal: 'dora', dataset: 'default', permissions: ['read'] };
    assert.equal((await query(dora)).status, 403);

    assert.equal((await json('PUT', '/admin/grants', grant)).status, 201);
    assert.equal((await query(dora)).status, 200);

    // PUT sets the permissions, so write replaces read.
    const replaced = await json('PUT', '/admin/grants', { ...grant, permissions: ['write'] });
    assert.equal(replaced.status, 200);
    assert.deepEqual(((await replaced.json()) as { permissions: string[] }).permissions, ['write']);
    assert.equal((await query(dora)).status, 403);
    assert.equal((await update(dora)).status, 200);

    const listed = await server.request('/admin/grants?principal=dora&dataset=default');
    assert.deepEqual(await listed.json(), {
      grants: [{ principal: 'dora', dataset: 'default', graph: null, permissions: ['write'] }],
    });
    const otherDataset = await server.request('/admin/grants?principal=dora&dataset=other');
    assert.deepEqual(await otherDataset.json(), { grants: [] });

    const target = '/admin/grants?principal=dora&dataset=default';
    assert.equal((await server.request(target, { method: 'DELETE' })).status, 204);
    assert.equal((await update(dora)).status, 403);
    assert.equal((await server.request(target, { method: 'DELETE' })).status, 404);
  });

  it('rejects invalid grants', async () => {
    const base = { principal: 'dora', dataset: 'default', permissions: ['read'] };
    const cases: Array<[string, unknown, number]> = [
      ['unknown user', { ...base, principal: 'nobody' }, 404],
      ['unknown dataset', { ...base, dataset: 'missing' }, 404],
      ['invalid dataset name', { ...base, dataset: '../x' }, 400],
      ['relative graph', { ...base, graph: 'not an iri' }, 400],
      ['unknown permission', { ...base, permissions: ['sudo'] }, 400],
      ['no permission', { ...base, permissions: [] }, 400],
      ['missing dataset', { principal: 'dora', permissions: ['read'] }, 400],
    ];
    for (const [name, body, status] of cases) {
      const response = await json('PUT', '/admin/grants', body);
      assert.equal(response.status, status, name);
    }
    // graph null, as the listing shows a whole-dataset grant, is the whole dataset.
    const wholeDataset = await json('PUT', '/admin/grants', { ...base, graph: null });
    assert.ok(wholeDataset.status === 200 || wholeDataset.status === 201, `${wholeDataset.status}`);
    const deleteWithoutDataset = await server.request('/admin/grants?principal=dora', {
      method: 'DELETE',
    });
    assert.equal(deleteWithoutDataset.status, 400);
  });

  it('limits token self-service', async () => {
    assert.equal((await putUser('eve', { password: PASSWORD, roles: ['reader'] })).status, 201);
    const eve = basic('eve', PASSWORD);

    const tooWide = await createToken(eve, { scopes: ['read', 'write'] });
    assert.equal(tooWide.status, 403);
    assert.match(tooWide.detail!, /write exceeds your permissions/);
    assert.equal((await createToken(eve, { scopes: ['metrics'] })).status, 403);
    assert.equal((await createToken(eve, { scopes: ['sudo'] })).status, 400);
    assert.equal((await createToken(eve, { scopes: ['read'], expiresInDays: 0 })).status, 400);
    assert.equal((await createToken(eve, { scopes: [] })).status, 400);
    for (const name of ['a\u0000b', 'red\u001b[31m', 'flip\u202e']) {
      assert.equal((await createToken(eve, { scopes: ['read'], name })).status, 400, name);
    }

    const created = await createToken(eve, { scopes: ['read'], name: 'ci', expiresInDays: 30 });
    assert.equal(created.status, 201);
    const bearer = `Bearer ${created.token}`;
    assert.equal((await query(bearer)).status, 200);
    // A token cannot mint tokens, not even narrower ones.
    assert.equal((await createToken(bearer, { scopes: ['read'] })).status, 403);

    // A session from /auth/login may.
    const login = await json('POST', '/auth/login', { username: 'eve', password: PASSWORD }, null);
    assert.equal(login.status, 200);
    const session = `Bearer ${((await login.json()) as { token: string }).token}`;
    assert.equal((await createToken(session, { scopes: ['read'] })).status, 201);
  });

  it('derives scopes from grants', async () => {
    assert.equal((await putUser('finn', { password: PASSWORD, roles: [] })).status, 201);
    const finn = basic('finn', PASSWORD);
    assert.equal((await createToken(finn, { scopes: ['write'] })).status, 403);
    const grant = { principal: 'finn', dataset: 'default', permissions: ['write'] };
    assert.equal((await json('PUT', '/admin/grants', grant)).status, 201);
    const created = await createToken(finn, { scopes: ['write'] });
    assert.equal(created.status, 201);
    assert.equal((await update(`Bearer ${created.token}`)).status, 200);
  });

  it('lists and revokes own tokens', async () => {
    const eve = basic('eve', PASSWORD);
    const first = await createToken(eve, { scopes: ['read'], name: 'first' });
    const second = await createToken(eve, { scopes: ['read'], name: 'second' });
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal((await query(`Bearer ${first.token}`)).status, 200);

    const listed = await server.request('/auth/tokens', { auth: eve });
    assert.equal(listed.status, 200);
    const text = await listed.text();
    assert.ok(!text.includes(first.token), 'no secret in the listing');
    const tokens = (JSON.parse(text) as { tokens: TokenJson[] }).tokens;
    assert.ok(tokens.every((token) => token.username === 'eve'));
    const listedFirst = tokens.find((token) => token.id === first.id);
    assert.equal(listedFirst?.state, 'active');
    assert.equal(typeof listedFirst?.lastUsedAt, 'string');

    // Another user's token looks missing.
    const ann = basic('ann', NEW_PASSWORD);
    const foreign = await server.request(`/auth/tokens/${first.id}`, {
      method: 'DELETE',
      auth: ann,
    });
    assert.equal(foreign.status, 404);
    // A token may revoke itself but not its siblings.
    const sibling = await server.request(`/auth/tokens/${second.id}`, {
      method: 'DELETE',
      auth: `Bearer ${first.token}`,
    });
    assert.equal(sibling.status, 403);
    const itself = await server.request(`/auth/tokens/${first.id}`, {
      method: 'DELETE',
      auth: `Bearer ${first.token}`,
    });
    assert.equal(itself.status, 204);
    assert.equal((await query(`Bearer ${first.token}`)).status, 401);

    const revoked = await server.request(`/auth/tokens/${second.id}`, {
      method: 'DELETE',
      auth: eve,
    });
    assert.equal(revoked.status, 204);
    assert.equal((await query(`Bearer ${second.token}`)).status, 401);
  });

  it('lets admins list and revoke any token', async () => {
    const token = await createToken(basic('ann', NEW_PASSWORD), { scopes: ['read'] });
    assert.equal(token.status, 201);

    const listed = await server.request('/admin/tokens?user=ann');
    assert.equal(listed.status, 200);
    const tokens = ((await listed.json()) as { tokens: TokenJson[] }).tokens;
    assert.ok(tokens.some((item) => item.id === token.id && item.state === 'active'));
    assert.ok(tokens.every((item) => item.username === 'ann'));
    assert.equal((await server.request('/admin/tokens?user=nobody')).status, 404);

    const revoked = await server.request(`/admin/tokens/${token.id}`, { method: 'DELETE' });
    assert.equal(revoked.status, 204);
    assert.equal((await query(`Bearer ${token.token}`)).status, 401);
    const unknown = await server.request('/admin/tokens/no-such-id', { method: 'DELETE' });
    assert.equal(unknown.status, 404);
  });

  it('audits every change', async () => {
    const response = await server.request('/admin/audit?limit=1000');
    assert.equal(response.status, 200);
    const entries = (
      (await response.json()) as {
        entries: { type: string; actor: string | null; detail: Record<string, unknown> }[];
      }
    ).entries;
    const types = new Set(entries.map((entry) => entry.type));
    for (const type of [
      'admin.user.add',
      'admin.user.update',
      'admin.user.remove',
      'admin.user.unlock',
      'admin.grant.set',
      'admin.grant.revoke',
      'admin.token.create',
      'admin.token.revoke',
    ]) {
      assert.ok(types.has(type), type);
    }
    for (const entry of entries) {
      if (/^admin\.(user|grant)\./.test(entry.type) && entry.type !== 'admin.user.create') {
        assert.equal(entry.actor, 'admin', entry.type);
      }
      // Self-service entries name the user who acted on their own tokens.
      if (entry.type.startsWith('admin.token.') && entry.detail.selfService === true) {
        assert.equal(entry.actor, entry.detail.username, entry.type);
      }
    }
    const roleChange = entries.find((entry) => entry.type === 'admin.user.update');
    assert.deepEqual(roleChange?.detail.roles, ['writer']);
  });

  it('writes no password or token to the audit log', async () => {
    const dir = path.join(dataDir, 'audit');
    const text = readdirSync(dir)
      .sort()
      .map((file) => readFileSync(path.join(dir, file), 'utf8'))
      .join('');
    assert.ok(text.includes('admin.token.create'), 'the log was read');
    for (const password of [PASSWORD, NEW_PASSWORD, ADMIN_PASSWORD]) {
      assert.ok(!text.includes(password), 'a password in the audit log');
    }
    assert.ok(secrets.length >= 8);
    for (const secret of secrets) {
      assert.ok(!text.includes(secret.slice(3)), 'a token secret in the audit log');
    }
  });
});
