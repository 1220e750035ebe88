/**
 * The SPARQL 1.1 Protocol on the real server: request forms, content negotiation with every
 * result format parsed back, and JSON errors with the right status.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Parser } from 'n3';
import { parseResults } from '../../src/sparql/results/parse.js';
import {
  removeDir,
  runCli,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const DATA = `
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:alice ex:name "Alice" ; ex:age 34 ; ex:knows ex:bob .
ex:bob ex:name "Bob, \\"the builder\\""@en ; ex:age "29"^^xsd:integer ; ex:knows _:carol .
_:carol ex:name "Carol\\tTab\\nNewline" .
`;

const SELECT = `PREFIX ex: <http://example.org/>
SELECT ?person ?name WHERE { ?person ex:name ?name } ORDER BY ?name`;
const CONSTRUCT = `PREFIX ex: <http://example.org/>
CONSTRUCT { ?a ex:friendOf ?b } WHERE { ?a ex:knows ?b }`;

describe('SPARQL protocol', () => {
  let server: ServerProcess;
  let dataDir: string;

  before(async () => {
    dataDir = tempDataDir();
    const file = path.join(dataDir, 'people.ttl');
    writeFileSync(file, DATA);
    const load = runCli(['load', '--data-dir', dataDir, file]);
    assert.equal(load.status, 0, load.stderr);
    const named = runCli([
      'load',
      '--data-dir',
      dataDir,
      '--graph',
      'http://example.org/people',
      file,
    ]);
    assert.equal(named.status, 0, named.stderr);
    server = await startServerProcess({ dataDir, args: ['--max-body-bytes', '20000'] });
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  async function select(accept: string) {
    const response = await server.request(`/sparql?query=${encodeURIComponent(SELECT)}`, {
      headers: { accept },
    });
    assert.equal(response.status, 200);
    return { type: response.headers.get('content-type') ?? '', body: await response.text() };
  }
  it('sends a small result with its Content-Length', async () => {
    const response = await server.request(`/sparql?query=${encodeURIComponent(SELECT)}`, {
      headers: { accept: 'application/sparql-results+json' },
    });
    assert.equal(response.status, 200);
    const body = Buffer.from(await response.arrayBuffer());
    assert.equal(response.headers.get('content-length'), String(body.length));
    assert.equal(response.headers.get('transfer-encoding'), null);
    assert.equal(JSON.parse(body.toString('utf8')).results.bindings.length, 3);
  });

  it('answers GET with JSON by default', async () => {
    const response = await server.request(`/sparql?query=${encodeURIComponent(SELECT)}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/sparql-results\+json/);
    const json = (await response.json()) as {
      head: { vars: string[] };
      results: { bindings: unknown[] };
    };
    assert.deepEqual(json.head.vars, ['person', 'name']);
    assert.equal(json.results.bindings.length, 3);
  });

  for (const [format, accept] of [
    ['json', 'application/sparql-results+json'],
    ['xml', 'application/sparql-results+xml'],
    ['tsv', 'text/tab-separated-values'],
  ] as const) {
    it(`returns ${format} results that parse back to the same terms`, async () => {
      const { type, body } = await select(accept);
      assert.ok(type.startsWith(accept), type);
      const parsed = parseResults(body, format);
      assert.ok('rows' in parsed);
      assert.deepEqual(parsed.variables, ['person', 'name']);
      const names = parsed.rows.map((row) => row[1]?.value).sort();
      assert.deepEqual(names, ['Alice', 'Bob, "the builder"', 'Carol\tTab\nNewline']);
      const bob = parsed.rows.find((row) => row[1]?.value.startsWith('Bob'));
      assert.equal(bob?.[1]?.termType, 'Literal');
      assert.equal((bob?.[1] as { language?: string }).language, 'en');
      const carol = parsed.rows.find((row) => row[1]?.value.startsWith('Carol'));
      assert.equal(carol?.[0]?.termType, 'BlankNode');
    });
  }

  it('returns CSV with a header and quoted fields', async () => {
    const { type, body } = await select('text/csv');
    assert.ok(type.startsWith('text/csv'), type);
    const parsed = parseResults(body, 'csv');
    assert.ok('rows' in parsed);
    assert.deepEqual(parsed.variables, ['person', 'name']);
    assert.equal(parsed.rows.length, 3);
    assert.ok(body.includes('"Bob, ""the builder"""'), body);
  });

  it('honours the format parameter over Accept', async () => {
    const response = await server.request(
      `/sparql?format=tsv&query=${encodeURIComponent(SELECT)}`,
      { headers: { accept: 'application/sparql-results+json' } },
    );
    assert.match(response.headers.get('content-type') ?? '', /text\/tab-separated-values/);
  });

  it('accepts POST as a form and as application/sparql-query', async () => {
    const form = await server.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: SELECT }).toString(),
    });
    assert.equal(form.status, 200);
    const direct = await server.request('/datasets/default/sparql', {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query' },
      body: SELECT,
    });
    assert.equal(direct.status, 200);
    assert.deepEqual(await form.json(), await direct.json());
  });

  it('answers ASK as a boolean', async () => {
    const query = 'ASK { <http://example.org/alice> ?p ?o }';
    const json = await server.request(`/sparql?query=${encodeURIComponent(query)}`);
    assert.deepEqual(await json.json(), { head: {}, boolean: true });
    const xml = await server.request(`/sparql?query=${encodeURIComponent(query)}`, {
      headers: { accept: 'application/sparql-results+xml' },
    });
    assert.deepEqual(parseResults(await xml.text(), 'xml'), { boolean: true });
  });

  for (const [accept, format] of [
    ['text/turtle', 'text/turtle'],
    ['application/n-triples', 'N-Triples'],
    ['application/n-quads', 'N-Quads'],
    ['application/trig', 'application/trig'],
  ] as const) {
    it(`returns CONSTRUCT as ${accept} that parses back`, async () => {
      const response = await server.request(`/sparql?query=${encodeURIComponent(CONSTRUCT)}`, {
        headers: { accept },
      });
      assert.equal(response.status, 200);
      assert.ok(response.headers.get('content-type')?.startsWith(accept));
      const quads = new Parser({ format }).parse(await response.text());
      assert.equal(quads.length, 2);
      assert.ok(quads.every((quad) => quad.predicate.value === 'http://example.org/friendOf'));
    });
  }

  it('rejects a malformed query with 400 and its position', async () => {
    const response = await server.request(
      `/sparql?query=${encodeURIComponent('SELECT * WHERE {\n ?s ?p }')}`,
    );
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: string; detail: string; line?: number };
    assert.equal(body.error, 'SPARQL syntax error');
    assert.ok(body.detail.length > 0);
    assert.equal(body.line, 2);
  });

  // A GET with neither query nor update requests the service description, so a missing
  // query is a form POST without one.
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  for (const [label, request] of [
    ['a missing query', { path: '/sparql', init: { method: 'POST', headers: form, body: 'x=1' } }],
    ['an empty query', { path: '/sparql?query=' }],
    ['two queries', { path: `/sparql?query=ASK{}&query=ASK{}` }],
  ] as const) {
    it(`rejects ${label} with 400`, async () => {
      const response = await server.request(request.path, 'init' in request ? request.init : {});
      assert.equal(response.status, 400);
      const body = (await response.json()) as { error: string; detail: string };
      assert.equal(body.error, 'Invalid request');
    });
  }

  it('rejects an unsupported POST content type with 415 or 400', async () => {
    const response = await server.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: SELECT,
    });
    assert.ok([400, 415].includes(response.status), String(response.status));
    assert.ok(((await response.json()) as { detail: string }).detail.length > 0);
  });

  it('rejects a body over the limit with 413', async () => {
    const response = await server.request('/sparql', {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query' },
      body: `ASK {} #${'x'.repeat(30_000)}`,
    });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { error: string }).error, 'Request body too large');
  });

  it('answers 404 for an unknown dataset', async () => {
    const response = await server.request(
      `/datasets/nope/sparql?query=${encodeURIComponent('ASK {}')}`,
    );
    assert.equal(response.status, 404);
    assert.match(((await response.json()) as { detail: string }).detail, /nope/);
  });

  it('answers 406 when no offered format is acceptable', async () => {
    const response = await server.request(`/sparql?query=${encodeURIComponent(SELECT)}`, {
      headers: { accept: 'image/png' },
    });
    assert.equal(response.status, 406);
  });

  it('answers 501 naming an unsupported feature', async () => {
    // Outbound requests are off by default, so federated queries are refused.
    const query = 'SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }';
    const response = await server.request(`/sparql?query=${encodeURIComponent(query)}`);
    assert.equal(response.status, 501);
    const body = (await response.json()) as { error: string; detail: string };
    assert.equal(body.error, 'Not implemented');
    assert.match(body.detail, /SERVICE/);
  });

  it('takes default-graph-uri over FROM', async () => {
    const query =
      'SELECT ?o FROM <http://example.org/none> WHERE { ?s <http://example.org/age> ?o }';
    const empty = await server.request(`/sparql?query=${encodeURIComponent(query)}`);
    assert.equal(
      ((await empty.json()) as { results: { bindings: unknown[] } }).results.bindings.length,
      0,
    );
    const withGraph = await server.request(
      `/sparql?query=${encodeURIComponent(query)}&default-graph-uri=${encodeURIComponent('http://example.org/people')}`,
    );
    assert.equal(withGraph.status, 200);
    const rows = ((await withGraph.json()) as { results: { bindings: unknown[] } }).results
      .bindings;
    assert.equal(rows.length, 2);
  });

  it('rejects a relative default-graph-uri with 400', async () => {
    const response = await server.request(
      `/sparql?query=${encodeURIComponent('ASK {}')}&default-graph-uri=relative`,
    );
    assert.equal(response.status, 400);
    assert.match(((await response.json()) as { detail: string }).detail, /default-graph-uri/);
  });

  it('returns the plan for explain=true', async () => {
    const response = await server.request(
      `/sparql?explain=true&query=${encodeURIComponent(SELECT)}`,
    );
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const body = (await response.json()) as {
      plan: { operator: string };
      text: string;
      resultCount: number;
    };
    assert.equal(body.resultCount, 3);
    assert.equal(body.plan.operator, 'project');
    assert.match(body.text, /step \?person <http:\/\/example.org\/name> \?name/);
  });

  describe('hostile input', () => {
    async function status(query: string): Promise<{ status: number; detail: string }> {
      const response = await server.request('/sparql', {
        method: 'POST',
        headers: { 'content-type': 'application/sparql-query' },
        body: query,
      });
      const body = (await response.json()) as { detail: string };
      return { status: response.status, detail: body.detail };
    }

    it('rejects deep nesting with 400 at once', async () => {
      const nested = `SELECT * WHERE ${'{'.repeat(3000)} ?s ?p ?o ${'}'.repeat(3000)}`;
      const result = await status(nested);
      assert.equal(result.status, 400);
      assert.match(result.detail, /nest/);
    });

    it('rejects a very long operator chain with 400', async () => {
      const chain = `SELECT * WHERE { ?s ?p ?o FILTER(${Array(9_000).fill('1').join('+')} > 0) }`;
      const result = await status(chain);
      assert.equal(result.status, 400);
    });

    for (const text of ['# only a comment', 'PREFIX x: <http://x/>']) {
      it(`rejects ${JSON.stringify(text)} with 400`, async () => {
        const result = await status(text);
        assert.equal(result.status, 400);
        assert.match(result.detail, /no query/);
      });
    }

    it('rejects malformed percent-encoding with 400', async () => {
      const response = await server.request('/sparql?query=ASK%7B%7D%ZZ');
      assert.equal(response.status, 400);
      assert.match(((await response.json()) as { detail: string }).detail, /percent-encoding/);
    });

    it('rejects a body that is not UTF-8 with 400', async () => {
      const response = await server.request('/sparql', {
        method: 'POST',
        headers: { 'content-type': 'application/sparql-query' },
        body: Buffer.from([0x41, 0x53, 0x4b, 0x20, 0x7b, 0xff, 0xfe, 0x7d]),
      });
      assert.equal(response.status, 400);
      assert.match(((await response.json()) as { detail: string }).detail, /UTF-8/);
    });

    it('rejects a login with wrong JSON types or extra fields', async () => {
      for (const body of [
        { username: 1, password: 2 },
        { username: 'admin', password: 'x'.repeat(20), extra: true },
      ]) {
        const response = await server.request('/auth/login', {
          method: 'POST',
          auth: null,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        assert.equal(response.status, 400, JSON.stringify(body));
      }
    });

    it('names the update problem for SPARQL Update text', async () => {
      const result = await status('INSERT DATA { <http://a> <http://b> <http://c> }');
      assert.equal(result.status, 400);
      assert.match(result.detail, /SPARQL Update/);
      assert.doesNotMatch(result.detail, /update endpoint instead/);
    });
  });

  it('keeps serving after bad requests', async () => {
    const response = await server.request('/health', { auth: null });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });
});
