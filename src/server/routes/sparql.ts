/**
 * The SPARQL 1.1 Protocol query operation on /sparql (the default dataset) and
 * /datasets/NAME/sparql: query via GET, via POST as a form, or via POST with an
 * application/sparql-query body. A GET without a query returns the service description.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../errors.js';
import { readableQuads } from '../../security/quad-access.js';
import { isAbsoluteIri } from '../../rdf/terms.js';
import { explainQuery } from '../../sparql/explain.js';
import {
  executeQuery,
  parseQuery,
  type ParsedQuery,
  type QueryResult,
} from '../../sparql/index.js';
import {
  RESULTS_MEDIA_TYPES,
  serializeBindings,
  serializeBoolean,
  type ResultsFormat,
} from '../../sparql/results/index.js';
import { serializeQuads } from '../../rdf/serialize.js';
import { RDF_MEDIA_TYPES, type RdfFormat } from '../../rdf/formats.js';
import { DEFAULT_DATASET } from '../../storage/engine.js';
import type { ServerContext } from '../app.js';
import { endpointIri } from '../endpoint-iri.js';
import { notAcceptable } from '../errors.js';
import {
  GRAPH_OFFERED,
  RESULTS_OFFERED,
  formatFromQueryParameter,
  negotiate,
} from '../negotiation.js';
import {
  abortOnDisconnect,
  collectBytes,
  prefetch,
  toByteStream,
  type Prefetched,
} from '../streaming.js';
import { isServiceDescriptionRequest, sendServiceDescription } from '../service-description.js';

type Parameters = Record<string, string | string[] | undefined>;

/** Most rows held in memory before a response starts streaming. */
const PREFETCH_LIMIT = 200_000;

const BOOLEAN_OFFERED = [RESULTS_MEDIA_TYPES.json, RESULTS_MEDIA_TYPES.xml] as const;

export function registerSparqlRoutes(app: FastifyInstance, context: ServerContext): void {
  const handler =
    (datasetOf: (request: FastifyRequest) => string) =>
    async (request: FastifyRequest, reply: FastifyReply) =>
      answerQuery(context, request, reply, datasetOf(request));

  const fixed = handler(() => DEFAULT_DATASET);
  const named = handler((request) => (request.params as { name: string }).name);
  app.get('/sparql', fixed);
  app.post('/sparql', fixed);
  app.get('/datasets/:name/sparql', named);
  app.post('/datasets/:name/sparql', named);
}

async function answerQuery(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  datasetName: string,
): Promise<FastifyReply> {
  // A GET without a query requests the endpoint's service description.
  if (isServiceDescriptionRequest(request)) {
    return sendServiceDescription(context, request, reply, datasetName);
  }
  const queryText = extractQuery(request);
  const parameters = (request.query ?? {}) as Parameters;
  const bodyParameters = isForm(request) ? (request.body as Parameters) : {};
  // The protocol's dataset parameters override FROM and FROM NAMED in the query text.
  const defaultGraphs = graphParameter('default-graph-uri', parameters, bodyParameters);
  const namedGraphs = graphParameter('named-graph-uri', parameters, bodyParameters);

  const principal = request.principal!;
  const access = context.security.access.requireReadAccess(principal, datasetName);
  // inference=false reads the asserted quads only, without a reasoning dataset's inferences.
  const assertedOnly = isFalse(parameters.inference) || isFalse(bodyParameters.inference);
  const stored = context.engine.dataset(datasetName, { assertedOnly });
  const dataset = {
    dictionary: stored.dictionary,
    quads: readableQuads(stored.quads, stored.dictionary, access),
  };
  const controller = abortOnDisconnect(context, reply);

  const parsed = parseQuery(queryText, endpointIri(request));
  const queryOptions = {
    timeoutMs: context.config.queryTimeoutMs,
    maxRows: context.config.maxResultRows,
    maxGroups: context.config.maxGroups,
    maxPathNodes: context.config.maxPathNodes,
    maxQueryMemoryBytes: context.config.maxQueryMemoryBytes,
    signal: controller.signal,
    ...(defaultGraphs ? { defaultGraphs } : {}),
    ...(namedGraphs ? { namedGraphs } : {}),
  };
  if (isTrue(parameters.explain) || isTrue(bodyParameters.explain)) {
    const explanation = await explainQuery(dataset, parsed, queryOptions);
    return reply.type('application/json; charset=utf-8').send(explanation);
  }
  // Negotiate before evaluating, so an unacceptable Accept header costs no query work.
  const offered = offeredFor(parsed.queryType);
  const mediaType = chooseMediaType(request, parameters, offered);
  if (mediaType === undefined) {
    const { status, body } = notAcceptable(offered);
    return reply.code(status).send(body);
  }

  const started = performance.now();
  const result = await executeQuery(dataset, parsed, queryOptions);
  request.log.info(
    {
      dataset: datasetName,
      kind: result.type,
      durationMs: Math.round(performance.now() - started),
    },
    'query evaluated',
  );
  return sendResult(reply, result, mediaType, prefetchCount(context.config.maxResultRows));
}

