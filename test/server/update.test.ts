/**
 * SPARQL Update and the Graph Store Protocol on the real server: what each writes, the status
 * codes, errors that leave the data as it was, and persistence across a restart.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN_AUTH,
  countMatches,
  removeDir,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const EX = 'http://example.org/';
const UPDATE = { 'content-type': 'application/sparql-update' };
const TURTLE = { 'content-type': 'text/turtle' };

describe('update and graph store over HTTP', () => {
  let server: ServerProcess;
  let dataDir: string;

  const update = (text: string, path = '/update') =>
    server.request(path, { method: 'POST', headers: UPDATE, body: text });

  /** Runs SELECT (COUNT(*) AS ?n) over a pattern and returns the number. */
  const count = (pattern: string): Promise<number> => countMatches(server, pattern);

  before(async () => {
    dataDir = tempDataDir();
    server = await startServerProcess({ dataDir });
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  it('inserts data and answers with the counts', async () => {
    const response = await update(
      `PREFIX : <${EX}> INSERT DATA { :a :p 1 , 2 . GRAPH :g1 { :a :p 3 } }`,
    );
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { inserted: 3, deleted: 0 });
    assert.equal(await count(`<${EX}a> <${EX}p> ?o`), 2);
    assert.equal(await count(`GRAPH <${EX}g1> { ?s ?p ?o }`), 1);
  });

  it('runs DELETE/INSERT WHERE with the form encoding', async () => {
    const body = new URLSearchParams({
      update: `PREFIX : <${EX}> DELETE { ?s :p ?o } INSERT { ?s :q ?o } WHERE { ?s :p ?o FILTER(?o > 1) }`,
    });
    const response = await server.request('/datasets/default/update', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { inserted: 1, deleted: 1 });
    assert.equal(await count(`<${EX}a> <${EX}q> 2`), 1);
  });

  it('applies a request whole or not at all', async () => {
    const before = await count('?s ?p ?o');
    // The second operation fails (DROP of a graph that does not exist), so the first is undone.
    const response = await update(
      `INSERT DATA { <${EX}x> <${EX}p> "undone" } ; DROP GRAPH <${EX}missing>`,
    );
    assert.equal(response.status, 404);
    const body = (await response.json()) as { error: string; detail: string };
    assert.match(body.detail, /missing/);
    assert.equal(await count('?s ?p ?o'), before);
    // With SILENT the same request succeeds.
    const silent = await update(
      `INSERT DATA { <${EX}x> <${EX}p> "kept" } ; DROP SILENT GRAPH <${EX}missing>`,
    );
    assert.equal(silent.status, 200);
    assert.equal(await count(`<${EX}x> <${EX}p> "kept"`), 1);
  });

  it('rejects bad requests with a JSON error and changes nothing', async () => {
    const before = await count('?s ?p ?o');
    const cases: [RequestInit, number, RegExp][] = [
      [
        { method: 'POST', headers: UPDATE, body: 'INSERT DATA { <http://a.example/> }' },
        400,
        /line 1/,
      ],
      [{ method: 'POST', headers: UPDATE, body: 'SELECT * {}' }, 400, /query, not an update/],
      [{ method: 'POST', headers: UPDATE, body: '  ' }, 400, /Missing update/],
      [
        { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' },
        400,
        /sparql-update/,
      ],
      [
        { method: 'POST', headers: UPDATE, body: 'LOAD <http://example.org/x.ttl>' },
        400,
        /outbound/,
      ],
    ];
    for (const [init, status, detail] of cases) {
      const response = await server.request('/update', init);
      assert.equal(response.status, status, String(init.body));
      const body = (await response.json()) as { error: string; detail: string };
      assert.match(body.detail, detail);
    }
    assert.equal(await count('?s ?p ?o'), before);
  });

  it('answers 404 for an unknown dataset', async () => {
    const response = await update('INSERT DATA { <a:b> <a:c> <a:d> }', '/datasets/nope/update');
    assert.equal(response.status, 404);
  });

  it('PUT creates a graph with 201 and replaces it with 204', async () => {
    const graph = encodeURIComponent(`${EX}g2`);
    const created = await server.request(`/data?graph=${graph}`, {
      method: 'PUT',
      headers: TURTLE,
      body: `<${EX}s> <${EX}p> "one" , "two" .`,
    });
    assert.equal(created.status, 201);
    const replaced = await server.request(`/data?graph=${graph}`, {
      method: 'PUT',
      headers: TURTLE,
      body: `<${EX}s> <${EX}p> "three" .`,
    });
    assert.equal(replaced.status, 204);
    assert.equal(await count(`GRAPH <${EX}g2> { ?s ?p ?o }`), 1);
  });

  it('POST merges, GET returns the graph, DELETE removes it', async () => {
    const graph = encodeURIComponent(`${EX}g2`);
    const posted = await server.request(`/data?graph=${graph}`, {
      method: 'POST',
      headers: { 'content-type': 'application/n-triples' },
      body: `<${EX}s> <${EX}p> "four" .\n`,
    });
    assert.equal(posted.status, 204);
    const got = await server.request(`/data?graph=${graph}`, {
      headers: { accept: 'application/n-triples' },
    });
    assert.equal(got.status, 200);
    assert.match(got.headers.get('content-type') ?? '', /application\/n-triples/);
    const lines = (await got.text()).trim().split('\n').sort();
    assert.deepEqual(lines, [`<${EX}s> <${EX}p> "four" .`, `<${EX}s> <${EX}p> "three" .`]);
    const head = await server.request(`/data?graph=${graph}`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.equal((await server.request(`/data?graph=${graph}`, { method: 'DELETE' })).status, 204);
    assert.equal((await server.request(`/data?graph=${graph}`)).status, 404);
    assert.equal((await server.request(`/data?graph=${graph}`, { method: 'DELETE' })).status, 404);
  });

  it('serves the default graph and the whole dataset', async () => {
    const defaultGraph = await server.request('/data?default', {
      headers: { accept: 'text/turtle' },
    });
    assert.equal(defaultGraph.status, 200);
    assert.match(await defaultGraph.text(), /example\.org\/q/);
    const all = await server.request('/data', { headers: { accept: 'application/n-quads' } });
    assert.equal(all.status, 200);
    assert.match(await all.text(), new RegExp(`<${EX}g1> \\.`));
  });

  it('rejects a bad graph store body whole, with the line of the error', async () => {
    const before = await count('?s ?p ?o');
    const response = await server.request('/data?default', {
      method: 'POST',
      headers: TURTLE,
      body: `<${EX}ok> <${EX}p> 1 .\n<${EX}bad> <${EX}p> .\n`,
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { detail: string; line?: number };
    assert.equal(body.line, 2);
    assert.equal(await count('?s ?p ?o'), before);

    const cases: [string, RequestInit, number][] = [
      ['/data?graph=relative', { method: 'PUT', headers: TURTLE, body: '' }, 400],
      [`/data?default&graph=${encodeURIComponent(EX)}`, { method: 'GET' }, 400],
      [
        '/data?default',
        { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'x' },
        415,
      ],
      ['/data', { method: 'DELETE' }, 400],
      ['/data?graph=http://e/%25ZZ%ZZ', { method: 'PUT', headers: TURTLE, body: '' }, 400],
      [
        '/data?default',
        {
          method: 'POST',
          headers: { 'content-type': 'multipart/form-data; boundary=zz' },
          body: '--zz\r\nContent-Disposition: form-data; name="a"; filename="a.ttl"\r\n\r\n<a:b> <a:c> <a:d> .',
        },
        400,
      ],
      [
        '/data?default',
        { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: 'x' },
        400,
      ],
      [
        '/admin/datasets/default',
        { method: 'PUT', headers: TURTLE, body: '<a:b> <a:c> <a:d> .' },
        415,
      ],
      [
        '/data?default',
        {
          method: 'PUT',
          headers: { 'content-type': 'application/n-quads' },
          body: `<${EX}s> <${EX}p> <${EX}o> <${EX}g> .\n`,
        },
        400,
      ],
    ];
    for (const [path, init, status] of cases) {
      const result = await server.request(path, init);
      assert.equal(result.status, status, `${init.method} ${path}`);
      const error = (await result.json()) as { error: string; detail: string };
      assert.equal(typeof error.detail, 'string');
    }
    assert.equal(await count('?s ?p ?o'), before);
  });

  it('rejects dot segments in a graph path', async () => {
    // fetch normalises dot segments away, so this request goes out as written through node:http.
    const url = new URL(server.url);
    for (const path of ['/data/%2e%2e/admin/x', '/data/a/../b', '/data/./c']) {
      const status = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path,
            method: 'PUT',
            headers: { ...TURTLE, authorization: ADMIN_AUTH },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('error', reject);
        request.end('<a:b> <a:c> <a:d> .');
      });
      assert.equal(status, 400, path);
    }
  });

  it('rejects a graph store body past maxBodyBytes with 413', async () => {
    const before = await count('?s ?p ?o');
    const line = `<${EX}big> <${EX}p> "${'x'.repeat(1000)}" .\n`;
    const response = await server.request('/data?default', {
      method: 'POST',
      headers: { 'content-type': 'application/n-triples' },
      body: line.repeat(11 * 1024),
    });
    assert.equal(response.status, 413);
    const body = (await response.json()) as { detail: string };
    assert.match(body.detail, /maxBodyBytes/);
    assert.equal(await count('?s ?p ?o'), before);
  });

  it('takes multipart uploads and creates graphs on POST to the store', async () => {
    const form = new FormData();
    form.append('a', new Blob([`<${EX}m> <${EX}p> 1 .`], { type: 'text/turtle' }), 'a.ttl');
    form.append(
      'b',
      new Blob([`<${EX}m> <${EX}p> "2" .\n`], { type: 'application/n-triples' }),
      'b.nt',
    );
    const graph = encodeURIComponent(`${EX}multi`);
    const upload = await server.request(`/data?graph=${graph}`, { method: 'POST', body: form });
    assert.equal(upload.status, 201, await upload.clone().text());
    assert.equal(await count(`GRAPH <${EX}multi> { ?s ?p ?o }`), 2);

    const bad = new FormData();
    bad.append('a', new Blob(['not rdf'], { type: 'text/plain' }), 'a.txt');
    const rejected = await server.request(`/data?graph=${graph}`, { method: 'POST', body: bad });
    assert.equal(rejected.status, 415);

    const created = await server.request('/data', {
      method: 'POST',
      headers: TURTLE,
      body: `<${EX}n> <${EX}p> 3 .`,
    });
    assert.equal(created.status, 201);
    const location = created.headers.get('location') ?? '';
    assert.match(location, /^urn:uuid:[0-9a-f-]{36}$/);
    assert.equal(await count(`GRAPH <${location}> { ?s ?p 3 }`), 1);
  });

  it('keeps every acknowledged write across a restart', async () => {
    const before = await count('?s ?p ?o');
    await server.stop();
    server = await startServerProcess({ dataDir });
    assert.equal(await count('?s ?p ?o'), before);
    assert.equal(await count(`<${EX}x> <${EX}p> "kept"`), 1);
  });
});
