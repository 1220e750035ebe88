/**
 * Runs the W3C SPARQL 1.1 Protocol tests (mf:ProtocolTest, protocol/manifest.ttl) and Service
 * Description tests (mf:ServiceDescriptionTest) against a real server on 127.0.0.1, each test
 * on a fresh data dir.
 *
 * Each protocol test is one hand-written exchange, transcribed from the requests and expected
 * responses of its manifest entry. The manifest sends every request to `/sparql/` and leaves
 * the split between query and update endpoints to the runner, so each request here names its
 * endpoint: /sparql for queries and /update for updates. The named graphs a test reads
 * (ut:graphData) are loaded through the graph store before its first request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataFactory, Parser } from 'n3';

import { DEFAULT_CONFIG } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server/serve.js';
import { parseResults } from '../src/sparql/results/parse.js';
import { resultsFormatFromMediaType } from '../src/sparql/results/index.js';
import { readTestFile, MF, UT, type ManifestEntry } from './manifest.js';
import { failed, PASSED, type Outcome } from './outcome.js';
import { SERVICE_DESCRIPTION_CHECKS } from './service-description.js';

const PASSWORD = 'protocol-conformance-password';
const RDFS_LABEL = 'http://www.w3.org/2000/01/rdf-schema#label';
/** Wall-clock limit for one request, in milliseconds. */
const REQUEST_TIMEOUT_MS = 10_000;

const DATA = 'http://kasei.us/2009/09/sparql/data/';
const FORM = 'application/x-www-form-urlencoded';
const SPARQL_QUERY = 'application/sparql-query';
const SPARQL_UPDATE = 'application/sparql-update';

/** The response a request must get: the manifest's hts:StatusCode2xx/3xx or StatusCode4xx. */
type ExpectedStatus = 'success' | 'client-error';

/** The body a successful response must carry, as the manifest's mf:expectedFormat names it. */
type ExpectedFormat = 'boolean' | 'tabular' | 'RDF';

interface Exchange {
  endpoint: '/sparql' | '/update';
  method: string;
  /** Query string, already percent-encoded, without the leading `?`. */
  search?: string;
  /** Content-Type header; absent means the request sends none. */
  contentType?: string;
  /** Request body; a Uint8Array is sent as it is, and fetch adds no Content-Type for it. */
  body?: string | Uint8Array;
  status: ExpectedStatus;
  format?: ExpectedFormat;
  /** The value an ASK result must have (mf:expectedBoolean). */
  boolean?: boolean;
}

// ---------------------------------------------------------------------------------------------
// The exchanges, by test name

const encode = encodeURIComponent;

/** Returns a query string that repeats parameter `name` once for each value. */
function repeated(name: string, values: string[]): string {
  return values.map((value) => `${name}=${encode(value)}`).join('&');
}

function data(name: string): string {
  return `${DATA}${name}.rdf`;
}

/** A POST of an application/sparql-query body whose ASK must be true. */
function askTrue(body: string, search?: string): Exchange {
  return {
    endpoint: '/sparql',
    method: 'POST',
    search,
    contentType: SPARQL_QUERY,
    body,
    status: 'success',
    format: 'boolean',
    boolean: true,
  };
}

function askGetTrue(query: string, search: string): Exchange {
  return {
    endpoint: '/sparql',
    method: 'GET',
    search: `query=${encode(query)}&${search}`,
    status: 'success',
    format: 'boolean',
    boolean: true,
  };
}

function postUpdate(body: string, search?: string): Exchange {
  return {
    endpoint: '/update',
    method: 'POST',
    search,
    contentType: SPARQL_UPDATE,
    body,
    status: 'success',
  };
}

function rejected(exchange: Omit<Exchange, 'status'>): Exchange {
  return { ...exchange, status: 'client-error' };
}

/** Encodes text as UTF-16 with a big-endian byte order mark, as RFC 2781 recommends. */
function utf16(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'utf16le').swap16();
  return Buffer.concat([Buffer.from([0xfe, 0xff]), bytes]);
}

