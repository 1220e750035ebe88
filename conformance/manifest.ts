/**
 * Reads W3C test manifests (the mf: vocabulary of the rdf-tests repository), following
 * mf:include lists, and maps the https://w3c.github.io/rdf-tests/ IRIs they use to the local
 * copy of the suites.
 */
import type * as RDF from '@rdfjs/types';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from 'n3';

export const MF = 'http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#';
export const QT = 'http://www.w3.org/2001/sw/DataAccess/tests/test-query#';
export const UT = 'http://www.w3.org/2009/sparql/tests/test-update#';
export const DAWGT = 'http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#';
export const RDFT = 'http://www.w3.org/ns/rdftest#';
const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

/** Prefix of every test IRI. The rest of the IRI is the file's path under suitesRoot/rdf-tests. */
export const TEST_BASE = 'https://w3c.github.io/rdf-tests/';

/** Maximum length of an RDF list and depth of mf:include nesting, against malformed manifests. */
const MAX_LIST_LENGTH = 10_000;
const MAX_INCLUDE_DEPTH = 8;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Folder with the local copy of the W3C test suites, a sibling of the repository's folder. */
export const suitesRoot = path.resolve(repoRoot, '../shared/suites');

/** Returns the local file of a test IRI. Throws for an IRI outside the suites. */
export function fileOf(iri: string): string {
  if (!iri.startsWith(TEST_BASE)) throw new Error(`Test file outside the suites: ${iri}`);
  const relative = decodeURIComponent(iri.slice(TEST_BASE.length).replace(/[?#].*$/, ''));
  return path.join(suitesRoot, 'rdf-tests', relative);
}

/** Returns the text of the local file of a test IRI. */
export function readTestFile(iri: string): string {
  return readFileSync(fileOf(iri), 'utf8');
}

/** One test of a manifest, with the manifest graph kept for reading type-specific fields. */
export interface ManifestEntry {
  /** Test IRI. */
  iri: string;
  /**
   * Short, stable id: the manifest's folder under the rdf-tests root, `#`, and the local name of
   * the test IRI (several SPARQL manifests name their tests with older w3.org IRIs).
   */
  id: string;
  /** rdf:type IRIs of the entry. */
  types: string[];
  name: string;
  /** True when dawgt:approval or rdft:approval is a Withdrawn or Rejected status. */
  withdrawn: boolean;
  action: RDF.Term | undefined;
  result: RDF.Term | undefined;
  graph: ManifestGraph;
}

/** The triples of one manifest file, indexed by subject. */
export class ManifestGraph {
  private readonly bySubject = new Map<string, RDF.Quad[]>();

  constructor(quads: RDF.Quad[]) {
    for (const quad of quads) {
      const key = subjectKey(quad.subject);
      const list = this.bySubject.get(key);
      if (list === undefined) this.bySubject.set(key, [quad]);
      else list.push(quad);
    }
  }

  objects(subject: RDF.Term, predicate: string): RDF.Term[] {
    const quads = this.bySubject.get(subjectKey(subject)) ?? [];
    return quads.filter((quad) => quad.predicate.value === predicate).map((quad) => quad.object);
  }

  object(subject: RDF.Term, predicate: string): RDF.Term | undefined {
    return this.objects(subject, predicate)[0];
  }

  /** Reads an RDF list; throws when it is longer than MAX_LIST_LENGTH or malformed. */
  list(head: RDF.Term): RDF.Term[] {
    const items: RDF.Term[] = [];
    let node: RDF.Term | undefined = head;
    while (node !== undefined && node.value !== `${RDF_NS}nil`) {
      if (items.length >= MAX_LIST_LENGTH) throw new Error('Manifest list is too long');
      const first = this.object(node, `${RDF_NS}first`);
      if (first === undefined) throw new Error(`Malformed manifest list at ${node.value}`);
      items.push(first);
      node = this.object(node, `${RDF_NS}rest`);
    }
    return items;
  }
}

function subjectKey(term: RDF.Term): string {
  return `${term.termType}:${term.value}`;
}

/** Returns the id used in reports for a test of the manifest `manifestIri`. */
export function testId(manifestIri: string, testIri: string): string {
  const folder = manifestIri.slice(TEST_BASE.length, manifestIri.lastIndexOf('/'));
  const localName = testIri.slice(Math.max(testIri.lastIndexOf('#'), testIri.lastIndexOf('/')) + 1);
  return `${folder}#${localName}`;
}

/**
 * Reads the manifest at `manifestIri` and every manifest it includes, and returns their entries
 * in document order.
 */
export function readManifests(manifestIri: string, depth = 0): ManifestEntry[] {
  if (depth > MAX_INCLUDE_DEPTH) throw new Error(`mf:include nested too deep at ${manifestIri}`);
  const quads = new Parser({ baseIRI: manifestIri }).parse(readTestFile(manifestIri));
  const graph = new ManifestGraph(quads);
  const manifests = quads
    .filter(
      (quad) => quad.predicate.value === `${RDF_NS}type` && quad.object.value === `${MF}Manifest`,
    )
    .map((quad) => quad.subject);

  const entries: ManifestEntry[] = [];
  for (const manifest of manifests) {
    for (const include of graph.objects(manifest, `${MF}include`)) {
      for (const child of graph.list(include))
        entries.push(...readManifests(child.value, depth + 1));
    }
    for (const head of graph.objects(manifest, `${MF}entries`)) {
      for (const entry of graph.list(head)) entries.push(entryOf(graph, manifestIri, entry));
    }
  }
  return entries;
}

function entryOf(graph: ManifestGraph, manifestIri: string, entry: RDF.Term): ManifestEntry {
  const approvals = [
    ...graph.objects(entry, `${DAWGT}approval`),
    ...graph.objects(entry, `${RDFT}approval`),
  ].map((term) => term.value);
  return {
    iri: entry.value,
    id: testId(manifestIri, entry.value),
    types: graph.objects(entry, `${RDF_NS}type`).map((term) => term.value),
    name: graph.object(entry, `${MF}name`)?.value ?? entry.value,
    withdrawn: approvals.some((status) => /#(Withdrawn|Rejected)$/.test(status)),
    action: graph.object(entry, `${MF}action`),
    result: graph.object(entry, `${MF}result`),
    graph,
  };
}

/** Returns the local name of an entry's first type IRI that starts with `namespace`, or ''. */
export function typeIn(entry: ManifestEntry, namespace: string): string {
  const type = entry.types.find((iri) => iri.startsWith(namespace));
  return type === undefined ? '' : type.slice(namespace.length);
}
