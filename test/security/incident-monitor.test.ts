/**
 * The incident controller and monitor over a real SQLite incident table, with webhooks sent
 * through the outbound policy to a receiver on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { IncidentState, type IncidentLevel } from '../../src/security/incident.js';
import {
  IncidentController,
  IncidentMonitor,
  SlidingWindowCounter,
  type IncidentChange,
} from '../../src/security/incident-monitor.js';
import {
  IncidentWebhook,
  type IncidentWebhookPayload,
} from '../../src/security/incident-webhook.js';
import { OutboundPolicy } from '../../src/security/outbound.js';
import { openDatabase, type SqliteDatabase } from '../../src/storage/database.js';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

describe('SlidingWindowCounter', () => {
  it('counts within the window', () => {
    const counter = new SlidingWindowCounter(60);
    const start = 1_700_000_000_000;
    for (let i = 0; i < 5; i++) counter.add(start);
    counter.add(start + 30_000);
    assert.equal(counter.total(start + 30_000), 6);
    assert.equal(counter.total(start + 59_999), 6);
  });

  it('forgets events older than the window', () => {
    const counter = new SlidingWindowCounter(60);
    const start = 1_700_000_000_000;
    counter.add(start);
    counter.add(start + 45_000);
    assert.equal(counter.total(start + 60_000), 1, 'the first second left the window');
    assert.equal(counter.total(start + 200_000), 0);
    // A slot reused after a full turn starts from zero.
    counter.add(start + 120_000);
    assert.equal(counter.total(start + 120_000), 1);
  });

  it('rejects an empty window', () => {
    assert.throws(() => new SlidingWindowCounter(0), RangeError);
  });
});

describe('IncidentController and IncidentMonitor', () => {
  let dir: string;
  let db: SqliteDatabase;
  let receiver: Server;
  let url: string;
  let handler: Handler;
  const received: IncidentWebhookPayload[] = [];

  before(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => handler(request, response, body));
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?token=s3cret`;
  });

  after(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-incident-monitor-'));
    db = openDatabase(dir);
    received.length = 0;
    handler = (_request, response, body) => {
      received.push(JSON.parse(body) as IncidentWebhookPayload);
      response.writeHead(204).end();
    };
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const webhook = (timeoutMs = 2000) =>
    new IncidentWebhook({
      url,
      outbound: new OutboundPolicy(
        { enabled: true, allowHosts: ['127.0.0.1'] },
        { allowLoopbackForTests: true },
      ),
      server: 'test-server',
      timeoutMs,
    });

  /** Reads the stored level through a separate reader without a cache. */
  const storedLevel = (): IncidentLevel => new IncidentState(db, { maxAgeMs: 0 }).current().level;

  it('notifies critical before storing it', async () => {
    const seenByReceiver: IncidentLevel[] = [];
    handler = (_request, response, body) => {
      received.push(JSON.parse(body) as IncidentWebhookPayload);
      seenByReceiver.push(storedLevel());
      response.writeHead(200).end('{}');
    };
    const controller = new IncidentController({ state: new IncidentState(db), webhook: webhook() });
    const change = await controller.change('critical', { setBy: 'admin', reason: 'breach' });
    assert.deepEqual(seenByReceiver, ['none'], 'the lockdown was not stored yet');
    assert.equal(storedLevel(), 'critical');
    assert.equal(change.webhook, 'sent');
    assert.equal(received.length, 1);
    const payload = received[0]!;
    assert.equal(payload.level, 'critical');
    assert.equal(payload.previous, 'none');
    assert.equal(payload.reason, 'breach');
    assert.equal(payload.setBy, 'admin');
    assert.equal(payload.server, 'test-server');
    assert.ok(!Number.isNaN(Date.parse(payload.at)));
  });

  it('stores other levels before notifying', async () => {
    const seenByReceiver: IncidentLevel[] = [];
    handler = (_request, response) => {
      seenByReceiver.push(storedLevel());
      response.writeHead(204).end();
    };
    const controller = new IncidentController({ state: new IncidentState(db), webhook: webhook() });
    await controller.change('high', { setBy: 'admin' });
    assert.deepEqual(seenByReceiver, ['high']);
  });

  it('applies the change when the webhook fails', async () => {
    handler = (_request, response) => response.writeHead(500).end();
    const failures: unknown[] = [];
    const controller = new IncidentController({
      state: new IncidentState(db),
      webhook: webhook(),
      onWebhookFailure: (error) => failures.push(error),
    });
    const change = await controller.change('critical', { setBy: 'admin' });
    assert.equal(change.webhook, 'failed');
    assert.equal(storedLevel(), 'critical');
    assert.equal(failures.length, 1);
    assert.match(String((failures[0] as Error).message), /returned HTTP 500/);
    assert.doesNotMatch(String((failures[0] as Error).message), /s3cret/);
  });

  it('stops waiting for a silent receiver', async () => {
    // The receiver reads the request and never responds.
    handler = () => undefined;
    const failures: unknown[] = [];
    const controller = new IncidentController({
      state: new IncidentState(db),
      webhook: webhook(300),
      onWebhookFailure: (error) => failures.push(error),
    });
    const change = await controller.change('critical', { setBy: 'admin' });
    assert.equal(change.webhook, 'failed');
    assert.equal((failures[0] as { code?: string }).code, 'OUTBOUND_TIMEOUT');
    assert.equal(storedLevel(), 'critical');
  });

  it('sends no webhook for an unchanged level', async () => {
    const controller = new IncidentController({ state: new IncidentState(db), webhook: webhook() });
    await controller.change('low', { setBy: 'admin' });
    const again = await controller.change('low', { setBy: 'admin', reason: 'still low' });
    assert.equal(again.webhook, 'none');
    assert.equal(received.length, 1);
  });

  it('raises only upwards', async () => {
    const controller = new IncidentController({ state: new IncidentState(db) });
    await controller.change('high', { setBy: 'admin' });
    assert.equal(await controller.raise('medium', 'burst'), null);
    assert.equal(storedLevel(), 'high');
    const raised = await controller.raise('critical', 'test');
    assert.equal(raised?.source, 'automatic');
    assert.equal(raised?.setBy, 'auto');
    assert.equal(storedLevel(), 'critical');
  });

  it('reports a change another process stored', async () => {
    const changes: IncidentChange[] = [];
    const controller = new IncidentController({
      state: new IncidentState(db, { maxAgeMs: 0 }),
      webhook: webhook(),
      onChange: (change) => changes.push(change),
    });
    assert.equal(await controller.poll(), null);
    const other = openDatabase(dir);
    try {
      new IncidentState(other).set('high', { setBy: 'cli:root', reason: 'drill' });
    } finally {
      other.close();
    }
    const change = await controller.poll();
    assert.equal(change?.source, 'external');
    assert.equal(change?.previous, 'none');
    assert.equal(change?.level, 'high');
    assert.equal(change?.webhook, 'sent');
    assert.equal(received[0]?.setBy, 'cli:root');
    assert.equal(changes.length, 1);
    assert.equal(await controller.poll(), null, 'reported once');
  });

  it('raises on a burst of violations', async () => {
    let now = 1_700_000_000_000;
    const changes: IncidentChange[] = [];
    const state = new IncidentState(db, { maxAgeMs: 0 });
    const controller = new IncidentController({
      state,
      onChange: (change) => changes.push(change),
    });
    const monitor = new IncidentMonitor({
      thresholds: { windowSeconds: 60, mediumViolations: 20, highViolations: 50 },
      controller,
      state,
      now: () => now,
    });
    for (let i = 0; i < 19; i++) monitor.record('authentication');
    await controller.idle();
    assert.equal(storedLevel(), 'none');
    monitor.record('validation');
    await controller.idle();
    assert.equal(storedLevel(), 'medium');

    now += 10_000;
    for (let i = 0; i < 30; i++) monitor.record('authorization');
    await controller.idle();
    assert.equal(storedLevel(), 'high');
    assert.deepEqual(
      changes.map((change) => [change.source, change.previous, change.level]),
      [
        ['automatic', 'none', 'medium'],
        ['automatic', 'medium', 'high'],
      ],
    );
    assert.match(changes[1]!.reason ?? '', /^50 security violations in the last 60 s/);
    assert.match(changes[1]!.reason ?? '', /19 authentication, 30 authorization, 1 validation/);

    // Never above high, however long the burst goes on.
    for (let i = 0; i < 500; i++) monitor.record('authentication');
    await controller.idle();
    assert.equal(storedLevel(), 'high');
    assert.equal(changes.length, 2);
  });

  it('never lowers an admin level', async () => {
    const state = new IncidentState(db, { maxAgeMs: 0 });
    const controller = new IncidentController({ state });
    await controller.change('critical', { setBy: 'admin' });
    const monitor = new IncidentMonitor({
      thresholds: { windowSeconds: 60, mediumViolations: 1, highViolations: 2 },
      controller,
      state,
    });
    monitor.record('authentication');
    monitor.record('authentication');
    await controller.idle();
    assert.equal(storedLevel(), 'critical');
  });

  it('ignores violations after a reset', async () => {
    const now = 1_700_000_000_000;
    const state = new IncidentState(db, { maxAgeMs: 0 });
    const controller = new IncidentController({ state });
    const monitor = new IncidentMonitor({
      thresholds: { windowSeconds: 60, mediumViolations: 10, highViolations: 0 },
      controller,
      state,
      now: () => now,
    });
    for (let i = 0; i < 9; i++) monitor.record('validation');
    monitor.reset();
    assert.equal(monitor.counts().validation, 0);
    monitor.record('validation');
    await controller.idle();
    assert.equal(storedLevel(), 'none');
  });

  it('lets one source fill only its share of the window', async () => {
    let now = 1_700_000_000_000;
    const state = new IncidentState(db, { maxAgeMs: 0 });
    const controller = new IncidentController({ state });
    const monitor = new IncidentMonitor({
      thresholds: { windowSeconds: 60, mediumViolations: 20, highViolations: 50 },
      controller,
      state,
      now: () => now,
    });
    // A tenth of the lowest threshold: one user adds at most 2 however often it fails.
    for (let i = 0; i < 500; i++) monitor.record('authorization', 'user:mallory');
    assert.equal(monitor.counts().authorization, 2);
    await controller.idle();
    assert.equal(storedLevel(), 'none');
    // Ten sources together reach the medium threshold.
    for (let source = 0; source < 9; source++) {
      for (let i = 0; i < 5; i++) monitor.record('authentication', `address:10.0.0.${source}`);
    }
    await controller.idle();
    assert.equal(storedLevel(), 'medium');
    // A new window gives the same user a fresh share.
    now += 61_000;
    monitor.record('authorization', 'user:mallory');
    assert.equal(monitor.counts().authorization, 1);
  });
});
