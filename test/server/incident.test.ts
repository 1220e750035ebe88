/**
 * Incident levels on a real server: high makes it read-only and refuses new sessions, medium
 * audits every request, critical locks everything but /health until the CLI clears it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN_PASSWORD,
  removeDir,
  runCli,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const INSERT = 'INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }';
const ASK = '/sparql?query=ASK%7B%7D';

describe('incident mode', () => {
  let server: ServerProcess;
  let dataDir: string;

  const setLevel = async (level: string) => {
    const response = await server.request('/admin/incident', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level, reason: `test ${level}` }),
    });
    assert.equal(response.status, 200, await response.clone().text());
  };
  const update = () =>
    server.request('/update', {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-update' },
      body: INSERT,
    });
  /** Polls a route until it returns `status`: at most 100 tries, 100 ms apart. */
  const waitForStatus = async (route: string, status: number) => {
    let last = 0;
    for (let attempt = 0; attempt < 100; attempt++) {
      last = (await server.request(route)).status;
      if (last === status) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(`${route} still returns ${last}, expected ${status}`);
  };

  before(async () => {
    dataDir = tempDataDir();
    server = await startServerProcess({ dataDir });
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  it('makes high read-only', async () => {
    await setLevel('high');
    const shown = (await (await server.request('/admin/incident')).json()) as { level: string };
    assert.equal(shown.level, 'high');

    const rejected = await update();
    assert.equal(rejected.status, 503);
    const body = (await rejected.json()) as { code: string; detail: string };
    assert.equal(body.code, 'SERVICE_UNAVAILABLE');
    assert.match(body.detail, /read-only/);
    const graphStore = await server.request('/data?default', {
      method: 'PUT',
      headers: { 'content-type': 'text/turtle' },
      body: '<http://example.org/s> <http://example.org/p> 2 .',
    });
    assert.equal(graphStore.status, 503);
    const remove = await server.request('/data?default', { method: 'DELETE' });
    assert.equal(remove.status, 503);
    // Dataset administration writes data too; account administration stays open for the
    // admins handling the incident.
    const json = { 'content-type': 'application/json' };
    const create = await server.request('/admin/datasets/during', {
      method: 'PUT',
      headers: json,
      body: '{}',
    });
    assert.equal(create.status, 503);
    const drop = await server.request('/admin/datasets/default', { method: 'DELETE' });
    assert.equal(drop.status, 503);
    const account = await server.request('/admin/users/responder', {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ password: 'responder-password-81c', roles: ['reader'] }),
    });
    assert.equal(account.status, 201);
    const login = await server.request('/auth/login', {
      method: 'POST',
      auth: null,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    assert.equal(login.status, 503);

    // Reads and existing credentials keep working; authentication is never switched off.
    assert.equal((await server.request(ASK)).status, 200);
    assert.equal((await server.request(ASK, { auth: null })).status, 401);

    await setLevel('none');
    assert.equal((await update()).status, 200);
  });

  it('audits requests at medium', async () => {
    await setLevel('medium');
    assert.equal((await server.request(`${ASK}&marker=1`)).status, 200);
    await setLevel('none');
    const tail = await server.request('/admin/audit?limit=20');
    const { entries } = (await tail.json()) as {
      entries: Array<{ type: string; detail: Record<string, unknown> }>;
    };
    const requests = entries.filter((entry) => entry.type === 'request');
    assert.ok(requests.some((entry) => entry.detail.route === '/sparql'));
    const changes = entries.filter((entry) => entry.type === 'incident.set');
    assert.deepEqual(
      changes.slice(-2).map((entry) => [entry.detail.from, entry.detail.to]),
      [
        ['none', 'medium'],
        ['medium', 'none'],
      ],
    );
  });

  it('locks down at critical until cleared', async () => {
    const set = runCli(['incident', 'set', 'critical', '--reason', 'drill', '--data-dir', dataDir]);
    assert.equal(set.status, 0, set.stderr);
    await waitForStatus(ASK, 503);

    const query = await server.request(ASK);
    assert.match(((await query.json()) as { detail: string }).detail, /seven-tick incident clear/);
    assert.ok(Number(query.headers.get('retry-after')) > 0);
    assert.equal((await server.request('/ready', { auth: null })).status, 503);
    assert.equal((await server.request('/admin/incident')).status, 503);
    assert.equal((await server.request('/auth/login', { method: 'POST', auth: null })).status, 503);
    assert.equal((await server.request('/health', { auth: null })).status, 200);

    const shown = runCli(['incident', 'show', '--data-dir', dataDir]);
    assert.match(shown.stdout, /^critical since .* by cli:.*: drill$/m);
    const cleared = runCli(['incident', 'clear', '--data-dir', dataDir]);
    assert.equal(cleared.status, 0, cleared.stderr);
    await waitForStatus(ASK, 200);
    assert.equal((await server.request('/ready', { auth: null })).status, 200);
    // The server noticed both CLI changes and audited them itself, once each. Requests see a
    // change when the level cache expires, the audit entry comes with the next poll, so the
    // entry of the clear may follow the first 200 by up to a second.
    type Change = { type: string; detail: { to?: string } };
    let changes: Change[] = [];
    for (let attempt = 0; attempt < 50; attempt++) {
      const audit = (await (await server.request('/admin/audit?limit=1000')).json()) as {
        entries: Change[];
      };
      changes = audit.entries.filter((entry) => entry.type.startsWith('incident.'));
      if (changes.at(-1)?.detail.to === 'none') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(changes.filter((entry) => entry.detail.to === 'critical').length, 1);
    assert.equal(changes.at(-1)?.detail.to, 'none');
  });

  it('rejects invalid levels', async () => {
    const bad = await server.request('/admin/incident', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 'severe' }),
    });
    assert.equal(bad.status, 400);
    const cli = runCli(['incident', 'set', 'severe', '--data-dir', dataDir]);
    assert.equal(cli.status, 2);
    assert.match(cli.stderr, /Invalid incident level "severe"/);
  });
});
