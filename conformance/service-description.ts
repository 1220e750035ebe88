/**
 * Checks for the W3C SPARQL 1.1 Service Description tests (service-description/manifest.ttl).
 * The manifest names what to check but gives no requests. A GET on the query endpoint must
 * return RDF, with an sd:endpoint triple that names the requested URL, and that RDF must use
 * the service description vocabulary as its schema defines it. conformance/protocol.ts runs
 * these checks against a real server.
 */
import type * as RDF from '@rdfjs/types';
import { Parser } from 'n3';

import type { Send } from './protocol.js';

const SD = 'http://www.w3.org/ns/sparql-service-description#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const RDF_PARSER_FORMATS: Record<string, string> = {
  'text/turtle': 'Turtle',
  'application/n-triples': 'N-Triples',
  'application/n-quads': 'N-Quads',
  'application/trig': 'TriG',
};

/** The sd: classes, and the classes each one is a subclass of. */
const SD_CLASSES: Record<string, string[]> = {
  Service: [],
  Feature: [],
  Language: ['Feature'],
  Function: ['Feature'],
  Aggregate: ['Feature'],
  EntailmentRegime: [],
  EntailmentProfile: [],
  GraphCollection: [],
  Dataset: ['GraphCollection'],
  Graph: [],
  NamedGraph: [],
};

/** The individuals that the vocabulary defines, with their class. */
const SD_INDIVIDUALS: Record<string, string> = {
  SPARQL10Query: 'Language',
  SPARQL11Query: 'Language',
  SPARQL11Update: 'Language',
  DereferencesURIs: 'Feature',
  UnionDefaultGraph: 'Feature',
  RequiresDataset: 'Feature',
  EmptyGraphs: 'Feature',
  BasicFederatedQuery: 'Feature',
};

/**
 * The sd: properties with the class of their subject and what their object must be: 'IRI', or
 * an sd: class that the object must be an instance of (declared with rdf:type or one of
 * SD_INDIVIDUALS). An undefined domain is not checked.
 */
const SD_PROPERTIES: Record<string, { domain?: string; range: string }> = {
  endpoint: { domain: 'Service', range: 'IRI' },
  supportedLanguage: { domain: 'Service', range: 'Language' },
  feature: { domain: 'Service', range: 'Feature' },
  languageExtension: { domain: 'Service', range: 'Feature' },
  propertyFeature: { domain: 'Service', range: 'IRI' },
  extensionFunction: { domain: 'Service', range: 'Function' },
  extensionAggregate: { domain: 'Service', range: 'Aggregate' },
  resultFormat: { domain: 'Service', range: 'IRI' },
  inputFormat: { domain: 'Service', range: 'IRI' },
  defaultEntailmentRegime: { domain: 'Service', range: 'IRI' },
  entailmentRegime: { range: 'IRI' },
  defaultSupportedEntailmentProfile: { domain: 'Service', range: 'IRI' },
  supportedEntailmentProfile: { domain: 'Service', range: 'IRI' },
  defaultDataset: { domain: 'Service', range: 'Dataset' },
  availableGraphs: { domain: 'Service', range: 'GraphCollection' },
  defaultGraph: { domain: 'Dataset', range: 'Graph' },
  namedGraph: { domain: 'GraphCollection', range: 'NamedGraph' },
  name: { domain: 'NamedGraph', range: 'IRI' },
  graph: { domain: 'NamedGraph', range: 'Graph' },
};

type ServiceDescriptionCheck = (serverUrl: string, send: Send) => Promise<string | undefined>;

/** One check per test of service-description/manifest.ttl, each returning a problem or undefined. */
export const SERVICE_DESCRIPTION_CHECKS: Record<string, ServiceDescriptionCheck> = {
  'returns-rdf': async (serverUrl, send) => {
    const description = await fetchDescription(serverUrl, '/sparql', send);
    if (typeof description === 'string') return description;
    return description.length > 0 ? undefined : 'the service description has no triples';
  },
  'has-endpoint-triple': async (serverUrl, send) => {
    for (const endpoint of ['/sparql', '/datasets/default/sparql']) {
      const description = await fetchDescription(serverUrl, endpoint, send);
      if (typeof description === 'string') return description;
      const url = serverUrl + endpoint;
      const services = description.filter(
        (quad) =>
          quad.predicate.value === `${SD}endpoint` &&
          quad.object.termType === 'NamedNode' &&
          quad.object.value === url,
      );
      if (services.length === 0)
        return `the description of ${endpoint} has no sd:endpoint <${url}>`;
      if (!services.some((quad) => hasClass(description, quad.subject, 'Service'))) {
        return `the sd:endpoint <${url}> triple of ${endpoint} is not on an sd:Service`;
      }
    }
    return undefined;
  },
  'conforms-to-schema': async (serverUrl, send) => {
    const description = await fetchDescription(serverUrl, '/sparql', send);
    if (typeof description === 'string') return description;
    return schemaProblems(description)[0];
  },
};

