/**
 * A long update that sparqljs must read (two operations, so the quad data fast path does not
 * apply) goes through the worker-thread parse end to end, while /health keeps responding.
 * That the main thread stays free during the parse itself is shown in
 * test/sparql/update-offload.test.ts, where a timer must fire during it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

/** Triples in the update: sparqljs takes about a second per 10,000 on the CI machine. */
const TRIPLES = 15_000;

describe('health during a long update', () => {
  let server: ServerProcess;

  before(async () => {
    server = await startServerProcess();
  });
  after(async () => {
    await server.stop();
  });

  it('answers /health while the update is parsed', async () => {
    const lines: string[] = [];
    for (let i = 0; i < TRIPLES; i++) lines.push(`<http://e.org/s${i}> <http://e.org/p> "v${i}" .`);
    const update = `INSERT DATA {\n${lines.join('\n')}\n} ;\nCLEAR SILENT GRAPH <urn:x:none>`;
    let settled = false;
    const pending = server
      .request('/update', {
        method: 'POST',
        headers: { 'content-type': 'application/sparql-update' },
        body: update,
      })
      .finally(() => (settled = true));
    let answers = 0;
    const deadline = Date.now() + 120_000;
    while (!settled && Date.now() < deadline) {
      const health = await server.request('/health', { auth: null });
      await health.arrayBuffer();
      if (health.status === 200 && !settled) answers++;
    }
    const response = await pending;
    assert.equal(response.status, 200, await response.clone().text());
    assert.ok(answers > 0, 'no /health answer arrived while the update was parsed');
    const count = await server.request(
      `/sparql?query=${encodeURIComponent('SELECT (COUNT(*) AS ?n) { ?s <http://e.org/p> ?o }')}`,
      { headers: { accept: 'application/sparql-results+json' } },
    );
    const body = (await count.json()) as { results: { bindings: { n: { value: string } }[] } };
    assert.equal(body.results.bindings[0]!.n.value, String(TRIPLES));
  });
});
