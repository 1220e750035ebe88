/**
 * The audit log fails closed: once an entry cannot be written, requests get 500 instead of a
 * success that left no audit trace. Runs the app in-process (Fastify inject) over a real data
 * dir, and breaks the log by closing its file descriptor, as a failing disk would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerContext } from '../../src/server/app.js';
import { openInProcessServer, type InProcessServer } from '../helpers/in-process-server.js';
import { ADMIN_PASSWORD, basic } from '../helpers/server-process.js';

describe('audit failure', () => {
  let server: InProcessServer;
  let context: ServerContext;
  let app: InProcessServer['app'];
  const auth = basic('admin', ADMIN_PASSWORD);

  before(async () => {
    server = await openInProcessServer();
    ({ context, app } = server);
  });

  after(async () => {
    await server.close();
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
