/**
 * Term keys: the one string form of an RDF term that the dictionary interns. It is N3.js's
 * `termToId` form, so parsing and serialising need no second encoding:
 *   IRI            http://example.org/a
 *   blank node     _:b0
 *   literal        "text"  "text"@en  "5"^^http://www.w3.org/2001/XMLSchema#integer
 *   default graph  '' (the empty string)
 * A plain literal carries no datatype in its key, so "a" and "a"^^xsd:string are one term.
 */
import type * as RDF from '@rdfjs/types';
import { DataFactory, termFromId, termToId } from 'n3';

export type Term = RDF.Term;
export type Quad = RDF.Quad;

export const XSD = 'http://www.w3.org/2001/XMLSchema#';
export const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
export const XSD_STRING = `${XSD}string`;
export const RDF_LANG_STRING = `${RDF_NS}langString`;

/** Term kinds as stored in the dictionary. */
export const enum TermKind {
  DefaultGraph = 0,
  NamedNode = 1,
  BlankNode = 2,
  Literal = 3,
}

export const DEFAULT_GRAPH_KEY = '';

export const factory = DataFactory;

/** Returns the dictionary key of an RDF/JS term. Variables have no key. */
export function termKey(term: RDF.Term): string {
  if (term.termType === 'Variable') throw new TypeError('A variable has no term key');
  return termToId(term as Parameters<typeof termToId>[0]);
}

/** Rebuilds the RDF/JS term of a dictionary key. */
export function termFromKey(key: string): RDF.Term {
  return termFromId(key, DataFactory);
}

/** Returns the kind of term a key encodes by its first character, without parsing it. */
export function keyKind(key: string): TermKind {
  if (key.length === 0) return TermKind.DefaultGraph;
  const first = key.charCodeAt(0);
  if (first === 0x22 /* " */) return TermKind.Literal;
  if (first === 0x5f /* _ */ && key.charCodeAt(1) === 0x3a /* : */) return TermKind.BlankNode;
  return TermKind.NamedNode;
}

/** Returns the key of an IRI. */
export function iriKey(iri: string): string {
  return iri;
}

/** A scheme, then no space, control character or other character that IRIs exclude. */
// eslint-disable-next-line no-control-regex -- control characters are what this rejects
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\u0000-\u0020<>"{}|\\^`\u007f]*$/;

/** Returns true when `iri` is an absolute IRI usable as a graph name. */
export function isAbsoluteIri(iri: string): boolean {
  return ABSOLUTE_IRI.test(iri);
}