const DATA0 = `default-graph-uri=${encode(data('data0'))}`;
const BOTH_DOCUMENTS = `<${data('data1')}> a ?type . <${data('data2')}> a ?type .`;
const BOTH_IN_GRAPHS =
  `GRAPH ?g1 { <${data('data1')}> a ?type } ` + `GRAPH ?g2 { <${data('data2')}> a ?type }`;
const FOAF_DOCUMENTS_IN_THREE_GRAPHS = `PREFIX dc: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
DROP ALL ;
INSERT DATA {
  GRAPH <${data('data1')}> { <${data('data1')}> a foaf:Document }
  GRAPH <${data('data2')}> { <${data('data2')}> a foaf:Document }
  GRAPH <${data('data3')}> { <${data('data3')}> a foaf:Document }
} ;`;

/** Returns an ASK that data1 and data2, but not data3, were copied into `graph` as `type`. */
function askCopiedFirstTwo(graph: string, type: string): string {
  return `ASK {
  GRAPH <${graph}> { <${data('data1')}> a ${type} . <${data('data2')}> a ${type} . }
  FILTER NOT EXISTS { GRAPH <${graph}> { <${data('data3')}> a ${type} } }
}`;
}

const BIBLIOGRAPHIC = '<http://purl.org/dc/terms/BibliographicResource>';

