import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  SignJWT,
  UnsecuredJWT,
  base64url,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import { ConfigError } from '../../src/errors.js';
import {
  JwtKeysError,
  JwtVerificationError,
  JwtVerifier,
  looksLikeJwt,
  type JwtConfig,
} from '../../src/security/jwt.js';
import { OutboundPolicy } from '../../src/security/outbound.js';

const ISSUER = 'https://idp.example.org/realms/kg';
const AUDIENCE = 'seven-tick';
const NOW = new Date('2026-05-01T10:00:00Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

interface SigningKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function makeKey(kid: string, alg: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicJwk };
}

function sign(key: SigningKey, claims: JWTPayload = {}, header: Record<string, unknown> = {}) {
  return new SignJWT({
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'alice',
    iat: NOW_SECONDS - 60,
    exp: NOW_SECONDS + 300,
    ...claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

async function expectReason(verifier: JwtVerifier, token: string, reason: string): Promise<void> {
  const error = await rejection(verifier.verify(token));
  assert.ok(error instanceof JwtVerificationError, String(error));
  assert.equal(error.reason, reason);
  assert.equal(error.code, 'AUTHENTICATION_REQUIRED');
}

describe('JwtVerifier with a JWKS file', () => {
  let dir: string;
  let rsa: SigningKey;
  let ec: SigningKey;
  let stranger: SigningKey;
  let verifier: JwtVerifier;
  let config: JwtConfig;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seven-tick-jwt-'));
    rsa = await makeKey('rsa-1', 'RS256');
    ec = await makeKey('ec-1', 'ES256');
    stranger = await makeKey('rsa-1', 'RS256');
    const jwksFile = path.join(dir, 'jwks.json');
    fs.writeFileSync(
      jwksFile,
      JSON.stringify({
        keys: [rsa.publicJwk, ec.publicJwk, { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' }],
      }),
    );
    config = {
      issuer: ISSUER,
      audience: [AUDIENCE, 'other-api'],
      jwksFile,
      algorithms: ['RS256', 'ES256'],
      roles: { claim: 'groups', map: { 'kg-admins': 'admin', 'kg-readers': 'reader' } },
    };
    verifier = new JwtVerifier(config, { now: () => NOW });
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a valid token and maps roles', async () => {
    const token = await sign(rsa, { groups: ['kg-readers', 'unrelated'], jti: 'abc' });
    assert.equal(looksLikeJwt(token), true);
    const identity = await verifier.verify(token);
    assert.equal(identity.username, 'alice');
    assert.deepEqual(identity.roles, ['reader']);
    assert.equal(identity.issuer, ISSUER);
    assert.equal(identity.tokenId, 'abc');
    assert.deepEqual(identity.expiresAt, new Date((NOW_SECONDS + 300) * 1000));
  });

  it('accepts an EC-signed token', async () => {
    const identity = await verifier.verify(await sign(ec, { groups: ['kg-admins'] }));
    assert.deepEqual(identity.roles, ['admin']);
  });

  it('reads nested and space-separated claims', async () => {
    const nested = new JwtVerifier(
      {
        ...config,
        usernameClaim: 'preferred_username',
        usernamePrefix: 'oidc:',
        roles: { claim: 'realm_access.roles', map: { editors: 'editor' } },
      },
      { now: () => NOW },
    );
    const token = await sign(rsa, {
      preferred_username: 'bob',
      realm_access: { roles: ['editors'] },
    });
    const identity = await nested.verify(token);
    assert.equal(identity.username, 'oidc:bob');
    assert.deepEqual(identity.roles, ['editor']);
    const scoped = new JwtVerifier(
      { ...config, roles: { claim: 'scope', map: { 'kg.read': 'reader', 'kg.write': 'writer' } } },
      { now: () => NOW },
    );
    const scopes = await scoped.verify(await sign(rsa, { scope: 'openid kg.read kg.write' }));
    assert.deepEqual(scopes.roles, ['reader', 'writer']);
  });

  it('rejects expired and future tokens', async () => {
    await expectReason(verifier, await sign(rsa, { exp: NOW_SECONDS - 31 }), 'expired');
    await expectReason(verifier, await sign(rsa, { nbf: NOW_SECONDS + 31 }), 'not-yet-valid');
    // Within the default 30-second tolerance both pass.
    await verifier.verify(await sign(rsa, { exp: NOW_SECONDS - 29 }));
    await verifier.verify(await sign(rsa, { nbf: NOW_SECONDS + 29 }));
  });

  it('rejects a token without exp', async () => {
    const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'alice' })
      .setProtectedHeader({ alg: 'RS256', kid: rsa.kid })
      .sign(rsa.privateKey);
    await expectReason(verifier, token, 'claims');
  });

  it('rejects the wrong issuer or audience', async () => {
    await expectReason(verifier, await sign(rsa, { iss: 'https://evil.example.net' }), 'issuer');
    await expectReason(verifier, await sign(rsa, { aud: 'someone-else' }), 'audience');
    await verifier.verify(await sign(rsa, { aud: ['x', 'other-api'] }));
  });

  it('rejects algorithms not allowed', async () => {
    const rsaOnly = new JwtVerifier({ ...config, algorithms: ['RS256'] }, { now: () => NOW });
    await expectReason(rsaOnly, await sign(ec), 'algorithm');
  });

  it('rejects alg none', async () => {
    const token = new UnsecuredJWT({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'alice',
      exp: NOW_SECONDS + 300,
    }).encode();
    await expectReason(verifier, token, 'algorithm');
  });

  it('rejects HS256 signed with the public key', async () => {
    // The classic confusion attack: the public key bytes used as an HMAC secret.
    const header = base64url.encode(JSON.stringify({ alg: 'HS256', kid: rsa.kid }));
    const payload = base64url.encode(
      JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'mallory', exp: NOW_SECONDS + 300 }),
    );
    const publicKey = await exportSPKI((await importJWK(rsa.publicJwk, 'RS256')) as CryptoKey);
    const signature = createHmac('sha256', publicKey)
      .update(`${header}.${payload}`)
      .digest('base64url');
    await expectReason(verifier, `${header}.${payload}.${signature}`, 'algorithm');
    // Even an HS256 token for the symmetric key in the file fails: oct keys are dropped.
    const hmacHeader = base64url.encode(JSON.stringify({ alg: 'HS256', kid: 'hmac' }));
    const hmacSignature = createHmac('sha256', 'secret')
      .update(`${hmacHeader}.${payload}`)
      .digest('base64url');
    await expectReason(verifier, `${hmacHeader}.${payload}.${hmacSignature}`, 'algorithm');
  });

  it('rejects a forged signature', async () => {
    await expectReason(verifier, await sign(stranger), 'signature');
    const token = await sign(rsa);
    const [header, , signature] = token.split('.');
    const payload = base64url.encode(
      JSON.stringify({ iss: ISSUER, aud: AUDIENCE, sub: 'root', exp: NOW_SECONDS + 300 }),
    );
    await expectReason(verifier, `${header}.${payload}.${signature}`, 'signature');
  });

  it('rejects an unknown key id', async () => {
    await expectReason(verifier, await sign({ ...stranger, kid: 'nope' }), 'unknown-key');
  });

  it('rejects malformed and oversized tokens', async () => {
    await expectReason(verifier, 'not-a-jwt', 'malformed');
    await expectReason(verifier, 'a.b.c', 'malformed');
    await expectReason(verifier, `${'a'.repeat(20_000)}.b.c`, 'too-long');
    assert.equal(looksLikeJwt('7t_abcdef'), false);
  });

  it('rejects a token without a username', async () => {
    await expectReason(verifier, await sign(rsa, { sub: undefined }), 'username');
    await expectReason(verifier, await sign(rsa, { sub: 'x'.repeat(300) }), 'username');
  });

  it('rejects invalid configuration', () => {
    const base = { issuer: ISSUER, audience: AUDIENCE, jwksFile: 'jwks.json' };
    const invalid: JwtConfig[] = [
      { ...base, algorithms: ['none'] },
      { ...base, algorithms: ['HS256'] },
      { ...base, algorithms: [] },
      { ...base, issuer: '' },
      { ...base, audience: [] },
      { ...base, jwksUrl: 'https://idp.example.org/jwks' },
      { issuer: ISSUER, audience: AUDIENCE },
      { ...base, clockToleranceSeconds: 3600 },
      { ...base, roles: { claim: 'groups', map: { x: 'superuser' } } },
    ];
    for (const bad of invalid) {
      assert.throws(() => new JwtVerifier(bad), ConfigError, JSON.stringify(bad));
    }
  });

  it('reports a missing JWKS file', async () => {
    const missing = new JwtVerifier(
      { ...config, jwksFile: path.join(dir, 'missing.json') },
      { now: () => NOW },
    );
    assert.ok((await rejection(missing.verify(await sign(rsa)))) instanceof JwtKeysError);
  });
});

