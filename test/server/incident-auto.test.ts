/**
 * Automatic incident raising and the incident webhook on a real server built in-process and
 * listening on 127.0.0.1. The webhook receiver also listens on 127.0.0.1, which only the
 * test-only loopback option of the outbound policy lets the server reach.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { resolveConfig } from '../../src/config.js';
import { ensureAdmin } from '../../src/security/bootstrap.js';
import type { IncidentWebhookPayload } from '../../src/security/incident-webhook.js';
import type { OutboundTestOptions } from '../../src/security/outbound.js';
import { buildServer, type ServerContext } from '../../src/server/app.js';
import { AUDIT_DIR, openSecurityServices } from '../../src/server/security-services.js';
import { DEFAULT_DATASET, Engine } from '../../src/storage/engine.js';
import {
  ADMIN_AUTH,
  ADMIN_PASSWORD,
  basic,
  removeDir,
  tempDataDir,
} from '../helpers/server-process.js';

const READER_PASSWORD = 'Quiet-Harbor-Lantern-2931';
const INSERT = 'INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }';
const LOOPBACK: OutboundTestOptions = { allowLoopbackForTests: true };

interface App {
  url: string;
  context: ServerContext;
  /** Every line the server logged, as JSON text. */
  logs: string[];
  request(pathname: string, init?: RequestInit & { auth?: string }): Promise<Response>;
  close(): Promise<void>;
}

/** Builds the server in-process over `dataDir` with the given config flags. */
async function startApp(dataDir: string, flags: Record<string, unknown>): Promise<App> {
  const config = resolveConfig({ dataDir, ...flags }, {});
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(line) });
  const engine = await Engine.openAsync(dataDir);
  engine.createDataset(DEFAULT_DATASET);
  const security = await openSecurityServices(engine.db, {
    config,
    logger,
    outboundTestOptions: LOOPBACK,
  }).catch((error: unknown) => {
    engine.close();
    throw error;
  });
  await ensureAdmin(security.users, { password: ADMIN_PASSWORD });
  const context: ServerContext = {
    engine,
    config,
    security,
    state: { ready: true, activeQueries: new Set() },
  };
  const app = await buildServer(context, { loggerInstance: logger });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    context,
    logs,
    request(pathname, init = {}) {
      const { auth, ...rest } = init;
      const headers = new Headers(rest.headers);
      headers.set('authorization', auth ?? ADMIN_AUTH);
      return fetch(url + pathname, { ...rest, headers });
    },
    async close() {
      await app.close();
      await security.audit.close();
      engine.close();
    },
  };
}

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

