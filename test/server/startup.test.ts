/**
 * First start on an empty data dir, as `npm start` does it: readiness stays 503 while the
 * bundled vocabularies load, the generated admin password is printed once and works, and the
 * README's first query returns schema.org classes.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { INITIAL_PASSWORD_FILE } from '../../src/server/serve.js';
import {
  basic,
  removeDir,
  startServerProcess,
  tempDataDir,
  waitReady,
  type ServerProcess,
} from '../helpers/server-process.js';

const README_QUERY = `PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?class ?label WHERE {
  GRAPH <http://schema.org/> { ?class a rdfs:Class ; rdfs:label ?label }
} ORDER BY ?label LIMIT 5`;

describe('first start with sample data', () => {
  let server: ServerProcess;
  let dataDir: string;
  let firstReady: Response;
  let firstQuery: Response;

  before(async () => {
    dataDir = tempDataDir();
    // An empty SEVEN_TICK_ADMIN_PASSWORD means "generate one".
    server = await startServerProcess({
      dataDir,
      args: ['--sample-data'],
      env: { SEVEN_TICK_ADMIN_PASSWORD: '' },
      waitReady: false,
    });
    firstReady = await fetch(`${server.url}/ready`);
    firstQuery = await fetch(`${server.url}/sparql?query=${encodeURIComponent('ASK {}')}`);
    await waitReady(server);
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  it('is unready while loading', async () => {
    assert.equal(firstReady.status, 503);
    assert.equal(firstQuery.status, 503);
    assert.equal(((await firstQuery.json()) as { error: string }).error, 'Service unavailable');
  });

  it('prints a generated admin password that works', async () => {
    // stdout is a pipe here, so the password goes to a file that only the owner can read.
    const file = path.join(dataDir, INITIAL_PASSWORD_FILE);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const password = readFileSync(file, 'utf8').trim();
    assert.ok(password.length >= 24);
    assert.ok(server.output.some((line) => line.includes(file)));
    assert.ok(server.output.every((line) => !line.includes(password)));

    const response = await server.request(`/sparql?query=${encodeURIComponent(README_QUERY)}`, {
      auth: basic('admin', password),
    });
    assert.equal(response.status, 200);
    const json = (await response.json()) as {
      results: { bindings: { class: { value: string }; label: { value: string } }[] };
    };
    assert.equal(json.results.bindings.length, 5);
    assert.ok(
      json.results.bindings.every((row) => row.class.value.startsWith('http://schema.org/')),
    );
    const labels = json.results.bindings.map((row) => row.label.value);
    assert.deepEqual(labels, [...labels].sort());
  });

  it('loaded every bundled quad', async () => {
    const response = await fetch(`${server.url}/ready`);
    assert.equal(response.status, 200);
    const loaded = server.output.find((line) => line.includes('bundled sample vocabularies'));
    assert.ok(loaded);
    assert.equal((JSON.parse(loaded) as { quads: number }).quads, 195_350);
  });
});
