/**
 * Dataset settings over HTTP: shapes that reject writes with 422 and the report, the SHACL
 * validation endpoint, and reasoning visible to queries.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  countMatches,
  removeDir,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from '../helpers/server-process.js';

const EX = 'http://example.org/';
const SHAPES = `
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <${EX}> .
ex:PersonShape a sh:NodeShape ;
  sh:targetClass ex:Person ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ] .
`;
const JSON_BODY = { 'content-type': 'application/json' };
const UPDATE = { 'content-type': 'application/sparql-update' };

describe('shapes and reasoning over HTTP', () => {
  let server: ServerProcess;
  let dataDir: string;

  const count = (dataset: string, pattern: string): Promise<number> =>
    countMatches(server, pattern, dataset);

  before(async () => {
    dataDir = tempDataDir();
    server = await startServerProcess({ dataDir });
  });

  after(async () => {
    await server?.stop();
    removeDir(dataDir);
  });

  it('rejects invalid settings with 400 and creates nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ shapes: '@prefix broken' }, /not valid Turtle/],
      [{ reasoning: 'owl-full' }, /reasoning must be one of/],
      [{ colour: 'red' }, /Unknown dataset setting/],
    ];
    for (const [body, detail] of cases) {
      const response = await server.request('/admin/datasets/bad', {
        method: 'PUT',
        headers: JSON_BODY,
        body: JSON.stringify(body),
      });
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(((await response.json()) as { detail: string }).detail, detail);
    }
    const list = (await (await server.request('/admin/datasets')).json()) as {
      datasets: { name: string }[];
    };
    assert.ok(!list.datasets.some((dataset) => dataset.name === 'bad'));
  });

  it('rejects a write that breaks the shapes with 422 and the report', async () => {
    const created = await server.request('/admin/datasets/people', {
      method: 'PUT',
      headers: JSON_BODY,
      body: JSON.stringify({ shapes: SHAPES }),
    });
    assert.equal(created.status, 201);
    const rejected = await server.request('/datasets/people/update', {
      method: 'POST',
      headers: UPDATE,
      body: `INSERT DATA { <${EX}ann> a <${EX}Person> }`,
    });
    assert.equal(rejected.status, 422);
    const body = (await rejected.json()) as { code: string; report: string };
    assert.equal(body.code, 'VALIDATION_FAILED');
    assert.match(body.report, /sh:ValidationResult/);
    assert.equal(await count('people', '?s ?p ?o'), 0);

    const accepted = await server.request('/datasets/people/data?default', {
      method: 'POST',
      headers: { 'content-type': 'text/turtle' },
      body: `<${EX}ann> a <${EX}Person> ; <${EX}name> "Ann" .`,
    });
    assert.equal(accepted.status, 204);
    assert.equal(await count('people', '?s ?p ?o'), 2);
  });

  it('validates a dataset against posted shapes', async () => {
    const strict = `${SHAPES.replace('sh:minCount 1', 'sh:minCount 2')}`;
    for (const [shapes, conforms] of [
      [SHAPES, 'true'],
      [strict, 'false'],
    ] as const) {
      const response = await server.request('/datasets/people/shacl', {
        method: 'POST',
        headers: { 'content-type': 'text/turtle', accept: 'text/turtle' },
        body: shapes,
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('shacl-conforms'), conforms);
      assert.match(await response.text(), new RegExp(`sh:conforms ${conforms}`));
    }
    const anonymous = await server.request('/datasets/people/shacl', {
      method: 'POST',
      auth: null,
      headers: { 'content-type': 'text/turtle' },
      body: SHAPES,
    });
    assert.equal(anonymous.status, 401);
  });

  it('answers queries with inferences when reasoning is on', async () => {
    const created = await server.request('/admin/datasets/school', {
      method: 'PUT',
      headers: JSON_BODY,
      body: JSON.stringify({ reasoning: 'rdfs' }),
    });
    assert.equal(created.status, 201);
    const inserted = await server.request('/datasets/school/update', {
      method: 'POST',
      headers: UPDATE,
      body: `INSERT DATA {
        <${EX}Student> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <${EX}Person> .
        <${EX}eve> a <${EX}Student> }`,
    });
    assert.equal(inserted.status, 200);
    assert.equal(await count('school', `<${EX}eve> a <${EX}Person>`), 1);
    const query = encodeURIComponent(`ASK { <${EX}eve> a <${EX}Person> }`);
    const asserted = await server.request(`/datasets/school/sparql?query=${query}&inference=false`);
    assert.deepEqual(await asserted.json(), { head: {}, boolean: false });
    const list = (await (await server.request('/admin/datasets')).json()) as {
      datasets: { name: string; reasoning: string }[];
    };
    assert.equal(list.datasets.find((dataset) => dataset.name === 'school')?.reasoning, 'rdfs');
  });
});
