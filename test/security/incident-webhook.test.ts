/** Checks IncidentWebhook makes against the outbound policy before any request. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.js';
import { IncidentWebhook, webhookOrigin } from '../../src/security/incident-webhook.js';
import { OutboundPolicy } from '../../src/security/outbound.js';

const URL_WITH_TOKEN = 'https://hooks.example.org/incident?token=s3cret';

const create = (url: string, outbound: OutboundPolicy) =>
  new IncidentWebhook({ url, outbound, server: 'test', timeoutMs: 1000 });

describe('IncidentWebhook', () => {
  it('needs outbound requests enabled', () => {
    assert.throws(
      () => create(URL_WITH_TOKEN, new OutboundPolicy({})),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /incident\.webhookUrl \(https:\/\/hooks\.example\.org\)/);
        assert.match(error.message, /outbound requests are disabled/);
        assert.doesNotMatch(error.message, /s3cret/);
        return true;
      },
    );
  });

  it('needs the host allow-listed', () => {
    const outbound = new OutboundPolicy({ enabled: true, allowHosts: ['other.example.org'] });
    assert.throws(() => create(URL_WITH_TOKEN, outbound), /not in outbound\.allowHosts/);
  });

  it('rejects private addresses', () => {
    const outbound = new OutboundPolicy({ enabled: true, allowHosts: ['10.0.0.5'] });
    assert.throws(() => create('http://10.0.0.5/hook', outbound), ConfigError);
  });

  it('accepts an allow-listed host', () => {
    const outbound = new OutboundPolicy({ enabled: true, allowHosts: ['hooks.example.org'] });
    assert.equal(create(URL_WITH_TOKEN, outbound).origin, 'https://hooks.example.org');
  });

  it('logs only the origin', () => {
    assert.equal(webhookOrigin(URL_WITH_TOKEN), 'https://hooks.example.org');
    assert.equal(webhookOrigin('not a url ?token=s3cret'), '(invalid URL)');
  });
});