/**
 * Rows to evaluate before sending the status line: one more than the row cap, so a result over
 * the cap is a clean 400 and any result within it has been fully computed, at most
 * PREFETCH_LIMIT rows to bound memory. Past that, an error can only cut the response short.
 */
function prefetchCount(maxRows: number): number {
  return Math.min(maxRows + 1, PREFETCH_LIMIT);
}

function offeredFor(queryType: ParsedQuery['queryType']): readonly string[] {
  if (queryType === 'SELECT') return RESULTS_OFFERED;
  if (queryType === 'ASK') return BOOLEAN_OFFERED;
  return GRAPH_OFFERED;
}

function isTrue(value: string | string[] | undefined): boolean {
  return value === 'true' || value === '' || value === '1';
}

function isFalse(value: string | string[] | undefined): boolean {
  return value === 'false' || value === '0';
}

/**
 * Rejects a query string with malformed percent-encoding or encoded bytes that are not UTF-8.
 * The query-string parser leaves such values undecoded, which would surface later as a
 * confusing SPARQL syntax error at the "%".
 */
function checkPercentEncoding(request: FastifyRequest): void {
  const search = request.url.indexOf('?');
  if (search < 0) return;
  for (const part of request.url.slice(search + 1).split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw new InvalidArgumentError(
        'The query string has malformed percent-encoding or encodes bytes that are not UTF-8',
      );
    }
  }
}

/** Returns the IRIs of a repeatable dataset parameter, from the URL and a form body. */
function graphParameter(
  name: string,
  parameters: Parameters,
  bodyParameters: Parameters,
): string[] | undefined {
  const values = [parameters[name], bodyParameters[name]]
    .filter((value) => value !== undefined)
    .flat() as string[];
  if (values.length === 0) return undefined;
  for (const iri of values) {
    if (!isAbsoluteIri(iri)) {
      throw new InvalidArgumentError(`${name} must be an absolute IRI, got ${JSON.stringify(iri)}`);
    }
  }
  return values;
}

/** Returns the query text, rejecting requests that give none or more than one. */
function extractQuery(request: FastifyRequest): string {
  checkPercentEncoding(request);
  const fromUrl = (request.query as Parameters | undefined)?.query;
  let fromBody: string | string[] | undefined;
  if (request.method === 'POST') {
    const type = request.headers['content-type']?.split(';', 1)[0].trim().toLowerCase();
    if (type === 'application/sparql-query') fromBody = request.body as string;
    else if (type === 'application/x-www-form-urlencoded')
      fromBody = (request.body as Parameters).query;
    else {
      throw new InvalidArgumentError(
        `POST a query as application/sparql-query or application/x-www-form-urlencoded, ` +
          `not ${type ?? 'a body without Content-Type'}`,
      );
    }
  }
  const given = [fromUrl, fromBody].filter((value) => value !== undefined);
  if (given.length === 0) {
    throw new InvalidArgumentError('Missing query: pass it as the query parameter or POST body');
  }
  const values = given.flat();
  if (given.length > 1 || values.length > 1) {
    throw new InvalidArgumentError('Exactly one query is allowed per request');
  }
  const text = values[0];
  if (typeof text !== 'string' || text.trim() === '') {
    throw new InvalidArgumentError('The query is empty');
  }
  return text;
}

