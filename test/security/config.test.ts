/** The security settings of the config file: nested objects are checked strictly. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_CONFIG, resolveConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

describe('security config', () => {
  let dir: string;
  const write = (settings: unknown): string => {
    const file = path.join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(settings));
    return file;
  };

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-config-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has rate limit defaults', () => {
    const config = resolveConfig({}, {});
    assert.equal(config.addressRateLimitPerSecond, DEFAULT_CONFIG.addressRateLimitPerSecond);
    assert.ok(config.addressRateLimitBurst >= config.addressRateLimitPerSecond);
    assert.equal(config.outbound, undefined);
    assert.equal(config.jwt, undefined);
    assert.equal(config.corsOrigins, undefined);
  });

  it('reads outbound, jwt, lists', () => {
    const file = write({
      outbound: { enabled: true, allowHosts: ['*.example.org'], maxRedirects: 2 },
      jwt: {
        issuer: 'https://idp.example.org',
        audience: ['seven-tick'],
        jwksFile: '/etc/seven-tick/jwks.json',
        roles: { claim: 'groups', map: { 'kg-admins': 'admin' } },
      },
      corsOrigins: ['https://app.example.org'],
      trustedProxies: ['10.0.0.0/8', '127.0.0.1'],
      principalRateLimitBurst: 50,
    });
    const config = resolveConfig({ config: file }, {});
    assert.deepEqual(config.outbound?.allowHosts, ['*.example.org']);
    assert.equal(config.jwt?.issuer, 'https://idp.example.org');
    assert.deepEqual(config.trustedProxies, ['10.0.0.0/8', '127.0.0.1']);
    assert.equal(config.principalRateLimitBurst, 50);
  });

  it('rejects unknown nested keys', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ outbound: { enable: true } }, /Unknown setting outbound\.enable/],
      [{ outbound: { enabled: 'yes' } }, /outbound\.enabled .* must be true or false/],
      [{ outbound: { maxBytes: -1 } }, /outbound\.maxBytes .* non-negative integer/],
      [{ outbound: ['x'] }, /outbound .* must be a JSON object/],
      [{ jwt: { issuer: 'x', audience: 'y', jwks: 'z' } }, /Unknown setting jwt\.jwks/],
      [{ jwt: { audience: 'y' } }, /jwt\.issuer .* is required/],
      [
        { jwt: { issuer: 'x', audience: 'y', roles: { claim: 'g', map: {}, extra: 1 } } },
        /Unknown setting jwt\.roles\.extra/,
      ],
      [
        { jwt: { issuer: 'x', audience: 'y', roles: { claim: 'g', map: { a: 7 } } } },
        /jwt\.roles\.map\["a"\] .* must be a role name/,
      ],
      [{ corsOrigins: 'https://a.example' }, /corsOrigins .* list of non-empty strings/],
      [{ trustedProxies: [''] }, /trustedProxies .* list of non-empty strings/],
      [{ addressRateLimitBurst: 0 }, /addressRateLimitBurst .* positive integer/],
    ];
    for (const [settings, message] of cases) {
      const label = JSON.stringify(settings);
      assert.throws(() => resolveConfig({ config: write(settings) }, {}), message, label);
      assert.throws(() => resolveConfig({ config: write(settings) }, {}), ConfigError, label);
    }
  });

  it('reads lists from the environment', () => {
    const config = resolveConfig(
      {},
      {
        SEVEN_TICK_TRUSTED_PROXIES: '10.0.0.1, 10.1.0.0/16',
        SEVEN_TICK_ADDRESS_RATE_LIMIT_BURST: '40',
      },
    );
    assert.deepEqual(config.trustedProxies, ['10.0.0.1', '10.1.0.0/16']);
    assert.equal(config.addressRateLimitBurst, 40);
    assert.throws(
      () => resolveConfig({}, { SEVEN_TICK_CORS_ORIGINS: 'https://a.example,,' }),
      /corsOrigins in SEVEN_TICK_CORS_ORIGINS must be a list of non-empty strings/,
    );
  });

  it('requires TLS for a client CA', () => {
    assert.throws(
      () => resolveConfig({ tlsClientCa: '/etc/ca.pem' }, {}),
      /tlsClientCa needs --tls-cert and --tls-key/,
    );
  });
});
