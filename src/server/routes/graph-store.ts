/**
 * The SPARQL 1.1 Graph Store HTTP Protocol on /data (the default dataset) and
 * /datasets/NAME/data. `?default` names the default graph and `?graph=IRI` a named graph;
 * without either, GET and HEAD return the whole dataset and POST and PUT take quads (TriG,
 * N-Quads) for the whole dataset.
 *
 * A graph exists while it holds quads; the default graph always exists. A body is read and
 * parsed in full (within maxBodyBytes) before the write transaction starts, so a slow upload
 * never holds up other writers, and a syntax error anywhere in it changes nothing.
 */
import type * as RDF from '@rdfjs/types';
import { randomUUID } from 'node:crypto';
import { Readable as ReadableStream } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidArgumentError, NotFoundError } from '../../errors.js';
import { formatFromMediaType, RDF_MEDIA_TYPES, type RdfFormat } from '../../rdf/formats.js';
import { internBody, parseGraphStoreBody, registerBodyParsers } from '../graph-store-body.js';
import { serializeQuads } from '../../rdf/serialize.js';
import { factory, isAbsoluteIri, termFromKey } from '../../rdf/terms.js';
import { reachesAnyGraph } from '../../security/access.js';
import { Permission } from '../../security/permissions.js';
import { guardedWriter, readableQuads } from '../../security/quad-access.js';
import { DEFAULT_DATASET } from '../../storage/engine.js';
import { collect } from '../../store/overlay.js';
import { ANY, DEFAULT_GRAPH_ID, type QuadSource, type TermDictionary } from '../../store/types.js';
import type { ServerContext } from '../app.js';
import { notAcceptable } from '../errors.js';
import { GRAPH_OFFERED, negotiate } from '../negotiation.js';
import { toByteStream } from '../streaming.js';
import { auditWrite, requireWritable } from './write-guard.js';

/** Which graph a request is about: one graph, or the whole dataset (undefined). */
type Target = { kind: 'default' } | { kind: 'named'; iri: string } | undefined;

export function registerGraphStoreRoutes(app: FastifyInstance, context: ServerContext): void {
  registerBodyParsers(app, context.config.maxBodyBytes);
  const nameOf = (request: FastifyRequest): string =>
    (request.params as { name?: string }).name ?? DEFAULT_DATASET;
  for (const path of ['/data', '/datasets/:name/data', '/data/*', '/datasets/:name/data/*']) {
    // Fastify answers HEAD through the GET route.
    app.get(path, (request, reply) => getGraph(context, request, reply, nameOf(request)));
    app.put(path, (request, reply) => writeGraph(context, request, reply, nameOf(request), 'put'));
    app.post(path, (request, reply) =>
      writeGraph(context, request, reply, nameOf(request), 'post'),
    );
    app.delete(path, (request, reply) => deleteGraph(context, request, reply, nameOf(request)));
  }
}

async function getGraph(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  datasetName: string,
): Promise<FastifyReply> {
  const target = targetOf(request);
  const principal = request.principal!;
  const access = context.security.access.graphAccess(principal, Permission.Read, datasetName);
  if (!reachesAnyGraph(access)) {
    context.security.access.require(principal, Permission.Read, { dataset: datasetName });
  }
  const stored = context.engine.dataset(datasetName);
  const quads = readableQuads(stored.quads, stored.dictionary, access);
  const graph = graphIdOf(target, stored.dictionary);
  if (
    target?.kind === 'named' &&
    (graph === undefined || quads.count(ANY, ANY, ANY, graph) === 0)
  ) {
    throw new NotFoundError(`Graph <${target.iri}> does not exist in dataset ${datasetName}`);
  }

  const offered = target === undefined ? QUAD_FORMATS_FIRST : GRAPH_OFFERED;
  const mediaType = negotiate(request.headers.accept, offered);
  if (mediaType === undefined) {
    const { status, body } = notAcceptable(offered);
    return reply.code(status).send(body);
  }
  reply.header('vary', 'Accept').type(`${mediaType}; charset=utf-8`);
  if (request.method === 'HEAD') return reply.send();
  const format = formatOfMediaType(mediaType);
  const source = decodeQuads(quads, stored.dictionary, graph ?? ANY);
  return reply.send(ReadableStream.from(toByteStream(serializeQuads(source, format))));
}

