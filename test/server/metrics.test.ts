import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { register as globalRegistry } from 'prom-client';
import { ServerMetrics } from '../../src/server/metrics.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? ([-+]?[0-9.eE+-]+|[-+]?[Ii][Nn][Ff]|[Nn][Aa][Nn])$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g;

/**
 * Parses the Prometheus text format strictly: every line is blank, HELP, TYPE or a sample.
 * NaN and Inf are matched without regard to case, as Prometheus's Go float parser does.
 */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  const lines = text.split('\n');
  assert.equal(lines.at(-1), '', 'output ends with a newline');
  for (const line of lines.slice(0, -1)) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const match = SAMPLE_LINE.exec(line);
    assert.ok(match, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(LABEL)) labels[label[1]!] = label[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.find(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  assert.ok(found, `no sample ${name} ${JSON.stringify(labels)}`);
  return found.value;
}

async function scrape(metrics: ServerMetrics): Promise<Sample[]> {
  return parseExposition(await metrics.metrics());
}

describe('ServerMetrics', () => {
  it('renders parseable text', async () => {
    const metrics = new ServerMetrics();
    const samples = await scrape(metrics);
    assert.ok(samples.some((sample) => sample.name === 'seven_tick_process_cpu_seconds_total'));
    assert.equal(valueOf(samples, 'seven_tick_incident_level'), 0);
    assert.match(metrics.contentType, /^text\/plain/);
  });

  it('counts authentications', async () => {
    const metrics = new ServerMetrics({ processMetrics: false });
    metrics.recordAuthEvent({ outcome: 'success', scheme: 'basic', clientAddress: '192.0.2.1' });
    metrics.recordAuthEvent({ outcome: 'success', scheme: 'basic', clientAddress: '192.0.2.1' });
    metrics.recordAuthEvent({
      outcome: 'failure',
      scheme: 'bearer',
      clientAddress: '192.0.2.1',
      reason: 'invalid',
      addressBlocked: true,
    });
    metrics.recordAuthentication('jwt', 'failure', 'expired');
    metrics.recordLockout();
    const samples = await scrape(metrics);
    assert.equal(valueOf(samples, 'seven_tick_auth_successes_total', { method: 'basic' }), 2);
    assert.equal(
      valueOf(samples, 'seven_tick_auth_failures_total', { method: 'bearer', reason: 'invalid' }),
      1,
    );
    assert.equal(
      valueOf(samples, 'seven_tick_auth_failures_total', { method: 'jwt', reason: 'expired' }),
      1,
    );
    assert.equal(valueOf(samples, 'seven_tick_address_blocks_total'), 1);
    assert.equal(valueOf(samples, 'seven_tick_account_lockouts_total'), 1);
  });

  it('bounds label values', async () => {
    const metrics = new ServerMetrics({ processMetrics: false });
    metrics.recordAccessDenied('write');
    metrics.recordAccessDenied('drop-everything');
    metrics.recordAuditEntry('admin.user-add');
    metrics.recordAuditEntry('whatever.evil');
    metrics.recordRateLimited('/x'.repeat(200));
    metrics.recordQueryLimit('rows');
    metrics.recordQueryLimit('unknown');
    const samples = await scrape(metrics);
    assert.equal(valueOf(samples, 'seven_tick_access_denied_total', { action: 'write' }), 1);
    assert.equal(valueOf(samples, 'seven_tick_access_denied_total', { action: 'other' }), 1);
    assert.equal(valueOf(samples, 'seven_tick_audit_entries_total', { family: 'admin' }), 1);
    assert.equal(valueOf(samples, 'seven_tick_audit_entries_total', { family: 'other' }), 1);
    assert.equal(valueOf(samples, 'seven_tick_rate_limited_total', { route: 'other' }), 1);
    assert.equal(valueOf(samples, 'seven_tick_query_limits_total', { limit: 'rows' }), 1);
    assert.equal(valueOf(samples, 'seven_tick_query_limits_total', { limit: 'other' }), 1);
  });

  it('tracks requests and latency', async () => {
    const metrics = new ServerMetrics({ processMetrics: false });
    metrics.observeRequest('get', '/datasets/:name/sparql', 200, 0.02);
    metrics.observeRequest('GET', '/datasets/:name/sparql', 200, 3);
    metrics.observeRequest('BREW', undefined, 404, 0.001);
    const samples = await scrape(metrics);
    const labels = { method: 'GET', route: '/datasets/:name/sparql', status: '200' };
    assert.equal(valueOf(samples, 'seven_tick_http_requests_total', labels), 2);
    assert.equal(valueOf(samples, 'seven_tick_http_request_duration_seconds_count', labels), 2);
    assert.equal(
      valueOf(samples, 'seven_tick_http_request_duration_seconds_bucket', {
        ...labels,
        le: '0.025',
      }),
      1,
    );
    assert.equal(
      valueOf(samples, 'seven_tick_http_request_duration_seconds_bucket', {
        ...labels,
        le: '+Inf',
      }),
      2,
    );
    assert.equal(
      valueOf(samples, 'seven_tick_http_requests_total', {
        method: 'other',
        route: 'unmatched',
        status: '404',
      }),
      1,
    );
  });

  it('reports gauges', async () => {
    let blocked = 3;
    const metrics = new ServerMetrics({
      processMetrics: false,
      blockedAddressCount: () => blocked,
    });
    metrics.setIncidentLevel('high');
    metrics.recordQueryTimeout();
    metrics.recordOutbound('blocked');
    let samples = await scrape(metrics);
    assert.equal(valueOf(samples, 'seven_tick_blocked_addresses'), 3);
    assert.equal(valueOf(samples, 'seven_tick_incident_level'), 3);
    assert.equal(valueOf(samples, 'seven_tick_query_timeouts_total'), 1);
    assert.equal(valueOf(samples, 'seven_tick_outbound_requests_total', { outcome: 'blocked' }), 1);
    blocked = 0;
    metrics.setIncidentLevel('none');
    samples = await scrape(metrics);
    assert.equal(valueOf(samples, 'seven_tick_blocked_addresses'), 0);
    assert.equal(valueOf(samples, 'seven_tick_incident_level'), 0);
  });

  it('keeps registries apart', async () => {
    const first = new ServerMetrics({ processMetrics: false });
    const second = new ServerMetrics({ processMetrics: false });
    first.recordLockout();
    assert.equal(valueOf(await scrape(first), 'seven_tick_account_lockouts_total'), 1);
    assert.equal(valueOf(await scrape(second), 'seven_tick_account_lockouts_total'), 0);
    assert.equal(globalRegistry.getSingleMetric('seven_tick_account_lockouts_total'), undefined);
  });
});