/** Fetches a service description with GET and parses it. A string return describes a failure. */
async function fetchDescription(
  serverUrl: string,
  endpoint: string,
  send: Send,
): Promise<RDF.Quad[] | string> {
  const response = await send(endpoint);
  const text = await response.text();
  if (response.status !== 200) {
    return `GET ${endpoint} returned ${response.status}, expected 200: ${text.slice(0, 200)}`;
  }
  const contentType = response.headers.get('content-type') ?? '';
  const format = RDF_PARSER_FORMATS[contentType.split(';', 1)[0]!.trim().toLowerCase()];
  if (format === undefined) return `GET ${endpoint} returned content type ${contentType}, not RDF`;
  try {
    return new Parser({ format, baseIRI: serverUrl + endpoint }).parse(text);
  } catch (error) {
    return `the ${format} service description of ${endpoint} does not parse: ${(error as Error).message}`;
  }
}

/** Returns true when `node` is an instance of the sd: class `name` or one of its subclasses. */
function hasClass(description: RDF.Quad[], node: RDF.Term, name: string): boolean {
  const classes = new Set<string>();
  if (node.termType === 'NamedNode' && node.value.startsWith(SD)) {
    const individualClass = SD_INDIVIDUALS[node.value.slice(SD.length)];
    if (individualClass !== undefined) classes.add(individualClass);
  }
  for (const quad of description) {
    if (quad.subject.equals(node) && quad.predicate.value === RDF_TYPE) {
      if (quad.object.value.startsWith(SD)) classes.add(quad.object.value.slice(SD.length));
    }
  }
  return [...classes].some((found) => found === name || SD_CLASSES[found]?.includes(name));
}

/**
 * Returns the ways a description breaks the service description vocabulary. It reports sd:
 * terms that the vocabulary does not define, and properties on a subject of the wrong class or
 * with an object of the wrong kind. It also reports a missing sd:Service, sd:endpoint or
 * sd:supportedLanguage.
 */
function schemaProblems(description: RDF.Quad[]): string[] {
  const problems: string[] = [];
  for (const quad of description) {
    const { subject, predicate, object } = quad;
    if (predicate.value === RDF_TYPE) {
      const name = object.value.slice(SD.length);
      if (object.value.startsWith(SD) && !Object.hasOwn(SD_CLASSES, name)) {
        problems.push(`rdf:type sd:${name} is not an sd: class`);
      }
      continue;
    }
    if (!predicate.value.startsWith(SD)) continue;
    const name = predicate.value.slice(SD.length);
    const rule = SD_PROPERTIES[name];
    if (rule === undefined) {
      problems.push(`sd:${name} is not an sd: property`);
      continue;
    }
    if (rule.domain !== undefined && !hasClass(description, subject, rule.domain)) {
      problems.push(`the subject of sd:${name} is not an sd:${rule.domain}`);
    }
    if (rule.range === 'IRI') {
      if (object.termType !== 'NamedNode') problems.push(`the object of sd:${name} is no IRI`);
    } else if (!hasClass(description, object, rule.range)) {
      problems.push(`the object ${object.value} of sd:${name} is not an sd:${rule.range}`);
    }
  }
  const services = description
    .filter((quad) => quad.predicate.value === RDF_TYPE && quad.object.value === `${SD}Service`)
    .map((quad) => quad.subject);
  if (services.length === 0) problems.push('no node is an sd:Service');
  for (const service of services) {
    for (const property of ['endpoint', 'supportedLanguage']) {
      const present = description.some(
        (quad) => quad.subject.equals(service) && quad.predicate.value === `${SD}${property}`,
      );
      if (!present) problems.push(`the sd:Service has no sd:${property}`);
    }
  }
  return problems;
}
