/**
 * No password or token reaches the server's log or the audit log. A real server runs a
 * session through every route that handles a secret, at log level trace, and then every line
 * it wrote and every audit file is searched for each secret in its plain and encoded forms.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import {
  ADMIN_PASSWORD,
  basic,
  removeDir,
  startServerProcess,
  tempDataDir,
} from '../helpers/server-process.js';

const USER_PASSWORD = 'Userpass-secret-81d2f9';
const NEW_PASSWORD = 'Changed-secret-5c77aa1';
const WRONG_PASSWORD = 'Wrong-secret-0e4b12c';
const JSON_BODY = { 'content-type': 'application/json' };

/** Returns the forms a secret takes on the wire: plain, URL-encoded and in Basic credentials. */
function forms(secret: string, username?: string): string[] {
  const found = [secret, encodeURIComponent(secret)];
  if (username !== undefined) found.push(basic(username, secret).slice('Basic '.length));
  return found;
}

describe('secrets in logs', () => {
  it('keeps secrets out of both logs', async () => {
    const dataDir = tempDataDir();
    const server = await startServerProcess({
      dataDir,
      env: { SEVEN_TICK_LOG_LEVEL: 'trace' },
    });
    const secrets: string[][] = [forms(ADMIN_PASSWORD, 'admin')];
    try {
      const created = await server.request('/admin/users/dora', {
        method: 'PUT',
        headers: JSON_BODY,
        body: JSON.stringify({ password: USER_PASSWORD, roles: ['writer'] }),
      });
      assert.equal(created.status, 201, await created.text());
      secrets.push(forms(USER_PASSWORD, 'dora'));

      const wrong = await server.request('/sparql?query=ASK%7B%7D', {
        auth: basic('dora', WRONG_PASSWORD),
      });
      assert.equal(wrong.status, 401);
      secrets.push(forms(WRONG_PASSWORD, 'dora'));

      const login = await server.request('/auth/login', {
        method: 'POST',
        auth: null,
        headers: JSON_BODY,
        body: JSON.stringify({ username: 'dora', password: USER_PASSWORD }),
      });
      assert.equal(login.status, 200);
      const session = ((await login.json()) as { token: string }).token;
      secrets.push(forms(session));

      const minted = await server.request('/auth/tokens', {
        method: 'POST',
        auth: `Bearer ${session}`,
        headers: JSON_BODY,
        body: JSON.stringify({ name: 'ci', scopes: ['read', 'write'] }),
      });
      assert.equal(minted.status, 201, await minted.clone().text());
      const apiToken = ((await minted.json()) as { token: string }).token;
      secrets.push(forms(apiToken));

      const used = await server.request('/update', {
        method: 'POST',
        auth: `Bearer ${apiToken}`,
        headers: { 'content-type': 'application/sparql-update' },
        body: 'INSERT DATA { <http://example.org/s> <http://example.org/p> "v" }',
      });
      assert.equal(used.status, 200);
      const badBearer = await server.request('/sparql?query=ASK%7B%7D', {
        auth: `Bearer ${apiToken}x`,
      });
      assert.equal(badBearer.status, 401);

      const changed = await server.request('/admin/users/dora', {
        method: 'PUT',
        headers: JSON_BODY,
        body: JSON.stringify({ password: NEW_PASSWORD, roles: ['reader'] }),
      });
      assert.equal(changed.status, 200, await changed.text());
      secrets.push(forms(NEW_PASSWORD, 'dora'));

      const logout = await server.request('/auth/logout', {
        method: 'POST',
        auth: `Bearer ${session}`,
      });
      assert.ok(logout.status === 204 || logout.status === 401, `logout: ${logout.status}`);
    } finally {
      await server.stop();
    }

    const auditDir = path.join(dataDir, 'audit');
    const logs: [string, string][] = [['server output', server.output.join('\n')]];
    for (const name of readdirSync(auditDir)) {
      logs.push([`audit/${name}`, readFileSync(path.join(auditDir, name), 'utf8')]);
    }
    removeDir(dataDir);
    // The search reads what the session produced: its user shows up in both logs.
    assert.ok(logs[0]![1].includes('dora'), 'the server log mentions the session user');
    assert.ok(
      logs.slice(1).some(([, text]) => text.includes('dora')),
      'so does the audit log',
    );
    for (const [where, text] of logs) {
      for (const secretForms of secrets) {
        for (const form of secretForms) {
          assert.ok(!text.includes(form), `${where} contains a secret (${form.slice(0, 6)}...)`);
        }
      }
    }
  });
});
