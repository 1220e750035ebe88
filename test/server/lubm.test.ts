/**
 * LUBM(1) through the HTTP endpoint: the 14 standard queries must return the row counts that
 * Oxigraph 0.5.11 computed on the same data without inference.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
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

const LUBM = path.join(SHARED, 'data', 'lubm');
const expected = JSON.parse(readFileSync(path.join(LUBM, 'expected.json'), 'utf8')) as {
  without_inference: Record<string, number>;
};

describe('LUBM(1) over HTTP', () => {
  let server: ServerProcess;
  let dataDir: string;

  before(async () => {
    dataDir = tempDataDir();
    const load = runCli([
      'load',
      '--data-dir',
      dataDir,
      path.join(LUBM, 'lubm1.nt.gz'),
      path.join(LUBM, 'univ-bench.ttl'),
    ]);
    assert.equal(load.status, 0, load.stderr);
    server = await startServerProcess({ dataDir });
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  const queries = readdirSync(path.join(LUBM, 'queries')).filter((name) => name.endsWith('.rq'));

  it('has all 14 queries', () => {
    assert.equal(queries.length, 14);
  });

  for (const file of queries.sort()) {
    const name = file.replace(/\.rq$/, '');
    it(`${name} returns ${expected.without_inference[name]} rows`, async () => {
      const query = readFileSync(path.join(LUBM, 'queries', file), 'utf8');
      const response = await server.request('/sparql', {
        method: 'POST',
        headers: {
          'content-type': 'application/sparql-query',
          accept: 'application/sparql-results+json',
        },
        body: query,
      });
      const body = await response.text();
      assert.equal(response.status, 200, body);
      const json = JSON.parse(body) as { results: { bindings: unknown[] } };
      assert.equal(json.results.bindings.length, expected.without_inference[name]);
    });
  }
});