describe('automatic incident raising', () => {
  let dataDir: string;
  let app: App;
  let receiver: Server;
  let hookUrl: string;
  const payloads: IncidentWebhookPayload[] = [];
  let handler: Handler;

  const flags = () => ({
    addressBlockThreshold: 1000,
    outbound: { enabled: true, allowHosts: ['127.0.0.1'] },
    incident: {
      mediumViolations: 5,
      highViolations: 10,
      // One client plays every source here, so it may fill the window alone.
      maxViolationsPerSource: 100,
      webhookUrl: hookUrl,
      webhookTimeoutMs: 2000,
      serverName: 'incident-test',
    },
  });
  const level = async () => {
    const response = await app.request('/admin/incident');
    return (await response.json()) as { level: string; reason: string | null; setBy: string };
  };
  const putLevel = async (next: string) => {
    const response = await app.request('/admin/incident', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ level: next, reason: `test ${next}` }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as { level: string; previous: string; webhook: string };
  };
  const update = (auth?: string) =>
    app.request('/update', {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-update' },
      body: INSERT,
      auth,
    });
  const auditEntries = async () => {
    const response = await app.request('/admin/audit?limit=200');
    const body = (await response.json()) as {
      entries: Array<{ type: string; actor: string | null; detail: Record<string, unknown> }>;
    };
    return body.entries;
  };

  before(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => handler(request, response, body));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?token=s3cret`;
    handler = (_request, response, body) => {
      payloads.push(JSON.parse(body) as IncidentWebhookPayload);
      response.writeHead(204).end();
    };
    dataDir = tempDataDir();
    app = await startApp(dataDir, flags());
    await app.context.security.users.add('reader', READER_PASSWORD, ['reader']);
  });

  after(async () => {
    await app?.close();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
    removeDir(dataDir);
  });

  it('raises on a burst of violations', async () => {
    const reader = basic('reader', READER_PASSWORD);
    // Two failed authentications, two authorisation failures, one malformed query: medium.
    for (let i = 0; i < 2; i++) {
      const response = await app.request('/sparql?query=ASK%7B%7D', {
        auth: basic('admin', 'wrong-password'),
      });
      assert.equal(response.status, 401);
    }
    for (let i = 0; i < 2; i++) assert.equal((await update(reader)).status, 403);
    assert.equal((await app.request('/sparql?query=SELEKT')).status, 400);
    await app.context.security.incidentController.idle();
    const medium = await level();
    assert.equal(medium.level, 'medium');
    assert.equal(medium.setBy, 'auto');
    assert.match(medium.reason ?? '', /2 authentication, 2 authorization, 1 validation/);

    // Five more reach the high threshold of ten.
    for (let i = 0; i < 5; i++) {
      assert.equal((await app.request('/sparql?query=SELEKT')).status, 400);
    }
    await app.context.security.incidentController.idle();
    assert.equal((await level()).level, 'high');
    assert.equal((await update()).status, 503, 'high makes the server read-only');

    assert.deepEqual(
      payloads.map((payload) => [payload.previous, payload.level, payload.setBy]),
      [
        ['none', 'medium', 'auto'],
        ['medium', 'high', 'auto'],
      ],
    );
    assert.equal(payloads[1]!.server, 'incident-test');
    const automatic = (await auditEntries()).filter((entry) => entry.type === 'incident.auto');
    assert.deepEqual(
      automatic.map((entry) => [entry.detail.from, entry.detail.to, entry.detail.webhook]),
      [
        ['none', 'medium', 'sent'],
        ['medium', 'high', 'sent'],
      ],
    );
    assert.ok(app.logs.some((line) => line.includes('"incident level changed"')));
  });

  it('restarts the count when an admin lowers', async () => {
    const cleared = await putLevel('none');
    assert.equal(cleared.previous, 'high');
    assert.equal(cleared.webhook, 'sent');
    assert.equal((await app.request('/sparql?query=SELEKT')).status, 400);
    await app.context.security.incidentController.idle();
    assert.equal((await level()).level, 'none');
    assert.equal(payloads.at(-1)?.setBy, 'admin');
  });

  it('applies a change when the webhook fails', async () => {
    handler = (_request, response) => response.writeHead(503).end();
    const changed = await putLevel('low');
    assert.equal(changed.webhook, 'failed');
    assert.equal((await level()).level, 'low');
    const metrics = await (await app.request('/metrics')).text();
    assert.match(metrics, /^seven_tick_incident_webhook_failures_total 1$/m);
    const failure = app.logs.find((line) => line.includes('incident webhook delivery failed'));
    assert.ok(failure, 'the failure is logged');
    assert.match(failure, /http:\/\/127\.0\.0\.1:\d+/);
    const everything = app.logs.join('\n');
    assert.doesNotMatch(everything, /s3cret/, 'the URL query never reaches the log');
  });

  it('notifies before the lockdown', async () => {
    const statusDuringWebhook: number[] = [];
    handler = (_request, response, body) => {
      payloads.push(JSON.parse(body) as IncidentWebhookPayload);
      // The server must still serve requests while the receiver handles the notification.
      void app.request('/sparql?query=ASK%7B%7D').then((answer) => {
        statusDuringWebhook.push(answer.status);
        response.writeHead(204).end();
      });
    };
    const changed = await putLevel('critical');
    assert.equal(changed.webhook, 'sent');
    assert.deepEqual(statusDuringWebhook, [200]);
    assert.equal(payloads.at(-1)?.level, 'critical');
    assert.equal(payloads.at(-1)?.previous, 'low');
    assert.equal((await app.request('/sparql?query=ASK%7B%7D')).status, 503);
    assert.equal((await fetch(`${app.url}/health`)).status, 200);
  });
});

describe('audit chain check at start-up', () => {
  let dataDir: string;

  before(() => {
    dataDir = tempDataDir();
  });

  after(() => {
    removeDir(dataDir);
  });

  it('raises high on a broken chain', async () => {
    const first = await startApp(dataDir, {});
    assert.equal((await first.request('/sparql?query=ASK%7B%7D')).status, 200);
    await first.close();
    assert.ok(first.logs.some((line) => line.includes('"audit chain checked"')));

    // Change an entry of the log while the server is stopped.
    const auditDir = path.join(dataDir, AUDIT_DIR);
    const file = path.join(auditDir, readdirSync(auditDir).sort()[0]!);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /"actor":"admin"/);
    writeFileSync(file, text.replace('"actor":"admin"', '"actor":"mallory"'));

    const second = await startApp(dataDir, {});
    try {
      const response = await second.request('/admin/incident');
      const status = (await response.json()) as { level: string; reason: string; setBy: string };
      assert.equal(status.level, 'high');
      assert.equal(status.setBy, 'auto');
      assert.match(status.reason, /^Audit chain broken at start-up: audit-000001\.jsonl line 1/);
      assert.equal((await update(second)).status, 503);
      const logged = second.logs.find((line) => line.includes('the audit chain is broken'));
      assert.ok(logged);
    } finally {
      await second.close();
    }
  });

  it('refuses a webhook the outbound policy rejects', async () => {
    await assert.rejects(
      startApp(dataDir, { incident: { webhookUrl: 'https://hooks.example.org/x?token=s3cret' } }),
      (error: Error) => {
        assert.equal((error as { code?: string }).code, 'CONFIG');
        assert.match(error.message, /outbound requests are disabled/);
        assert.doesNotMatch(error.message, /s3cret/);
        return true;
      },
    );
  });

  it('skips the check when switched off', async () => {
    const third = await startApp(dataDir, { incident: { auditCheckBytes: 0 } });
    try {
      assert.ok(!third.logs.some((line) => line.includes('audit chain')));
    } finally {
      await third.close();
    }
  });
});

function update(app: App): Promise<Response> {
  return app.request('/update', {
    method: 'POST',
    headers: { 'content-type': 'application/sparql-update' },
    body: INSERT,
  });
}