function isForm(request: FastifyRequest): boolean {
  return (
    request.method === 'POST' &&
    request.headers['content-type']
      ?.toLowerCase()
      .startsWith('application/x-www-form-urlencoded') === true
  );
}

/** Picks the media type from `format=` (Fuseki's shortcut) or else the Accept header. */
function chooseMediaType(
  request: FastifyRequest,
  parameters: Parameters,
  offered: readonly string[],
): string | undefined {
  const format = parameters.format;
  if (typeof format === 'string') {
    const mediaType = formatFromQueryParameter(format);
    if (mediaType === undefined) {
      throw new InvalidArgumentError(
        `Unknown format ${JSON.stringify(format)}; use json, xml, csv, tsv, turtle, ntriples, nquads or trig`,
      );
    }
    return offered.includes(mediaType) ? mediaType : undefined;
  }
  return negotiate(request.headers.accept, offered);
}

async function sendResult(
  reply: FastifyReply,
  result: QueryResult,
  mediaType: string,
  prefetchRows: number,
): Promise<FastifyReply> {
  reply.header('vary', 'Accept');

  if (result.type === 'boolean') {
    const format = resultsFormatOf(mediaType) as 'json' | 'xml';
    return reply.type(contentType(mediaType)).send(serializeBoolean(result.value, format));
  }
  if (result.type === 'bindings') {
    // Evaluate the first rows before sending headers, so an early error (a timeout inside a
    // join, a row cap) gets its own status instead of a cut-off 200.
    const rows = await prefetch(result.rows, prefetchRows);
    const chunks = serializeBindings(result.variables, rows, resultsFormatOf(mediaType));
    return sendChunks(reply.type(contentType(mediaType)), chunks, rows);
  }
  const quads = await prefetch(result.quads, prefetchRows);
  const format = rdfFormatOf(mediaType);
  return sendChunks(reply.type(contentType(mediaType)), serializeQuads(quads, format), quads);
}

/**
 * Sends a result that prefetch has read entirely as one Buffer, serialised before the status line,
 * so a serialisation error (a character XML cannot carry) still gets its own status, and the
 * body has a Content-Length and goes out in one write. A longer result streams in 64 KiB
 * buffers, and an error there can only cut it short.
 */
async function sendChunks(
  reply: FastifyReply,
  chunks: AsyncIterable<string>,
  items: Prefetched<unknown>,
): Promise<FastifyReply> {
  if (items.complete) return reply.send(await collectBytes(chunks));
  return reply.send(Readable.from(toByteStream(chunks)));
}

function resultsFormatOf(mediaType: string): ResultsFormat {
  const entry = Object.entries(RESULTS_MEDIA_TYPES).find(([, type]) => type === mediaType);
  if (entry === undefined) throw new Error(`No results format for ${mediaType}`);
  return entry[0] as ResultsFormat;
}

function rdfFormatOf(mediaType: string): RdfFormat {
  const entry = Object.entries(RDF_MEDIA_TYPES).find(([, type]) => type === mediaType);
  if (entry === undefined) throw new Error(`No RDF format for ${mediaType}`);
  return entry[0] as RdfFormat;
}

function contentType(mediaType: string): string {
  return `${mediaType}; charset=utf-8`;
}
