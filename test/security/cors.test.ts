import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { CorsPolicy, normaliseOrigin } from '../../src/security/cors.js';

describe('CorsPolicy', () => {
  const policy = new CorsPolicy(['https://app.example.org', 'http://localhost:3000/']);

  it('allows listed origins exactly', () => {
    assert.equal(policy.enabled, true);
    assert.equal(policy.allows('https://app.example.org'), true);
    assert.equal(policy.allows('http://localhost:3000'), true);
  });

  it('rejects lookalike origins', () => {
    for (const origin of [
      'https://app.example.org.evil.test',
      'https://evil-app.example.org',
      'https://sub.app.example.org',
      'http://app.example.org',
      'https://app.example.org:8443',
      'https://APP.example.org',
      'https://app.example.org/',
      'null',
      '',
      undefined,
    ]) {
      assert.equal(policy.allows(origin), false, String(origin));
    }
  });

  it('is off without origins', () => {
    const off = new CorsPolicy([]);
    assert.equal(off.enabled, false);
    assert.equal(off.allows('https://app.example.org'), false);
  });

  it('rejects entries that are no origin', () => {
    for (const entry of ['*', 'app.example.org', 'https://app.example.org/path', 'ftp://x.test']) {
      assert.throws(() => new CorsPolicy([entry]), ConfigError, entry);
    }
    assert.equal(normaliseOrigin('https://user:pw@app.example.org'), null);
    assert.equal(normaliseOrigin('HTTPS://App.Example.org:443'), 'https://app.example.org');
  });
});
