/**
 * The audit log fails closed: once an entry cannot be written, requests get 500 instead of a
 * success that left no audit trace. Runs the app in-process (Fastify inject) over a real data
 * dir, and breaks the log by closing its file descriptor, as a failing disk would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { resolveConfig } from '../../src/config.js';
import { ensureAdmin } from '../../src/security/bootstrap.js';
import { buildServer, type ServerContext } from '../../src/server/app.js';
import { openSecurityServices } from '../../src/server/security-services.js';
import { DEFAULT_DATASET, Engine } from '../../src/storage/engine.js';
import { ADMIN_PASSWORD, basic, removeDir, tempDataDir } from '../helpers/server-process.js';

describe('audit failure', () => {
  let dataDir: string;
  let context: ServerContext;
  let app: Awaited<ReturnType<typeof buildServer>>;
  const auth = basic('admin', ADMIN_PASSWORD);

  before(async () => {
    dataDir = tempDataDir();
    const config = resolveConfig({ dataDir }, {});
    const logger = pino({ level: 'silent' });
    const engine = await Engine.openAsync(dataDir);
    engine.createDataset(DEFAULT_DATASET);
    const security = await openSecurityServices(engine.db, { config, logger });
    await ensureAdmin(security.users, { password: ADMIN_PASSWORD });
    context = { engine, config, security, state: { ready: true, activeQueries: new Set() } };
    app = await buildServer(context);
  });

  after(async () => {
    await app.close();
    await context.security.audit.close().catch(() => undefined);
    context.engine.close();
    removeDir(dataDir);
  });

  it('fails requests once unwritable', async () => {
    const update = () =>
      app.inject({
        method: 'POST',
        url: '/update',
        headers: { authorization: auth, 'content-type': 'application/sparql-update' },
        payload: 'INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }',
      });
    assert.equal((await update()).statusCode, 200);

    // The private file handle of the log: closing it makes the next write fail with EBADF.
    const handle = (context.security.audit as unknown as { handle: { close(): Promise<void> } })
      .handle;
    await handle.close();

    const failed = await update();
    assert.equal(failed.statusCode, 500);
    const body = JSON.parse(failed.body) as { error: string; requestId?: string };
    assert.equal(body.error, 'Internal server error');
    assert.ok(body.requestId);
    // The failure is permanent: reads fail too, because their login entries cannot be written.
    const read = await app.inject({
      method: 'GET',
      url: '/sparql?query=ASK%7B%7D',
      headers: { authorization: auth },
    });
    assert.equal(read.statusCode, 500);
    // /health needs no audit entry and still returns 200, while /ready reports the failure.
    assert.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/ready' })).statusCode, 500);
  });
});
