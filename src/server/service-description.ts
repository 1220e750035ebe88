/**
 * The SPARQL 1.1 Service Description of a query endpoint. A GET (or HEAD) on /sparql or
 * /datasets/NAME/sparql without a `query` parameter returns an RDF graph. It names the
 * endpoint, the query languages, the result formats, the entailment regime and the default
 * dataset. Vocabulary: https://www.w3.org/TR/sparql11-service-description/
 */
import type * as RDF from '@rdfjs/types';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataFactory } from 'n3';

import { InvalidArgumentError } from '../errors.js';
import { RDF_MEDIA_TYPES, type RdfFormat } from '../rdf/formats.js';
import { serializeQuads } from '../rdf/serialize.js';
import type { Ruleset } from '../reasoning/rule-set.js';
import type { ServerContext } from './app.js';
import { notAcceptable } from './errors.js';
import {
  formatFromQueryParameter,
  GRAPH_OFFERED,
  negotiate,
  RESULTS_OFFERED,
} from './negotiation.js';

const { namedNode, blankNode, quad } = DataFactory;

export const SD = 'http://www.w3.org/ns/sparql-service-description#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const FORMATS = 'http://www.w3.org/ns/formats/';
const ENTAILMENT = 'http://www.w3.org/ns/entailment/';
const OWL_PROFILE = 'http://www.w3.org/ns/owl-profile/';

/** The W3C format IRI of each media type the query endpoint can return. */
const FORMAT_IRIS: Record<string, string> = {
  'application/sparql-results+json': `${FORMATS}SPARQL_Results_JSON`,
  'application/sparql-results+xml': `${FORMATS}SPARQL_Results_XML`,
  'text/csv': `${FORMATS}SPARQL_Results_CSV`,
  'text/tab-separated-values': `${FORMATS}SPARQL_Results_TSV`,
  'text/turtle': `${FORMATS}Turtle`,
  'application/n-triples': `${FORMATS}N-Triples`,
  'application/n-quads': `${FORMATS}N-Quads`,
  'application/trig': `${FORMATS}TriG`,
};

const PREFIXES = { sd: SD, formats: FORMATS, ent: ENTAILMENT };

type Parameters = Record<string, string | string[] | undefined>;

export interface ServiceFacts {
  /** Absolute URL of the endpoint, without a query string. */
  endpoint: string;
  /** Reasoning of the dataset behind the endpoint. Undefined and 'none' both mean none. */
  reasoning: Ruleset | undefined;
}

/**
 * Returns true for a GET or HEAD that names neither a query nor an update. The query endpoint
 * returns its service description for such a request.
 */
export function isServiceDescriptionRequest(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const parameters = (request.query ?? {}) as Parameters;
  return parameters.query === undefined && parameters.update === undefined;
}

/**
 * Builds the description of one query endpoint as triples in the default graph.
 *
 * sd:feature is left out because none of the five features that the vocabulary defines
 * applies. The default graph is not the union of the named graphs, and empty graphs are not
 * kept. FROM does not dereference IRIs, a query needs no dataset, and SERVICE is not supported.
 */
export function describeService(facts: ServiceFacts): RDF.Quad[] {
  const service = blankNode('service');
  const dataset = blankNode('dataset');
  const defaultGraph = blankNode('defaultGraph');
  const triples: [RDF.Quad_Subject, string, RDF.Quad_Object][] = [
    [service, RDF_TYPE, namedNode(`${SD}Service`)],
    [service, `${SD}endpoint`, namedNode(facts.endpoint)],
    [service, `${SD}supportedLanguage`, namedNode(`${SD}SPARQL10Query`)],
    [service, `${SD}supportedLanguage`, namedNode(`${SD}SPARQL11Query`)],
  ];
  for (const iri of resultFormatIris()) {
    triples.push([service, `${SD}resultFormat`, namedNode(iri)]);
  }
  for (const [predicate, object] of entailmentOf(facts.reasoning)) {
    triples.push([service, predicate, namedNode(object)]);
  }
  triples.push(
    [service, `${SD}defaultDataset`, dataset],
    [dataset, RDF_TYPE, namedNode(`${SD}Dataset`)],
    [dataset, `${SD}defaultGraph`, defaultGraph],
    [defaultGraph, RDF_TYPE, namedNode(`${SD}Graph`)],
  );
  return triples.map(([subject, predicate, object]) => quad(subject, namedNode(predicate), object));
}

/** Returns the format IRIs of every results and graph media type the query endpoint offers. */
export function resultFormatIris(): string[] {
  return [...RESULTS_OFFERED, ...GRAPH_OFFERED]
    .map((mediaType) => FORMAT_IRIS[mediaType])
    .filter((iri) => iri !== undefined);
}

/**
 * Returns the entailment regime (and OWL profile) that basic graph patterns see.
 *
 * NOTE: a reasoning dataset materialises the RDFS or OWL 2 RL rules, which only approximates
 * the named regime. docs/conformance.md lists the W3C entailment tests that still fail.
 */
function entailmentOf(reasoning: Ruleset | undefined): [string, string][] {
  const regime = `${SD}defaultEntailmentRegime`;
  if (reasoning === 'rdfs') return [[regime, `${ENTAILMENT}RDFS`]];
  if (reasoning === 'owl2-rl') {
    return [
      [regime, `${ENTAILMENT}OWL-RDF-Based`],
      [`${SD}supportedEntailmentProfile`, `${OWL_PROFILE}RL`],
    ];
  }
  return [[regime, `${ENTAILMENT}Simple`]];
}

/**
 * Sends the service description of a dataset's query endpoint in the RDF format that `format=`
 * or else the Accept header selects (Turtle by default), after the same read check as a query.
 */
export async function sendServiceDescription(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  datasetName: string,
): Promise<FastifyReply> {
  const principal = request.principal!;
  context.security.access.requireReadAccess(principal, datasetName);
  // Throws NotFoundError (404) for an unknown dataset, after the check above.
  const settings = context.engine.datasetSettings(datasetName);

  const mediaType = chooseMediaType(request);
  if (mediaType === undefined) {
    const { status, body } = notAcceptable(GRAPH_OFFERED);
    return reply.code(status).send(body);
  }
  const path = request.url.split('?', 1)[0]!;
  const quads = describeService({
    endpoint: `${request.protocol}://${request.host}${path}`,
    reasoning: settings.reasoning,
  });
  let text = '';
  for await (const chunk of serializeQuads(quads, rdfFormatOf(mediaType), {
    prefixes: PREFIXES,
  })) {
    text += chunk;
  }
  return reply.header('vary', 'Accept').type(`${mediaType}; charset=utf-8`).send(text);
}

/** Picks the RDF media type from `format=` or else the Accept header. Undefined means 406. */
function chooseMediaType(request: FastifyRequest): string | undefined {
  const format = ((request.query ?? {}) as Parameters).format;
  if (typeof format === 'string') {
    const mediaType = formatFromQueryParameter(format);
    if (mediaType === undefined) {
      throw new InvalidArgumentError(
        `Unknown format ${JSON.stringify(format)}. Use turtle, ntriples, nquads or trig`,
      );
    }
    return GRAPH_OFFERED.includes(mediaType) ? mediaType : undefined;
  }
  return negotiate(request.headers.accept, GRAPH_OFFERED);
}

function rdfFormatOf(mediaType: string): RdfFormat {
  const entry = Object.entries(RDF_MEDIA_TYPES).find(([, type]) => type === mediaType);
  if (entry === undefined) throw new Error(`No RDF format for ${mediaType}`);
  return entry[0] as RdfFormat;
}