/** For a whole dataset, the formats that keep graph names come first. */
const QUAD_FORMATS_FIRST = [
  RDF_MEDIA_TYPES.trig,
  RDF_MEDIA_TYPES.nquads,
  RDF_MEDIA_TYPES.turtle,
  RDF_MEDIA_TYPES.ntriples,
];

async function writeGraph(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  datasetName: string,
  method: 'put' | 'post',
): Promise<FastifyReply> {
  requireWritable(context); // security: read-only while the incident level is high or critical
  let target = targetOf(request);
  const principal = request.principal!;
  const { access } = context.security;
  const writeAccess = access.graphAccess(principal, Permission.Write, datasetName);
  if (!reachesAnyGraph(writeAccess)) {
    access.require(principal, Permission.Write, { dataset: datasetName });
  }
  // PUT replaces what is there, so it also needs delete.
  const deleteAccess = access.graphAccess(principal, Permission.Delete, datasetName);
  if (method === 'put' && !reachesAnyGraph(deleteAccess)) {
    access.require(principal, Permission.Delete, { dataset: datasetName });
  }
  context.engine.dataset(datasetName);

  const body = await parseGraphStoreBody(request, {
    oneGraph: target !== undefined,
    maxBytes: context.config.maxBodyBytes,
    baseIri: requestUrl(request),
  });
  // POST of triples to the graph store itself creates a graph with a new IRI (Location).
  let newGraph: string | undefined;
  if (target === undefined && method === 'post' && !body.namesGraphs) {
    newGraph = `urn:uuid:${randomUUID()}`;
    target = { kind: 'named', iri: newGraph };
  }
  const {
    value: created,
    inserted,
    deleted,
  } = await context.engine.transaction(
    datasetName,
    async (transaction) => {
      const { dictionary } = transaction;
      const writer = guardedWriter(
        transaction,
        dictionary,
        { write: writeAccess, delete: deleteAccess },
        datasetName,
      );
      const graph = graphIdOf(target, dictionary, true);
      const existed = graph !== undefined && transaction.quads.count(ANY, ANY, ANY, graph) > 0;
      if (method === 'put') {
        // PUT replaces: the target graph, or for the whole dataset every graph.
        writer.delete(collect(transaction.quads.match(ANY, ANY, ANY, graph ?? ANY)));
      }
      writer.insert(internBody(body, dictionary, graph));
      return target?.kind === 'named' && !existed;
    },
    { source: `graph store ${method.toUpperCase()} by ${principal.username}` },
  );
  // security: audit entry of the committed write (counts only, never the body)
  auditWrite(context, request, {
    dataset: datasetName,
    operations: [method],
    graph: target === undefined ? undefined : target.kind === 'named' ? target.iri : 'default',
    inserted,
    deleted,
  });
  if (newGraph !== undefined) reply.header('location', newGraph);
  return reply.code(created ? 201 : 204).send();
}

async function deleteGraph(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  datasetName: string,
): Promise<FastifyReply> {
  requireWritable(context); // security: read-only while the incident level is high or critical
  const target = targetOf(request);
  if (target === undefined) {
    throw new InvalidArgumentError('DELETE needs ?default or ?graph=IRI');
  }
  const principal = request.principal!;
  const { access } = context.security;
  const deleteAccess = access.graphAccess(principal, Permission.Delete, datasetName);
  if (!reachesAnyGraph(deleteAccess)) {
    access.require(principal, Permission.Delete, { dataset: datasetName });
  }
  const readAccess = access.graphAccess(principal, Permission.Read, datasetName);
  context.engine.dataset(datasetName);
  const { inserted, deleted } = await context.engine.transaction(
    datasetName,
    async (transaction) => {
      const { dictionary } = transaction;
      const graph = graphIdOf(target, dictionary);
      // A graph the requester may not read looks absent, as it does to GET.
      const visible = readableQuads(transaction.quads, dictionary, readAccess);
      const quads =
        graph === undefined ? new Uint32Array(0) : collect(visible.match(ANY, ANY, ANY, graph));
      if (target.kind === 'named' && quads.length === 0) {
        throw new NotFoundError(`Graph <${target.iri}> does not exist in dataset ${datasetName}`);
      }
      guardedWriter(
        transaction,
        dictionary,
        { write: deleteAccess, delete: deleteAccess },
        datasetName,
      ).delete(quads);
    },
    { source: `graph store DELETE by ${principal.username}` },
  );
  // security: audit entry of the committed write
  auditWrite(context, request, {
    dataset: datasetName,
    operations: ['delete'],
    graph: target.kind === 'named' ? target.iri : 'default',
    inserted,
    deleted,
  });
  return reply.code(204).send();
}