const EXCHANGES: Record<string, Exchange[]> = {
  query_post_form: [
    {
      endpoint: '/sparql',
      method: 'POST',
      search: DATA0,
      contentType: FORM,
      body: 'query=ASK%20%7B%7D',
      status: 'success',
      format: 'boolean',
      boolean: true,
    },
  ],
  query_dataset_default_graphs_get: [
    askGetTrue(
      `ASK { ${BOTH_DOCUMENTS} }`,
      repeated('default-graph-uri', [data('data1'), data('data2')]),
    ),
  ],
  query_dataset_default_graphs_post: [
    askTrue(
      `ASK { ${BOTH_DOCUMENTS} }`,
      repeated('default-graph-uri', [data('data1'), data('data2')]),
    ),
  ],
  query_dataset_named_graphs_post: [
    askTrue(
      `ASK { ${BOTH_IN_GRAPHS} }`,
      repeated('named-graph-uri', [data('data1'), data('data2')]),
    ),
  ],
  query_dataset_named_graphs_get: [
    askGetTrue(
      `ASK { ${BOTH_IN_GRAPHS} }`,
      repeated('named-graph-uri', [data('data1'), data('data2')]),
    ),
  ],
  query_dataset_full: [
    askTrue(
      `ASK { <${data('data3')}> a ?type ${BOTH_IN_GRAPHS} }`,
      `default-graph-uri=${encode(data('data3'))}&` +
        repeated('named-graph-uri', [data('data1'), data('data2')]),
    ),
  ],
  // FROM alone would leave no named graphs, so a true result shows that the protocol's dataset
  // replaced the query's.
  query_multiple_dataset: [
    askTrue(
      `ASK FROM <${data('data3')}> { ${BOTH_IN_GRAPHS} }`,
      repeated('named-graph-uri', [data('data1'), data('data2')]),
    ),
  ],
  query_get: [askGetTrue('ASK {}', DATA0)],
  query_content_type_select: [
    { ...askTrue('SELECT (1 AS ?value) {}', DATA0), format: 'tabular', boolean: undefined },
  ],
  query_content_type_ask: [{ ...askTrue('ASK {}', DATA0), boolean: undefined }],
  query_content_type_describe: [
    { ...askTrue('DESCRIBE <http://example.org/>', DATA0), format: 'RDF', boolean: undefined },
  ],
  query_content_type_construct: [
    { ...askTrue('CONSTRUCT { <s> <p> 1 } WHERE {}', DATA0), format: 'RDF', boolean: undefined },
  ],
  update_dataset_default_graph: [
    postUpdate(
      `PREFIX dc: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
CLEAR ALL ;
INSERT DATA { GRAPH <${data('data1')}> { <${data('data1')}> a foaf:Document } } ;
INSERT { GRAPH <http://example.org/protocol-update-dataset-test/> { ?s a dc:BibliographicResource } }
WHERE { ?s a foaf:Document }`,
      `using-graph-uri=${encode(data('data1'))}`,
    ),
    askTrue(`ASK {
  GRAPH <http://example.org/protocol-update-dataset-test/> {
    <${data('data1')}> a ${BIBLIOGRAPHIC}
  }
}`),
  ],
  update_dataset_default_graphs: [
    postUpdate(
      `${FOAF_DOCUMENTS_IN_THREE_GRAPHS}
INSERT { GRAPH <http://example.org/protocol-update-dataset-graphs-test/> { ?s a dc:BibliographicResource } }
WHERE { ?s a foaf:Document }`,
      repeated('using-graph-uri', [data('data1'), data('data2')]),
    ),
    askTrue(
      askCopiedFirstTwo('http://example.org/protocol-update-dataset-graphs-test/', BIBLIOGRAPHIC),
    ),
  ],
  update_dataset_named_graphs: [
    postUpdate(
      `${FOAF_DOCUMENTS_IN_THREE_GRAPHS}
INSERT { GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> { ?s a dc:BibliographicResource } }
WHERE { GRAPH ?g { ?s a foaf:Document } }`,
      repeated('using-named-graph-uri', [data('data1'), data('data2')]),
    ),
    askTrue(
      askCopiedFirstTwo(
        'http://example.org/protocol-update-dataset-named-graphs-test/',
        BIBLIOGRAPHIC,
      ),
    ),
  ],
  update_dataset_full: [
    postUpdate(
      `${FOAF_DOCUMENTS_IN_THREE_GRAPHS}
INSERT { GRAPH <http://example.org/protocol-update-dataset-full-test/> { ?s <http://example.org/in> ?in } }
WHERE {
  { GRAPH ?g { ?s a foaf:Document } BIND(?g AS ?in) }
  UNION
  { ?s a foaf:Document . BIND("default" AS ?in) }
}`,
      `using-graph-uri=${encode(data('data1'))}&using-named-graph-uri=${encode(data('data2'))}`,
    ),
    askTrue(`ASK {
  GRAPH <http://example.org/protocol-update-dataset-full-test/> {
    <${data('data1')}> <http://example.org/in> "default" .
    <${data('data2')}> <http://example.org/in> <${data('data2')}> .
  }
  FILTER NOT EXISTS {
    GRAPH <http://example.org/protocol-update-dataset-full-test/> { <${data('data3')}> ?p ?o }
  }
}`),
  ],
  update_post_form: [
    {
      endpoint: '/update',
      method: 'POST',
      contentType: FORM,
      body: 'update=CLEAR+ALL',
      status: 'success',
    },
  ],
  update_post_direct: [postUpdate('CLEAR ALL')],
  // The relative IRI <test> must resolve against a base the service picks.
  update_base_uri: [
    postUpdate(`CLEAR SILENT GRAPH <http://example.org/protocol-base-test/> ;
INSERT DATA { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> <http://example.org/p> <test> } }`),
    askTrue(`ASK {
  GRAPH <http://example.org/protocol-base-test/> {
    <http://example.org/s> <http://example.org/p> ?o
    FILTER (isIRI(?o) && STR(?o) != "test")
  }
}`),
  ],
  query_post_direct: [askTrue('ASK {}')],
  bad_query_method: [
    rejected({
      endpoint: '/sparql',
      method: 'PUT',
      search: `query=ASK%20%7B%7D&${DATA0}`,
      contentType: FORM,
    }),
  ],
  bad_multiple_queries: [
    rejected({
      endpoint: '/sparql',
      method: 'GET',
      search: 'query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D',
    }),
  ],
  bad_query_wrong_media_type: [
    rejected({ endpoint: '/sparql', method: 'POST', contentType: 'text/plain', body: 'ASK {}' }),
  ],
  bad_query_missing_form_type: [
    rejected({
      endpoint: '/sparql',
      method: 'POST',
      body: new TextEncoder().encode('query=ASK%20%7B%7D'),
    }),
  ],
  bad_query_missing_direct_type: [
    rejected({ endpoint: '/sparql', method: 'POST', body: new TextEncoder().encode('ASK {}') }),
  ],
  bad_query_non_utf8: [
    rejected({
      endpoint: '/sparql',
      method: 'POST',
      contentType: `${SPARQL_QUERY}; charset=UTF-16`,
      body: utf16('ASK {}'),
    }),
  ],
  bad_query_syntax: [rejected({ endpoint: '/sparql', method: 'GET', search: 'query=ASK%20%7B' })],
  bad_update_get: [rejected({ endpoint: '/update', method: 'GET', search: 'update=CLEAR%20ALL' })],
  bad_multiple_updates: [
    rejected({
      endpoint: '/update',
      method: 'POST',
      contentType: FORM,
      body: 'update=CLEAR%20NAMED&update=CLEAR%20DEFAULT',
    }),
  ],
  bad_update_wrong_media_type: [
    rejected({
      endpoint: '/update',
      method: 'POST',
      contentType: 'text/plain',
      body: 'CLEAR NAMED',
    }),
  ],
  bad_update_missing_form_type: [
    rejected({
      endpoint: '/update',
      method: 'POST',
      body: new TextEncoder().encode('update=CLEAR%20NAMED'),
    }),
  ],
  bad_update_non_utf8: [
    rejected({
      endpoint: '/update',
      method: 'POST',
      contentType: `${SPARQL_UPDATE}; charset=UTF-16`,
      body: utf16('CLEAR NAMED'),
    }),
  ],
  bad_update_syntax: [
    rejected({
      endpoint: '/update',
      method: 'POST',
      contentType: FORM,
      body: 'update=CLEAR%20XYZ',
    }),
  ],
  bad_update_dataset_conflict: [
    rejected({
      endpoint: '/update',
      method: 'POST',
      search: `using-named-graph-uri=${encode('http://example/people')}`,
      contentType: SPARQL_UPDATE,
      body: `PREFIX foaf: <http://xmlns.com/foaf/0.1/>
WITH <http://example/addresses>
DELETE { ?person foaf:givenName 'Bill' }
INSERT { ?person foaf:givenName 'William' }
WHERE { ?person foaf:givenName 'Bill' }`,
    }),
  ],
};

