/**
 * The SPARQL 1.1 Service Description that a GET without a query returns on /sparql and
 * /datasets/NAME/sparql, on a real server (started in this process) on 127.0.0.1.
 */
import type * as RDF from '@rdfjs/types';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Parser } from 'n3';

import { DEFAULT_CONFIG } from '../../src/config.js';
import { GRAPH_OFFERED, RESULTS_OFFERED } from '../../src/server/negotiation.js';
import { startServer, type RunningServer } from '../../src/server/serve.js';
import {
  ADMIN_AUTH,
  ADMIN_PASSWORD,
  basic,
  removeDir,
  tempDataDir,
} from '../helpers/server-process.js';

const SD = 'http://www.w3.org/ns/sparql-service-description#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const FORMATS = 'http://www.w3.org/ns/formats/';
const ENTAILMENT = 'http://www.w3.org/ns/entailment/';
const READER_PASSWORD = 'reader-password-5678';
const OUTSIDER_PASSWORD = 'outsider-password-5678';

describe('service description', () => {
  let server: RunningServer;
  let dataDir: string;

  before(async () => {
    dataDir = tempDataDir();
    server = await startServer(
      { ...DEFAULT_CONFIG, dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent' },
      { adminPassword: ADMIN_PASSWORD },
    );
    await server.ready;
    for (const [name, reasoning] of [
      ['plain', 'none'],
      ['inferred', 'rdfs'],
      ['owl', 'owl2-rl'],
    ]) {
      const response = await request(`/admin/datasets/${name}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reasoning }),
      });
      assert.equal(response.status, 201, await response.text());
    }
    for (const [name, password, roles] of [
      ['reader', READER_PASSWORD, ['reader']],
      ['outsider', OUTSIDER_PASSWORD, []],
    ] as const) {
      const response = await request(`/admin/users/${name}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password, roles }),
      });
      assert.equal(response.status, 201, await response.text());
    }
  });

  after(async () => {
    await server?.close();
    removeDir(dataDir);
  });

  /** Sends a request with admin credentials, or with `auth` when given (null sends none). */
  function request(
    target: string,
    init: RequestInit & { auth?: string | null } = {},
  ): Promise<Response> {
    const { auth, ...rest } = init;
    const headers = new Headers(rest.headers);
    const authorization = auth === undefined ? ADMIN_AUTH : auth;
    if (authorization !== null) headers.set('authorization', authorization);
    return fetch(server.url + target, { ...rest, headers });
  }

  /** GETs a description as Turtle and returns its triples. */
  async function describeEndpoint(target: string): Promise<RDF.Quad[]> {
    const response = await request(target);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/turtle/);
    return new Parser({ baseIRI: server.url + target }).parse(await response.text());
  }

  function objectsOf(quads: RDF.Quad[], subject: RDF.Term, predicate: string): RDF.Term[] {
    return quads
      .filter((quad) => quad.subject.equals(subject) && quad.predicate.value === predicate)
      .map((quad) => quad.object);
  }

  function serviceOf(quads: RDF.Quad[]): RDF.Term {
    const services = quads.filter(
      (quad) => quad.predicate.value === RDF_TYPE && quad.object.value === `${SD}Service`,
    );
    assert.equal(services.length, 1);
    return services[0]!.subject;
  }

  it('names the endpoint and query languages', async () => {
    const quads = await describeEndpoint('/sparql');
    const service = serviceOf(quads);
    const endpoints = objectsOf(quads, service, `${SD}endpoint`);
    assert.deepEqual(
      endpoints.map((term) => term.value),
      [`${server.url}/sparql`],
    );
    assert.equal(endpoints[0]!.termType, 'NamedNode');
    const languages = objectsOf(quads, service, `${SD}supportedLanguage`).map((t) => t.value);
    assert.deepEqual(languages.sort(), [`${SD}SPARQL10Query`, `${SD}SPARQL11Query`]);
  });

  it('names a dataset endpoint without the query string', async () => {
    const quads = await describeEndpoint('/datasets/plain/sparql?format=turtle');
    const endpoints = objectsOf(quads, serviceOf(quads), `${SD}endpoint`);
    assert.deepEqual(
      endpoints.map((term) => term.value),
      [`${server.url}/datasets/plain/sparql`],
    );
  });

  it('lists every format the endpoint writes', async () => {
    const quads = await describeEndpoint('/sparql');
    const formats = objectsOf(quads, serviceOf(quads), `${SD}resultFormat`).map((t) => t.value);
    assert.equal(formats.length, RESULTS_OFFERED.length + GRAPH_OFFERED.length);
    assert.deepEqual(
      formats.sort(),
      [
        'N-Quads',
        'N-Triples',
        'SPARQL_Results_CSV',
        'SPARQL_Results_JSON',
        'SPARQL_Results_TSV',
        'SPARQL_Results_XML',
        'TriG',
        'Turtle',
      ].map((name) => FORMATS + name),
    );
  });

  it('describes the default dataset', async () => {
    const quads = await describeEndpoint('/sparql');
    const datasets = objectsOf(quads, serviceOf(quads), `${SD}defaultDataset`);
    assert.equal(datasets.length, 1);
    const datasetTypes = objectsOf(quads, datasets[0]!, RDF_TYPE).map((t) => t.value);
    assert.deepEqual(datasetTypes, [`${SD}Dataset`]);
    const graphs = objectsOf(quads, datasets[0]!, `${SD}defaultGraph`);
    assert.equal(graphs.length, 1);
    const graphTypes = objectsOf(quads, graphs[0]!, RDF_TYPE).map((t) => t.value);
    assert.deepEqual(graphTypes, [`${SD}Graph`]);
  });

  it('claims no sd:feature', async () => {
    const quads = await describeEndpoint('/sparql');
    assert.deepEqual(objectsOf(quads, serviceOf(quads), `${SD}feature`), []);
  });

  for (const [dataset, regime, profile] of [
    ['default', 'Simple', undefined],
    ['plain', 'Simple', undefined],
    ['inferred', 'RDFS', undefined],
    ['owl', 'OWL-RDF-Based', 'http://www.w3.org/ns/owl-profile/RL'],
  ] as const) {
    it(`gives the ${regime} regime for ${dataset}`, async () => {
      const quads = await describeEndpoint(`/datasets/${dataset}/sparql`);
      const service = serviceOf(quads);
      const regimes = objectsOf(quads, service, `${SD}defaultEntailmentRegime`);
      assert.deepEqual(
        regimes.map((term) => term.value),
        [ENTAILMENT + regime],
      );
      const profiles = objectsOf(quads, service, `${SD}supportedEntailmentProfile`);
      assert.deepEqual(
        profiles.map((term) => term.value),
        profile === undefined ? [] : [profile],
      );
    });
  }

  for (const [label, headers, target, mediaType] of [
    ['Accept N-Triples', { accept: 'application/n-triples' }, '/sparql', 'application/n-triples'],
    ['Accept TriG', { accept: 'application/trig' }, '/sparql', 'application/trig'],
    ['a browser Accept', { accept: 'text/html,*/*;q=0.8' }, '/sparql', 'text/turtle'],
    ['format=nt', {}, '/sparql?format=nt', 'application/n-triples'],
  ] as const) {
    it(`serves ${mediaType} for ${label}`, async () => {
      const response = await request(target, { headers });
      assert.equal(response.status, 200);
      const contentType = response.headers.get('content-type') ?? '';
      assert.equal(contentType.split(';', 1)[0], mediaType);
      assert.match(response.headers.get('vary') ?? '', /accept/i);
      const format = { 'text/turtle': 'Turtle', 'application/n-triples': 'N-Triples' }[
        mediaType as string
      ];
      const quads = new Parser(format === undefined ? {} : { format }).parse(await response.text());
      assert.ok(quads.some((quad) => quad.predicate.value === `${SD}endpoint`));
    });
  }

  it('rejects an Accept it cannot serve with 406', async () => {
    const response = await request('/sparql', { headers: { accept: 'text/html' } });
    assert.equal(response.status, 406);
  });

  it('rejects format=json with 406', async () => {
    const response = await request('/sparql?format=json');
    assert.equal(response.status, 406);
  });

  it('rejects an unknown format with 400', async () => {
    const response = await request('/sparql?format=bogus');
    assert.equal(response.status, 400);
    const body = (await response.json()) as { detail: string };
    assert.match(body.detail, /"bogus"/);
  });

  it('returns Turtle headers for HEAD', async () => {
    const response = await request('/sparql', { method: 'HEAD' });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/turtle/);
  });

  it('requires credentials', async () => {
    const response = await request('/sparql', { auth: null });
    assert.equal(response.status, 401);
  });

  it('requires read permission', async () => {
    const outsider = await request('/sparql', { auth: basic('outsider', OUTSIDER_PASSWORD) });
    assert.equal(outsider.status, 403);
    const reader = await request('/sparql', { auth: basic('reader', READER_PASSWORD) });
    assert.equal(reader.status, 200);
  });

  it('returns 404 for an unknown dataset', async () => {
    const response = await request('/datasets/missing/sparql');
    assert.equal(response.status, 404);
  });

  it('still runs a GET query', async () => {
    const response = await request(`/sparql?query=${encodeURIComponent('ASK {}')}`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { head: {}, boolean: true });
  });

  it('rejects a GET update with 400', async () => {
    const response = await request(`/sparql?update=${encodeURIComponent('CLEAR ALL')}`);
    assert.equal(response.status, 400);
  });
});
