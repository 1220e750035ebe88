/**
 * Query limits over HTTP: a query over the timeout stops with 503 while /health keeps
 * responding, and a result over the row cap gets 400.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  SHARED,
  removeDir,
  runCli,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const TIMEOUT_MS = 1500;
// A three-way cross product of 100k triples: about 10^15 rows, far past any timeout.
const HEAVY = 'SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c = ?i && ?f != ?c) }';

describe('query limits', () => {
  let server: ServerProcess;
  let dataDir: string;

  before(async () => {
    dataDir = tempDataDir();
    const load = runCli([
      'load',
      '--data-dir',
      dataDir,
      path.join(SHARED, 'data/lubm/lubm1.nt.gz'),
    ]);
    assert.equal(load.status, 0, load.stderr);
    server = await startServerProcess({
      dataDir,
      args: ['--query-timeout', String(TIMEOUT_MS), '--max-result-rows', '5000'],
    });
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  it('stops a heavy query with 503 while /health answers', async () => {
    const started = Date.now();
    let finished = false;
    const query = server
      .request(`/sparql?query=${encodeURIComponent(HEAVY)}`)
      .finally(() => (finished = true));

    const healthStatuses: number[] = [];
    // Bounded: at most 200 probes, and only while the query runs.
    for (let probe = 0; probe < 200 && !finished; probe++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (finished) break;
      const health = await server.request('/health', { auth: null });
      healthStatuses.push(health.status);
    }

    const response = await query;
    const elapsed = Date.now() - started;
    assert.equal(response.status, 503);
    const body = (await response.json()) as { error: string; detail: string };
    assert.equal(body.error, 'Query timed out');
    assert.match(body.detail, /1500 ms/);
    assert.ok(healthStatuses.length > 0, 'the query ended before /health was probed');
    assert.ok(
      healthStatuses.every((status) => status === 200),
      String(healthStatuses),
    );
    // "About the timeout": generous bound so a loaded CI machine does not flake.
    assert.ok(elapsed < TIMEOUT_MS + 20_000, `answered after ${elapsed} ms`);
  });

  it('rejects a result over the row cap with 400 naming the setting', async () => {
    const response = await server.request(
      `/sparql?query=${encodeURIComponent('SELECT * WHERE { ?s ?p ?o }')}`,
    );
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: string; detail: string };
    assert.equal(body.error, 'Limit exceeded');
    // Over the old 1,000-row prefetch: the cap must still be a 400, not a cut-off 200.
    assert.match(body.detail, /5000/);
    assert.match(body.detail, /maxResultRows/);
  });

  it('returns results at the row cap in full', async () => {
    const query = 'SELECT * WHERE { ?s ?p ?o } LIMIT 5000';
    const response = await server.request(`/sparql?query=${encodeURIComponent(query)}`);
    assert.equal(response.status, 200);
    // A result within the cap is serialised whole before the status line.
    assert.equal(response.headers.get('transfer-encoding'), null);
    assert.ok(Number(response.headers.get('content-length')) > 0);
    const json = (await response.json()) as { results: { bindings: unknown[] } };
    assert.equal(json.results.bindings.length, 5000);
  });

  it('cancels a running query on SIGTERM', async () => {
    // A timeout far longer than the test: shutdown must cancel the query, not wait for it.
    const patient = await startServerProcess({ dataDir, args: ['--query-timeout', '600000'] });
    const query = patient
      .request(`/sparql?query=${encodeURIComponent(HEAVY)}`)
      .catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const exited = new Promise<number | null>((resolve) => patient.child.once('exit', resolve));
    patient.child.kill('SIGTERM');
    const timer = new Promise<'still running'>((resolve) =>
      setTimeout(() => resolve('still running'), 60_000),
    );
    const outcome = await Promise.race([exited, timer]);
    assert.equal(outcome, 0);
    await query;
    await patient.kill9();
  });

  it('still serves queries after a timeout', async () => {
    const response = await server.request(
      `/sparql?query=${encodeURIComponent('ASK { ?s ?p ?o }')}`,
    );
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { head: {}, boolean: true });
  });
});
