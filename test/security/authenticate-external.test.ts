/** The Authenticator's bearer JWT and TLS client certificate branches. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWTPayload } from 'jose';
import { AddressMonitor } from '../../src/security/address-monitor.js';
import {
  AuthenticationFailedError,
  Authenticator,
  type AuthEvent,
} from '../../src/security/authenticate.js';
import { JwtVerifier } from '../../src/security/jwt.js';
import { Permission } from '../../src/security/permissions.js';
import { TokenStore } from '../../src/security/tokens.js';
import { UserStore } from '../../src/security/users.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import { openTestDatabase, type TestDatabase } from './helpers.js';

const ISSUER = 'https://idp.example.org';
const AUDIENCE = 'seven-tick';
const ADDRESS = '192.0.2.10';
const PASSWORD = 'correct horse battery staple';

describe('Authenticator external credentials', () => {
  let handle: TestDatabase;
  let privateKey: CryptoKey;
  let events: AuthEvent[];
  let addresses: AddressMonitor;
  let authenticator: Authenticator;
  let apiToken: string;

  const sign = (claims: JWTPayload) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'carol',
      iat: now,
      exp: now + 60,
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(privateKey);
  };
  const bearer = (token: string) =>
    authenticator.authenticate({ authorization: `Bearer ${token}`, clientAddress: ADDRESS });

  before(async () => {
    handle = openTestDatabase();
    const keys = await generateKeyPair('ES256', { extractable: true });
    privateKey = keys.privateKey;
    const jwksFile = path.join(path.dirname(handle.file), 'jwks.json');
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256' };
    writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
    const users = new UserStore(handle.db);
    const tokens = new TokenStore(handle.db);
    await users.add('alice', PASSWORD, ['writer']);
    await users.add('bob', PASSWORD, ['reader']);
    apiToken = tokens.create({
      username: 'alice',
      kind: 'api',
      scopes: ['read'],
      expiresAt: null,
    }).token;
    events = [];
    addresses = new AddressMonitor({ blockThreshold: 3 });
    authenticator = new Authenticator({
      users,
      tokens,
      addresses,
      jwt: new JwtVerifier({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwksFile,
        roles: { claim: 'groups', map: { editors: 'editor' } },
      }),
      onEvent: (event) => events.push(event),
    });
  });

  after(() => handle.close());

  it('maps a JWT to an oidc principal', async () => {
    const principal = await bearer(await sign({ groups: ['editors', 'other'] }));
    assert.equal(principal.username, 'carol');
    assert.equal(principal.via, 'oidc');
    assert.deepEqual(principal.roles, ['editor']);
    assert.ok((principal.permissions & Permission.Write) !== 0);
    assert.equal(principal.permissions & Permission.Admin, 0);
    assert.equal(principal.scopes, undefined);
    const event = events.at(-1)!;
    assert.equal(event.outcome, 'success');
    assert.equal(event.scheme, 'jwt');
  });

  it('still accepts API tokens', async () => {
    const principal = await bearer(apiToken);
    assert.equal(principal.via, 'api-token');
    assert.equal(principal.username, 'alice');
  });

  it('rejects a bad JWT and counts it', async () => {
    const before = addresses.status(ADDRESS).score;
    const error = await bearer(await sign({ aud: 'someone-else' })).catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationFailedError, String(error));
    assert.equal(error.event.scheme, 'jwt');
    assert.equal(error.event.jwtReason, 'audience');
    assert.ok(addresses.status(ADDRESS).score > before, 'failure counts against the address');
  });

  it('maps a certificate CN to a user', () => {
    const principal = authenticator.authenticateCertificate('alice', ADDRESS);
    assert.equal(principal.via, 'client-certificate');
    assert.deepEqual(principal.roles, ['writer']);
    assert.ok((principal.permissions & Permission.Write) !== 0);
  });

  it('rejects unknown CNs until blocked', () => {
    const other = '192.0.2.99';
    for (let attempt = 0; attempt < 3; attempt++) {
      assert.throws(
        () => authenticator.authenticateCertificate('mallory', other),
        (error: AuthenticationFailedError) => error.event.reason === 'invalid',
      );
    }
    // The address is blocked now, so even a known CN is rejected.
    assert.throws(
      () => authenticator.authenticateCertificate('alice', other),
      (error: AuthenticationFailedError) => error.event.reason === 'address-blocked',
    );
  });

  it('marks the failure that locks', async () => {
    const metrics = new ServerMetrics({ processMetrics: false });
    const wrong = `Basic ${Buffer.from('bob:not-the-password').toString('base64')}`;
    const failures: AuthEvent[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const error = await authenticator
        // A new address each time, so the address block (threshold 3) stays out of the way.
        .authenticate({ authorization: wrong, clientAddress: `192.0.2.${60 + attempt}` })
        .catch((e: unknown) => e);
      assert.ok(error instanceof AuthenticationFailedError, String(error));
      failures.push(error.event);
      metrics.recordAuthEvent(error.event);
    }
    assert.deepEqual(
      failures.map((event) => event.accountLocked === true),
      [false, false, false, false, true, false],
    );
    assert.equal(failures[5]!.reason, 'locked');
    assert.match(await metrics.metrics(), /^seven_tick_account_lockouts_total 1$/m);
  });
});
