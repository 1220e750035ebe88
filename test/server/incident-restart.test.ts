/**
 * The incident level survives a restart of the real server process: high stays read-only
 * after `kill -9`, and critical still locks every route but /health after a restart.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
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

/** Returns whether the server logged that it is ready. */
function isReady(server: ServerProcess): boolean {
  return server.output.some((line) => line.includes('"msg":"ready"'));
}

describe('incident level across restarts', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  before(() => {
    dataDir = tempDataDir();
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  const update = (running: ServerProcess) =>
    running.request('/update', {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-update' },
      body: INSERT,
    });

  it('keeps high after kill -9', async () => {
    server = await startServerProcess({ dataDir });
    const set = await server.request('/admin/incident', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: 'high', reason: 'restart test' }),
    });
    assert.equal(set.status, 200, await set.clone().text());
    await server.kill9();

    server = await startServerProcess({ dataDir });
    const shown = await server.request('/admin/incident');
    const status = (await shown.json()) as { level: string; reason: string; setBy: string };
    assert.equal(status.level, 'high');
    assert.equal(status.reason, 'restart test');
    assert.equal(status.setBy, 'admin');

    const rejected = await update(server);
    assert.equal(rejected.status, 503);
    assert.match(((await rejected.json()) as { detail: string }).detail, /read-only/);
    const login = await server.request('/auth/login', {
      method: 'POST',
      auth: null,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    assert.equal(login.status, 503);
    assert.equal((await server.request(ASK)).status, 200, 'reads keep working');
    assert.ok(server.output.some((line) => line.includes('starting with an incident level set')));
    await server.stop();
  });

  it('stays locked down after a restart', async () => {
    const set = runCli(['incident', 'set', 'critical', '--reason', 'drill', '--data-dir', dataDir]);
    assert.equal(set.status, 0, set.stderr);

    server = await startServerProcess({ dataDir, waitReady: false });
    // /ready returns 503 in lockdown too, so wait for the log line instead: at most 60 s.
    for (let attempt = 0; attempt < 600 && !isReady(server); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(isReady(server), `server not ready:\n${server.output.join('\n')}`);
    assert.equal((await server.request('/health', { auth: null })).status, 200);
    const routes: Array<[string, RequestInit & { auth?: string | null }]> = [
      ['/ready', { auth: null }],
      [ASK, {}],
      ['/admin/incident', {}],
      ['/metrics', {}],
      ['/no-such-route', {}],
      ['/auth/login', { method: 'POST', auth: null }],
    ];
    for (const [route, init] of routes) {
      const response = await server.request(route, init);
      assert.equal(response.status, 503, `${route} is locked`);
      const body = (await response.json()) as { detail?: string };
      assert.match(body.detail ?? '', /locked down/, `${route} names the lockdown`);
    }
    const rejected = await update(server);
    assert.equal(rejected.status, 503);
    assert.match(((await rejected.json()) as { detail: string }).detail, /incident clear/);
    await server.stop();

    const cleared = runCli(['incident', 'clear', '--data-dir', dataDir]);
    assert.equal(cleared.status, 0, cleared.stderr);
    server = await startServerProcess({ dataDir });
    assert.equal((await update(server)).status, 200);
    await server.stop();
  });

  it('changes the level despite an unusable webhook', () => {
    const configFile = path.join(dataDir, 'webhook-config.json');
    const hook = 'https://hooks.example.org/incident?token=s3cret';
    writeFileSync(configFile, JSON.stringify({ incident: { webhookUrl: hook } }));
    const env = { SEVEN_TICK_CONFIG: configFile };
    const set = runCli(['incident', 'set', 'low', '--data-dir', dataDir], { env });
    assert.equal(set.status, 0, set.stderr);
    assert.match(set.stderr, /Warning: no incident webhook is sent/);
    assert.match(set.stderr, /outbound requests are disabled/);
    assert.doesNotMatch(set.stderr, /s3cret/);
    const shown = runCli(['incident', 'show', '--data-dir', dataDir]);
    assert.match(shown.stdout, /^low since /);
  });
});
