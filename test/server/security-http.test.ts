/**
 * The security layer over HTTP on a real server: response headers, CORS, trusted proxies and
 * address blocks, /metrics, bearer JWTs, and the audit log of logins, denials, writes and admin
 * actions.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import {
  ADMIN_AUTH,
  basic,
  removeDir,
  runCli,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const PASSWORD = 'reader-password-for-tests';
const ISSUER = 'https://idp.example.org/realms/kg';
const AUDIENCE = 'seven-tick';
const ALLOWED_ORIGIN = 'https://app.example.org';
/** A value that must never reach the audit log: it appears in a password and an update. */
const MARKER = 'marker-7f3a9c';
/** The client address a trusted proxy (the test, on 127.0.0.1) reports. */
const PROXIED_CLIENT = '203.0.113.7';
/**
 * The address other failing requests come through, so that their failures do not block
 * 127.0.0.1, which the admin requests of the test use.
 */
const FAILING_CLIENT = '198.51.100.20';

interface AuditEntryJson {
  seq: number;
  type: string;
  actor: string | null;
  address: string | null;
  detail: Record<string, unknown>;
}

describe('security over HTTP', () => {
  let server: ServerProcess;
  let dataDir: string;
  let privateKey: CryptoKey;
  let metricsToken: string;
  const readerAuth = basic('reader1', PASSWORD);

  const signJwt = (claims: JWTPayload) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key' })
      .sign(privateKey);
  };

  const auditEntries = async (): Promise<AuditEntryJson[]> => {
    const response = await server.request('/admin/audit?limit=1000');
    assert.equal(response.status, 200);
    return ((await response.json()) as { entries: AuditEntryJson[] }).entries;
  };

  before(async () => {
    dataDir = tempDataDir();
    const keys = await generateKeyPair('ES256', { extractable: true });
    privateKey = keys.privateKey;
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'test-key', alg: 'ES256' };
    const jwksFile = path.join(dataDir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
    const configFile = path.join(dataDir, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        addressBlockThreshold: 3,
        trustedProxies: ['127.0.0.1'],
        corsOrigins: [ALLOWED_ORIGIN],
        jwt: {
          issuer: ISSUER,
          audience: AUDIENCE,
          jwksFile,
          usernamePrefix: 'oidc:',
          roles: { claim: 'groups', map: { 'kg-admins': 'admin', 'kg-readers': 'reader' } },
        },
      }),
    );

    // Users and tokens made with the CLI while no server runs are audited by the CLI.
    server = await startServerProcess({ dataDir });
    await server.stop();
    const added = runCli(['user', 'add', 'reader1', '--roles', 'reader', '--data-dir', dataDir], {
      input: `${PASSWORD}\n`,
    });
    assert.equal(added.status, 0, added.stderr);
    const token = runCli(
      ['token', 'create', 'reader1', '--scopes', 'read,metrics', '--data-dir', dataDir],
      {},
    );
    assert.equal(token.status, 0, token.stderr);
    metricsToken = token.stdout.trim();
    server = await startServerProcess({ dataDir, args: ['--config', configFile] });
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  it('sends security headers everywhere', async () => {
    const responses = {
      health: await server.request('/health', { auth: null }),
      unauthenticated: await server.request('/sparql?query=ASK%7B%7D', { auth: null }),
      authenticated: await server.request('/sparql?query=ASK%7B%7D'),
      unknown: await server.request('/no/such/route'),
    };
    for (const [name, response] of Object.entries(responses)) {
      const headers = response.headers;
      assert.equal(headers.get('x-content-type-options'), 'nosniff', name);
      assert.equal(headers.get('referrer-policy'), 'no-referrer', name);
      assert.equal(headers.get('x-frame-options'), 'DENY', name);
      assert.match(headers.get('content-security-policy') ?? '', /default-src 'none'/, name);
      assert.equal(headers.get('cache-control'), 'no-store', name);
      assert.equal(headers.get('strict-transport-security'), null, `${name}: plain HTTP`);
    }
    assert.equal(responses.authenticated.status, 200);
  });

  it('answers CORS only for the allowed origin', async () => {
    const preflight = (origin: string) =>
      server.request('/sparql', {
        method: 'OPTIONS',
        auth: null,
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    assert.match(allowed.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    assert.match(allowed.headers.get('access-control-allow-methods') ?? '', /POST/);

    for (const origin of [
      'https://evil.example',
      `${ALLOWED_ORIGIN}.evil.example`,
      'http://app.example.org',
      'null',
    ]) {
      const denied = await preflight(origin);
      assert.equal(denied.status, 403, origin);
      assert.equal(denied.headers.get('access-control-allow-origin'), null, origin);
    }

    const simple = await server.request('/sparql?query=ASK%7B%7D', {
      headers: { origin: ALLOWED_ORIGIN },
    });
    assert.equal(simple.headers.get('access-control-allow-origin'), ALLOWED_ORIGIN);
    const foreign = await server.request('/sparql?query=ASK%7B%7D', {
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });

  it('blocks and unblocks a proxied client', async () => {
    const fromClient = (auth: string) =>
      server.request('/sparql?query=ASK%7B%7D', {
        auth,
        headers: { 'x-forwarded-for': PROXIED_CLIENT },
      });
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await fromClient(basic('reader1', `wrong-${MARKER}`));
      assert.equal(response.status, 401, `attempt ${attempt}`);
    }
    const blocked = await fromClient(ADMIN_AUTH);
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    // Rate limiting, so a client does not take its good credentials for wrong ones.
    assert.equal(((await blocked.json()) as { code: string }).code, 'RATE_LIMITED');

    // The proxy itself (no X-Forwarded-For) is another client and is not blocked.
    const list = await server.request('/admin/addresses');
    assert.equal(list.status, 200);
    const { blocked: addresses } = (await list.json()) as { blocked: Array<{ address: string }> };
    assert.deepEqual(
      addresses.map((entry) => entry.address),
      [PROXIED_CLIENT],
    );

    const metrics = await (await server.request('/metrics')).text();
    assert.match(metrics, /^seven_tick_blocked_addresses 1$/m);

    const unblock = await server.request(`/admin/addresses/${PROXIED_CLIENT}`, {
      method: 'DELETE',
    });
    assert.equal(unblock.status, 204);
    assert.equal((await fromClient(ADMIN_AUTH)).status, 200);
    const again = await server.request(`/admin/addresses/${PROXIED_CLIENT}`, { method: 'DELETE' });
    assert.equal(again.status, 404);

    const entries = await auditEntries();
    const failures = entries.filter((entry) => entry.type === 'login.failure');
    assert.ok(failures.length >= 3);
    assert.ok(failures.every((entry) => entry.address === PROXIED_CLIENT));
    const unblocked = entries.find((entry) => entry.type === 'admin.address.unblock');
    assert.equal(unblocked?.actor, 'admin');
    assert.equal(unblocked?.detail.unblocked, PROXIED_CLIENT);
  });

  it('guards /metrics', async () => {
    const admin = await server.request('/metrics');
    assert.equal(admin.status, 200);
    assert.match(admin.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await admin.text();
    assert.match(text, /^# TYPE seven_tick_http_requests_total counter$/m);
    assert.match(text, /^seven_tick_auth_failures_total\{method="basic",reason="invalid"\} \d+/m);
    assert.match(text, /^seven_tick_incident_level 0$/m);

    assert.equal((await server.request('/metrics', { auth: readerAuth })).status, 403);
    assert.equal((await server.request('/metrics', { auth: null })).status, 401);
    const scoped = await server.request('/metrics', { auth: `Bearer ${metricsToken}` });
    assert.equal(scoped.status, 200);
  });

  it('maps bearer JWTs to roles', async () => {
    const adminJwt = await signJwt({ sub: 'carol', groups: ['kg-admins'] });
    const readerJwt = await signJwt({ sub: 'dave', groups: ['kg-readers', 'unknown-group'] });
    const nobodyJwt = await signJwt({ sub: 'erin', groups: ['unknown-group'] });
    const expired = await signJwt({ sub: 'carol', groups: ['kg-admins'], exp: 1_000_000 });
    const wrongAudience = await signJwt({ sub: 'carol', groups: ['kg-admins'], aud: 'other' });

    const call = (route: string, token: string) =>
      server.request(route, {
        auth: `Bearer ${token}`,
        headers: { 'x-forwarded-for': FAILING_CLIENT },
      });
    assert.equal((await call('/admin/datasets', adminJwt)).status, 200);
    assert.equal((await call('/sparql?query=ASK%7B%7D', readerJwt)).status, 200);
    assert.equal((await call('/admin/datasets', readerJwt)).status, 403);
    assert.equal((await call('/sparql?query=ASK%7B%7D', nobodyJwt)).status, 403);
    assert.equal((await call('/sparql?query=ASK%7B%7D', expired)).status, 401);
    assert.equal((await call('/sparql?query=ASK%7B%7D', wrongAudience)).status, 401);
    // A JWT never reaches /metrics through a scope: only the admin role opens it.
    assert.equal((await call('/metrics', readerJwt)).status, 403);

    const entries = await auditEntries();
    const success = entries.find(
      (entry) => entry.type === 'login.success' && entry.actor === 'oidc:carol',
    );
    assert.equal(success?.detail.scheme, 'jwt');
    const failure = entries.find(
      (entry) => entry.type === 'login.failure' && entry.detail.jwtReason === 'expired',
    );
    assert.ok(failure, 'expired JWT audited');
  });

  it('audits writes and denials without secrets', async () => {
    const update = `INSERT DATA { <http://example.org/${MARKER}> <http://example.org/p> "${MARKER}" }`;
    const written = await server.request('/update', {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-update' },
      body: update,
    });
    assert.equal(written.status, 200);
    const put = await server.request(`/data?graph=${encodeURIComponent('http://example.org/g')}`, {
      method: 'PUT',
      headers: { 'content-type': 'text/turtle' },
      body: '<http://example.org/s> <http://example.org/p> 1, 2 .',
    });
    assert.equal(put.status, 201);
    const denied = await server.request('/update', {
      method: 'POST',
      auth: readerAuth,
      headers: { 'content-type': 'application/sparql-update' },
      body: update,
    });
    assert.equal(denied.status, 403);
    const login = await server.request('/auth/login', {
      method: 'POST',
      auth: null,
      headers: { 'content-type': 'application/json', 'x-forwarded-for': FAILING_CLIENT },
      body: JSON.stringify({ username: 'reader1', password: `bad-${MARKER}` }),
    });
    assert.equal(login.status, 401);

    const entries = await auditEntries();
    const writes = entries.filter((entry) => entry.type === 'write');
    const sparqlWrite = writes.find((entry) => entry.detail.graph === undefined);
    assert.equal(sparqlWrite?.actor, 'admin');
    assert.equal(sparqlWrite?.address, '127.0.0.1');
    assert.deepEqual(sparqlWrite?.detail.operations, ['insertData']);
    assert.equal(sparqlWrite?.detail.inserted, 1);
    assert.equal(sparqlWrite?.detail.dataset, 'default');
    const graphWrite = writes.find((entry) => entry.detail.graph === 'http://example.org/g');
    assert.deepEqual(graphWrite?.detail.operations, ['put']);
    assert.equal(graphWrite?.detail.inserted, 2);

    const loginFailure = entries.find(
      (entry) => entry.type === 'login.failure' && entry.detail.scheme === 'none',
    );
    assert.equal(loginFailure?.address, FAILING_CLIENT);
    assert.equal(loginFailure?.actor, 'reader1');

    const denial = entries.find(
      (entry) =>
        entry.type === 'access.denied' &&
        entry.actor === 'reader1' &&
        entry.detail.route === '/update',
    );
    assert.deepEqual(denial?.detail.permissions, ['write']);
    assert.deepEqual(denial?.detail.resource, { dataset: 'default' });
    const metricsDenial = entries.find(
      (entry) => entry.type === 'access.denied' && entry.detail.route === '/metrics',
    );
    assert.equal(metricsDenial?.actor, 'reader1');

    const cliEntries = entries.filter((entry) => entry.actor?.startsWith('cli'));
    assert.deepEqual(
      cliEntries.map((entry) => entry.type),
      ['admin.user.add', 'admin.token.create'],
    );
    assert.ok(!JSON.stringify(entries).includes(MARKER), 'no password or update text');
    assert.ok(!JSON.stringify(entries).includes(metricsToken), 'no token secret');
  });

  it('keeps a verifiable chain', async () => {
    await server.stop();
    const verified = runCli(['audit', 'verify', '--data-dir', dataDir]);
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /Audit log intact: \d+ entries/);
  });
});
