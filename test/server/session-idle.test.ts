/**
 * The server applies the configured `sessionIdleSeconds`: a session unused for longer is
 * refused, one used within it keeps working. Runs the app in-process over a real data dir.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServerContext } from '../../src/server/app.js';
import { openInProcessServer, type InProcessServer } from '../helpers/in-process-server.js';
import { ADMIN_PASSWORD } from '../helpers/server-process.js';

const IDLE_SECONDS = 300;

describe('session idle timeout from the config', () => {
  let server: InProcessServer;
  let context: ServerContext;
  let app: InProcessServer['app'];

  before(async () => {
    server = await openInProcessServer({ sessionIdleSeconds: IDLE_SECONDS });
    ({ context, app } = server);
  });

  after(async () => {
    await server.close();
  });

  /** Logs in and returns the session token. */
  async function login(): Promise<string> {
    const response = await app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    assert.equal(response.statusCode, 200);
    return (JSON.parse(response.body) as { token: string }).token;
  }

  /** Moves every session's last use `seconds` into the past. */
  function ageSessions(seconds: number): void {
    const past = Date.now() - seconds * 1000;
    context.engine.db
      .prepare("UPDATE security_tokens SET last_used_at = ?, created_at = ? WHERE kind = 'session'")
      .run(past, past);
  }

  const ask = (token: string) =>
    app.inject({
      method: 'GET',
      url: '/sparql?query=ASK%7B%7D',
      headers: { authorization: `Bearer ${token}` },
    });

  it('uses the configured idle time', () => {
    assert.equal(context.security.tokens.sessionIdleMs, IDLE_SECONDS * 1000);
  });

  it('keeps a session used within the idle time', async () => {
    const token = await login();
    ageSessions(IDLE_SECONDS - 100);
    assert.equal((await ask(token)).statusCode, 200);
  });

  it('refuses a session unused for longer than the idle time', async () => {
    const token = await login();
    // Past the configured 300 s but within the 900 s default, so the default would accept it.
    ageSessions(IDLE_SECONDS + 60);
    assert.equal((await ask(token)).statusCode, 401);
  });
});
