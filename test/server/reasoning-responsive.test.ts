/**
 * A server keeps responding while it materialises a reasoning dataset: when an admin switches
 * reasoning on, and when it opens a data dir with such a dataset at start-up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServerProcess, waitReady, type ServerProcess } from '../helpers/server-process.js';

const EX = 'http://example.org/';
const SUBCLASS = 'http://www.w3.org/2000/01/rdf-schema#subClassOf';
/** Classes in the chain; RDFS infers about CHAIN²/2 subclass triples from it. */
const CHAIN = 150;

/** Calls /health until `pending` settles; returns how many responses arrived before it did. */
async function healthAnswersWhile(
  server: ServerProcess,
  pending: Promise<unknown>,
): Promise<number> {
  let settled = false;
  void pending.finally(() => (settled = true));
  let answers = 0;
  const deadline = Date.now() + 120_000;
  while (!settled && Date.now() < deadline) {
    const response = await server.request('/health', { auth: null }).catch(() => undefined);
    if (response?.status === 200 && !settled) answers++;
    await response?.arrayBuffer();
  }
  await pending;
  return answers;
}

describe('health during materialisation', () => {
  let server: ServerProcess;

  before(async () => {
    server = await startServerProcess();
    let data = `<${EX}i> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <${EX}C0> .\n`;
    for (let i = 0; i < CHAIN; i++) data += `<${EX}C${i}> <${SUBCLASS}> <${EX}C${i + 1}> .\n`;
    const loaded = await server.request('/datasets/default/data?default', {
      method: 'POST',
      headers: { 'content-type': 'application/n-triples' },
      body: data,
    });
    assert.equal(loaded.status, 204, await loaded.text());
  });
  after(async () => {
    await server.stop();
  });

  it('answers /health while reasoning is switched on', async () => {
    const configured = server
      .request('/admin/datasets/default', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reasoning: 'rdfs' }),
      })
      .then((response) => {
        assert.equal(response.status, 200);
      });
    const answers = await healthAnswersWhile(server, configured);
    assert.ok(answers > 0, 'no /health answer arrived while the reasoner ran');
    const query = encodeURIComponent(`ASK { <${EX}i> a <${EX}C${CHAIN}> }`);
    const response = await server.request(`/sparql?query=${query}`);
    assert.deepEqual(await response.json(), { head: {}, boolean: true });
  });

  it('answers /health while a restart materialises the dataset', async () => {
    await server.stop();
    server = await startServerProcess({ dataDir: server.dataDir, waitReady: false });
    const answers = await healthAnswersWhile(server, waitReady(server));
    assert.ok(answers > 0, 'no /health answer arrived while the data dir opened');
  });
});