// ---------------------------------------------------------------------------------------------
// The runner

export function isProtocolTest(entry: ManifestEntry): boolean {
  return (
    entry.types.includes(`${MF}ProtocolTest`) || entry.types.includes(`${MF}ServiceDescriptionTest`)
  );
}

/** Runs one protocol or service description test on its own server and data dir. */
export async function runProtocolTest(entry: ManifestEntry): Promise<Outcome> {
  const name = entry.iri.slice(entry.iri.lastIndexOf('#') + 1);
  const isServiceDescription = entry.types.includes(`${MF}ServiceDescriptionTest`);
  if (isServiceDescription && !Object.hasOwn(SERVICE_DESCRIPTION_CHECKS, name)) {
    return failed(`no check is written for service description test ${name}`);
  }
  const exchanges = Object.hasOwn(EXCHANGES, name) ? EXCHANGES[name] : undefined;
  if (!isServiceDescription && exchanges === undefined) {
    return failed(`no exchange is written for protocol test ${name}`);
  }

  const dataDir = mkdtempSync(path.join(tmpdir(), 'seven-tick-protocol-test-'));
  const server = await startServer(
    { ...DEFAULT_CONFIG, dataDir, host: '127.0.0.1', port: 0, logLevel: 'silent' },
    { adminPassword: PASSWORD },
  );
  try {
    await server.ready;
    const send = sender(server);
    if (isServiceDescription) {
      const problem = await SERVICE_DESCRIPTION_CHECKS[name]!(server.url, send);
      return problem === undefined ? PASSED : failed(problem);
    }

    const loaded = await loadGraphData(entry, send);
    if (loaded !== undefined) return loaded;
    for (const [index, exchange] of exchanges!.entries()) {
      const outcome = await runExchange(exchange, `request ${index + 1}`, send);
      if (outcome !== undefined) return outcome;
    }
    return PASSED;
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Sends a request with admin credentials to a path of the server, within the time limit. */
export type Send = (target: string, init?: RequestInit) => Promise<Response>;

function sender(server: RunningServer): Send {
  const authorization = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
  return (target, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', authorization);
    return fetch(server.url + target, {
      ...init,
      headers,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  };
}

/** Loads each ut:graphData file of the test into its named graph with a graph store PUT. */
async function loadGraphData(entry: ManifestEntry, send: Send): Promise<Outcome | undefined> {
  const graph = entry.graph;
  for (const graphData of graph.objects(DataFactory.namedNode(entry.iri), `${UT}graphData`)) {
    const file = graph.object(graphData, `${UT}graph`)!.value;
    const iri = graph.object(graphData, RDFS_LABEL)!.value;
    const response = await send(`/data?graph=${encode(iri)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/n-triples' },
      body: readTestFile(file),
    });
    const text = await response.text();
    if (!response.ok) {
      return failed(`loading ${iri} returned ${response.status}: ${text.slice(0, 200)}`);
    }
  }
  return undefined;
}

/** Sends one exchange and returns a failure, or undefined when the response is as expected. */
async function runExchange(
  exchange: Exchange,
  label: string,
  send: Send,
): Promise<Outcome | undefined> {
  const target = exchange.endpoint + (exchange.search === undefined ? '' : `?${exchange.search}`);
  const headers: Record<string, string> = {};
  if (exchange.contentType !== undefined) headers['content-type'] = exchange.contentType;
  const response = await send(target, {
    method: exchange.method,
    headers,
    body: exchange.body,
  });
  const text = await response.text();
  const described = `${label} (${exchange.method} ${exchange.endpoint}) returned ${response.status}`;

  if (exchange.status === 'client-error') {
    // 401 and 403 would mean the credentials failed, not that the request was rejected.
    const rejectedAsExpected =
      response.status >= 400 && response.status < 500 && ![401, 403].includes(response.status);
    return rejectedAsExpected
      ? undefined
      : failed(`${described}, expected a 4xx rejection: ${text.slice(0, 200)}`);
  }
  if (response.status < 200 || response.status >= 400) {
    return failed(`${described}, expected 2xx or 3xx: ${text.slice(0, 200)}`);
  }
  if (exchange.format === undefined) return undefined;
  const contentType = response.headers.get('content-type') ?? '';
  const problem = checkFormat(exchange, contentType, text);
  return problem === undefined ? undefined : failed(`${described}: ${problem}`);
}

/** Returns what is wrong with a successful response body, or undefined when nothing is. */
function checkFormat(exchange: Exchange, contentType: string, text: string): string | undefined {
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (exchange.format === 'RDF') {
    // The test also allows RDF/XML and RDFa, which this server does not write.
    const n3Format = { 'text/turtle': 'Turtle', 'application/n-triples': 'N-Triples' }[mediaType];
    if (n3Format === undefined) return `content type ${contentType} is not Turtle or N-Triples`;
    try {
      new Parser({ format: n3Format }).parse(text);
    } catch (error) {
      return `the ${n3Format} body does not parse: ${(error as Error).message}`;
    }
    return undefined;
  }

  const resultsFormat = resultsFormatFromMediaType(mediaType);
  const allowed = exchange.format === 'boolean' ? ['json', 'xml'] : ['json', 'xml', 'csv', 'tsv'];
  if (resultsFormat === undefined || !allowed.includes(resultsFormat)) {
    return `content type ${contentType} is not a ${exchange.format} results format`;
  }
  if (resultsFormat === 'csv') {
    parseResults(text, 'csv');
    return undefined;
  }
  const results = parseResults(text, resultsFormat);
  if (exchange.format === 'tabular') {
    return 'variables' in results ? undefined : 'the results are a boolean, not a table';
  }
  if (!('boolean' in results)) return 'the results are a table, not a boolean';
  if (exchange.boolean !== undefined && results.boolean !== exchange.boolean) {
    return `the ASK result is ${results.boolean}, expected ${exchange.boolean}`;
  }
  return undefined;
}