describe('JwtVerifier with a JWKS URL', () => {
  let first: SigningKey;
  let second: SigningKey;
  let served: JWK[];
  let requests = 0;
  const server = http.createServer((_request, response) => {
    requests += 1;
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    response.end(JSON.stringify({ keys: served }));
  });
  let jwksUrl: string;
  let outbound: OutboundPolicy;

  before(async () => {
    first = await makeKey('k1', 'ES256');
    second = await makeKey('k2', 'ES256');
    served = [first.publicJwk];
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    outbound = new OutboundPolicy(
      { enabled: true, allowHosts: ['127.0.0.1'] },
      { allowLoopbackForTests: true },
    );
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('requires https outside tests', () => {
    assert.throws(
      () => new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl }, { outbound }),
      /must use https/,
    );
    const closed = new OutboundPolicy();
    assert.throws(
      () => new JwtVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl }, { outbound: closed }),
      /not allowed/,
    );
  });

  it('caches keys and refetches for a new kid', async () => {
    let now = NOW.getTime();
    const clock = () => new Date(now);
    const signAt = (key: SigningKey) =>
      sign(key, { iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 300 });
    const verifier = new JwtVerifier(
      {
        issuer: ISSUER,
        audience: AUDIENCE,
        jwksUrl,
        algorithms: ['ES256'],
        jwksCacheTtlSeconds: 600,
      },
      { outbound, now: clock, test: { allowHttpJwksForTests: true } },
    );
    requests = 0;
    await verifier.verify(await signAt(first));
    await verifier.verify(await signAt(first));
    assert.equal(requests, 1);

    // The issuer rotates to k2. Within a minute of the last fetch, an unknown kid fetches nothing.
    served = [first.publicJwk, second.publicJwk];
    now += 10_000;
    await expectReason(verifier, await signAt(second), 'unknown-key');
    assert.equal(requests, 1);

    now += 60_000;
    const identity = await verifier.verify(await signAt(second));
    assert.equal(identity.username, 'alice');
    assert.equal(requests, 2);

    // A burst of forged kids right after that fetch causes no further requests.
    for (let i = 0; i < 5; i++) {
      await expectReason(verifier, await signAt({ ...second, kid: `forged-${i}` }), 'unknown-key');
    }
    assert.equal(requests, 2);

    // After the cache TTL the set is fetched again.
    now += 600_000;
    await verifier.verify(await signAt(first));
    assert.equal(requests, 3);
  });
});