/**
 * Reads `?default` or `?graph=IRI`; both, or a repeated or relative graph, is an error. Under
 * `/data/...` (direct identification) the graph IRI is the request URL without its query.
 */
function targetOf(request: FastifyRequest): Target {
  const query = (request.query ?? {}) as Record<string, string | string[] | undefined>;
  const hasDefault = query.default !== undefined;
  const graph = query.graph;
  if ((request.params as { '*'?: string })['*'] !== undefined) {
    if (hasDefault || graph !== undefined) {
      throw new InvalidArgumentError(
        'A graph named by the request URL takes no ?default or ?graph',
      );
    }
    // A graph IRI with dot segments would name a different resource once normalised.
    if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(request.url.split('?', 1)[0]!)) {
      throw new InvalidArgumentError('A graph path must not contain "." or ".." segments');
    }
    return { kind: 'named', iri: requestUrl(request) };
  }
  if (hasDefault && graph !== undefined) {
    throw new InvalidArgumentError('Give either ?default or ?graph=IRI, not both');
  }
  if (Array.isArray(graph)) throw new InvalidArgumentError('Give one ?graph=IRI per request');
  if (graph !== undefined) {
    // '%' in an IRI starts a percent-encoded octet; anything else is a malformed IRI.
    if (!isAbsoluteIri(graph) || /%(?![0-9A-Fa-f]{2})/.test(graph)) {
      throw new InvalidArgumentError(`graph must be an absolute IRI, got ${JSON.stringify(graph)}`);
    }
    return { kind: 'named', iri: graph };
  }
  return hasDefault ? { kind: 'default' } : undefined;
}

/** Returns the absolute URL of the request without its query string. */
function requestUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${request.url.split('?', 1)[0]}`;
}

/**
 * Returns the graph id of a target: DEFAULT_GRAPH_ID, the id of a named graph, or undefined
 * for the whole dataset or a graph IRI the dictionary does not have (unless `intern`).
 */
function graphIdOf(target: Target, dictionary: TermDictionary, intern = false): number | undefined {
  if (target === undefined) return undefined;
  if (target.kind === 'default') return DEFAULT_GRAPH_ID;
  return intern ? dictionary.intern(target.iri) : dictionary.lookup(target.iri);
}

/** The quads of one graph (or all, with ANY) as RDF/JS quads, read lazily. */
function* decodeQuads(
  quads: QuadSource,
  dictionary: TermDictionary,
  graph: number,
): Generator<RDF.Quad> {
  const cursor = quads.match(ANY, ANY, ANY, graph);
  const term = (id: number): RDF.Term => termFromKey(dictionary.key(id));
  while (cursor.next()) {
    yield factory.quad(
      term(cursor.s) as RDF.Quad_Subject,
      term(cursor.p) as RDF.Quad_Predicate,
      term(cursor.o) as RDF.Quad_Object,
      graph === ANY ? (term(cursor.g) as RDF.Quad_Graph) : factory.defaultGraph(),
    );
  }
}

function formatOfMediaType(mediaType: string): RdfFormat {
  const format = formatFromMediaType(mediaType);
  if (format === undefined) throw new Error(`No RDF format for ${mediaType}`);
  return format;
}
