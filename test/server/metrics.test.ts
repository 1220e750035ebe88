import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { register as globalRegistry } from 'prom-client';
import { resolveConfig } from '../../src/config.js';
import { ensureAdmin } from '../../src/security/bootstrap.js';
import { buildServer, type ServerContext } from '../../src/server/app.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import { openSecurityServices } from '../../src/server/security-services.js';
import { DEFAULT_DATASET, Engine } from '../../src/storage/engine.js';
import {
  ADMIN_AUTH,
  ADMIN_PASSWORD,
  basic,
  removeDir,
  tempDataDir,
} from '../helpers/server-process.js';

/** Metric names operators and alerts rely on; each must be exposed from the start. */
const REQUIRED_NAMES = [
  'seven_tick_security_requests_total',
  'seven_tick_security_violations_total',
  'seven_tick_auth_failures_total',
  'seven_tick_authz_failures_total',
  'seven_tick_input_validation_failures_total',
  'seven_tick_failed_requests_total',
  'seven_tick_http_request_duration_seconds',
  'seven_tick_blocked_addresses',
  'seven_tick_locked_accounts',
  'seven_tick_incident_level',
  'seven_tick_incident_webhook_failures_total',
];

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

/** Returns the sum of every sample of `name` whose labels include `labels` (0 when none). */
function sumOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}

