/**
 * Term conversions the benchmarks need: 7T term keys to N3.js terms, N3.js terms to
 * Oxigraph's own term objects, and terms to SPARQL syntax for VALUES blocks.
 */
import type * as RDF from '@rdfjs/types';
import oxigraph from 'oxigraph';
import { termFromKey } from '../src/rdf/terms.js';

export function n3Term(key: string): RDF.Term {
  return termFromKey(key);
}

/** Converts an RDF/JS term into Oxigraph's term class, which its store methods expect. */
export function oxigraphTerm(term: RDF.Term): oxigraph.Term {
  switch (term.termType) {
    case 'NamedNode':
      return oxigraph.namedNode(term.value);
    case 'BlankNode':
      return oxigraph.blankNode(term.value);
    case 'Literal':
      return term.language !== ''
        ? oxigraph.literal(term.value, term.language)
        : oxigraph.literal(term.value, oxigraph.namedNode(term.datatype.value));
    case 'DefaultGraph':
      return oxigraph.defaultGraph();
    default:
      throw new Error(`No Oxigraph form for a ${term.termType} term`);
  }
}

/**
 * Writes an IRI or literal in SPARQL syntax. JSON string escapes (\", \\, \n, \uXXXX) are
 * also valid SPARQL string escapes. Blank nodes cannot appear in VALUES, so they throw.
 */
export function sparqlTerm(term: RDF.Term): string {
  if (term.termType === 'NamedNode') return `<${term.value}>`;
  if (term.termType === 'Literal') {
    const text = JSON.stringify(term.value);
    if (term.language !== '') return `${text}@${term.language}`;
    return `${text}^^<${term.datatype.value}>`;
  }
  throw new Error(`A ${term.termType} term cannot be written in a VALUES block`);
}