/** Returns the metric names declared by `# TYPE` lines, labelled or not. */
function declaredNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/^# TYPE (\S+) \S+$/gm)) names.add(match[1]!);
  return names;
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

  it('declares the required names', async () => {
    const names = declaredNames(await new ServerMetrics({ processMetrics: false }).metrics());
    for (const name of REQUIRED_NAMES) assert.ok(names.has(name), `${name} is exposed`);
  });

  it('counts violations and outcomes', async () => {
    let locked = 2;
    const metrics = new ServerMetrics({ processMetrics: false, lockedAccountCount: () => locked });
    metrics.recordViolation('authentication');
    metrics.recordViolation('validation');
    metrics.recordViolation('bogus' as 'validation');
    metrics.recordSecurityOutcome('forbidden');
    metrics.recordInputValidationFailure('SPARQL_SYNTAX');
    metrics.recordInputValidationFailure('made-up');
    metrics.recordIncidentChange('automatic', 'medium');
    metrics.recordWebhookFailure();
    metrics.observeRequest('GET', '/sparql', 503, 0.1);
    metrics.observeRequest('GET', '/sparql', 200, 0.1);

    let samples = await scrape(metrics);
    const violations = 'seven_tick_security_violations_total';
    assert.equal(valueOf(samples, violations, { kind: 'authentication' }), 1);
    assert.equal(valueOf(samples, violations, { kind: 'validation' }), 1);
    assert.equal(valueOf(samples, violations, { kind: 'other' }), 1);
    assert.equal(
      valueOf(samples, 'seven_tick_security_requests_total', { outcome: 'forbidden' }),
      1,
    );
    const validation = 'seven_tick_input_validation_failures_total';
    assert.equal(valueOf(samples, validation, { reason: 'SPARQL_SYNTAX' }), 1);
    assert.equal(valueOf(samples, validation, { reason: 'other' }), 1);
    assert.equal(
      valueOf(samples, 'seven_tick_incident_changes_total', {
        source: 'automatic',
        level: 'medium',
      }),
      1,
    );
    assert.equal(valueOf(samples, 'seven_tick_incident_level'), 2);
    assert.equal(valueOf(samples, 'seven_tick_incident_webhook_failures_total'), 1);
    assert.equal(valueOf(samples, 'seven_tick_failed_requests_total', { status: '503' }), 1);
    assert.equal(sumOf(samples, 'seven_tick_failed_requests_total'), 1, '200 is no failure');
    assert.equal(valueOf(samples, 'seven_tick_locked_accounts'), 2);

    locked = 0;
    samples = await scrape(metrics);
    assert.equal(valueOf(samples, 'seven_tick_locked_accounts'), 0);
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

const READER_PASSWORD = 'Quiet-Harbor-Lantern-2931';

describe('metrics of a running server', () => {
  let dataDir: string;
  let engine: Engine;
  let context: ServerContext;
  let url: string;
  let close: () => Promise<void>;
  let receiver: Server;

  before(async () => {
    // The webhook receiver fails every delivery, which the webhook failure counter shows.
    receiver = createServer((_request, response) => response.writeHead(500).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    dataDir = tempDataDir();
    const config = resolveConfig(
      {
        dataDir,
        addressBlockThreshold: 20,
        outbound: { enabled: true, allowHosts: ['127.0.0.1'] },
        incident: { webhookUrl: `http://127.0.0.1:${port}/hook`, webhookTimeoutMs: 2000 },
      },
      {},
    );
    const logger = pino({ level: 'silent' });
    engine = await Engine.openAsync(dataDir);
    engine.createDataset(DEFAULT_DATASET);
    const security = await openSecurityServices(engine.db, {
      config,
      logger,
      outboundTestOptions: { allowLoopbackForTests: true },
    });
    await ensureAdmin(security.users, { password: ADMIN_PASSWORD });
    await security.users.add('reader', READER_PASSWORD, ['reader']);
    context = { engine, config, security, state: { ready: true, activeQueries: new Set() } };
    const app = await buildServer(context, { loggerInstance: logger });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    close = async () => {
      await app.close();
      await security.audit.close();
      engine.close();
    };
  });

  after(async () => {
    await close?.();
    await new Promise((resolve) => receiver.close(resolve));
    removeDir(dataDir);
  });

  const request = (pathname: string, init: RequestInit & { auth?: string } = {}) => {
    const { auth, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set('authorization', auth ?? ADMIN_AUTH);
    return fetch(url + pathname, { ...rest, headers });
  };
  /** Reads the metrics from the server's own registry, as GET /metrics renders them. */
  const samples = async () => scrape(context.security.metrics);
  /** Runs `action` and returns how much the sum of `name` (with `labels`) grew. */
  const growth = async (
    name: string,
    labels: Record<string, string>,
    action: () => Promise<void>,
  ): Promise<number> => {
    const before = sumOf(await samples(), name, labels);
    await action();
    return sumOf(await samples(), name, labels) - before;
  };
  const login = (password: string) =>
    request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'reader', password }),
    });

  it('serves every required name', async () => {
    const response = await request('/metrics');
    assert.equal(response.status, 200);
    const names = declaredNames(await response.text());
    for (const name of REQUIRED_NAMES) assert.ok(names.has(name), `${name} is exposed`);
  });

  it('counts a failed login', async () => {
    const failures = await growth('seven_tick_auth_failures_total', {}, async () => {
      assert.equal((await login('not-the-password')).status, 401);
    });
    assert.equal(failures, 1);
    const violations = await growth(
      'seven_tick_security_violations_total',
      { kind: 'authentication' },
      async () => {
        assert.equal((await login('not-the-password')).status, 401);
      },
    );
    assert.equal(violations, 1);
    const outcome = await growth(
      'seven_tick_security_requests_total',
      { outcome: 'unauthenticated' },
      async () => {
        assert.equal((await login('not-the-password')).status, 401);
      },
    );
    assert.equal(outcome, 1);
  });

  it('counts a 403', async () => {
    const reader = basic('reader', READER_PASSWORD);
    const forbidden = () =>
      request('/update', {
        method: 'POST',
        headers: { 'content-type': 'application/sparql-update' },
        body: 'INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }',
        auth: reader,
      });
    const authz = await growth('seven_tick_authz_failures_total', { action: 'write' }, async () => {
      assert.equal((await forbidden()).status, 403);
    });
    assert.equal(authz, 1);
    const violations = await growth(
      'seven_tick_security_violations_total',
      { kind: 'authorization' },
      async () => {
        assert.equal((await forbidden()).status, 403);
      },
    );
    assert.equal(violations, 1);
    const failed = await growth('seven_tick_failed_requests_total', { status: '403' }, async () => {
      assert.equal((await forbidden()).status, 403);
    });
    assert.equal(failed, 1);
  });

  it('counts a 400', async () => {
    const syntax = () => request('/sparql?query=SELEKT');
    const validation = await growth(
      'seven_tick_input_validation_failures_total',
      { reason: 'SPARQL_SYNTAX' },
      async () => {
        assert.equal((await syntax()).status, 400);
      },
    );
    assert.equal(validation, 1);
    const schema = await growth(
      'seven_tick_input_validation_failures_total',
      { reason: 'schema' },
      async () => {
        const response = await request('/admin/incident', {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ level: 'severe' }),
        });
        assert.equal(response.status, 400);
      },
    );
    assert.equal(schema, 1);
    const violations = await growth(
      'seven_tick_security_violations_total',
      { kind: 'validation' },
      async () => {
        assert.equal((await syntax()).status, 400);
      },
    );
    assert.equal(violations, 1);
    const invalid = await growth(
      'seven_tick_security_requests_total',
      { outcome: 'invalid' },
      async () => {
        assert.equal((await syntax()).status, 400);
      },
    );
    assert.equal(invalid, 1);
  });

  it('times requests', async () => {
    const labels = { route: '/sparql', status: '200' };
    const timed = await growth(
      'seven_tick_http_request_duration_seconds_count',
      labels,
      async () => {
        assert.equal((await request('/sparql?query=ASK%7B%7D')).status, 200);
      },
    );
    assert.equal(timed, 1);
    const allowed = await growth(
      'seven_tick_security_requests_total',
      { outcome: 'allowed' },
      async () => {
        assert.equal((await request('/sparql?query=ASK%7B%7D')).status, 200);
      },
    );
    assert.equal(allowed, 1);
  });

  it('tracks incident level and webhook failures', async () => {
    const setLevel = (level: string) =>
      request('/admin/incident', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ level }),
      });
    const failures = await growth('seven_tick_incident_webhook_failures_total', {}, async () => {
      const response = await setLevel('low');
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { webhook: string }).webhook, 'failed');
    });
    assert.equal(failures, 1);
    assert.equal(valueOf(await samples(), 'seven_tick_incident_level'), 1);
    assert.equal((await setLevel('none')).status, 200);
    assert.equal(valueOf(await samples(), 'seven_tick_incident_level'), 0);
  });

  it('reports locked accounts', async () => {
    assert.equal(valueOf(await samples(), 'seven_tick_locked_accounts'), 0);
    // Five failed logins lock the account; three were counted above, so at most five more.
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await login('not-the-password');
      if (response.status === 429 || (await response.text()).includes('locked')) break;
    }
    assert.equal(valueOf(await samples(), 'seven_tick_locked_accounts'), 1);
  });

  it('reports blocked addresses', async () => {
    assert.equal(valueOf(await samples(), 'seven_tick_blocked_addresses'), 0);
    // addressBlockThreshold is 20; the failures so far count too. Bounded at 40 attempts.
    let status = 0;
    for (let attempt = 0; attempt < 40 && status !== 429; attempt++) {
      status = (await request('/sparql?query=ASK%7B%7D', { auth: basic('nobody', 'guess') }))
        .status;
    }
    assert.equal(status, 429);
    assert.equal(valueOf(await samples(), 'seven_tick_blocked_addresses'), 1);
  });
});
