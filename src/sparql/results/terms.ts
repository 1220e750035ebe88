/**
 * Single RDF terms in N-Triples syntax, as the TSV results format writes them, encoded and
 * decoded by n3 so that escaping follows the N-Triples grammar.
 */
import type * as RDF from '@rdfjs/types';
import { DataFactory, Parser, Writer } from 'n3';

import { InvalidArgumentError } from '../../errors.js';

const writer = new Writer({ format: 'N-Triples' });
const PLACEHOLDER = DataFactory.namedNode('urn:x');
// quadToString renders `<urn:x> <urn:x> TERM .\n`, so the term sits between these two parts.
const LINE_PREFIX_LENGTH = '<urn:x> <urn:x> '.length;
const LINE_SUFFIX_LENGTH = ' .\n'.length;

/**
 * Returns the N-Triples form of an IRI, blank node, literal or triple term.
 * NOTE: n3's Writer leaves characters that IRIREF forbids (space, <, >, {, }, |, ^, `) as is,
 * so an IRI containing them yields TSV that does not parse back.
 */
export function encodeTerm(term: RDF.Term): string {
  if (term.termType === 'Variable' || term.termType === 'DefaultGraph') {
    throw new TypeError(`A ${term.termType} is not an RDF term that results can contain`);
  }
  const line = writer.quadToString(PLACEHOLDER, PLACEHOLDER, term as RDF.Quad_Object);
  return line.slice(LINE_PREFIX_LENGTH, -LINE_SUFFIX_LENGTH);
}

/**
 * Parses one term in N-Triples or Turtle syntax, keeping blank node labels as written. Throws
 * InvalidArgumentError for text that is not exactly one term.
 */
export function decodeTerm(text: string): RDF.Term {
  const parser = new Parser({ format: 'Turtle', blankNodePrefix: '' });
  let quads: RDF.Quad[];
  try {
    quads = parser.parse(`<urn:x> <urn:x> ${text} .`);
  } catch (error) {
    throw new InvalidArgumentError(
      `Invalid RDF term in results: ${text} (${(error as Error).message})`,
    );
  }
  if (quads.length !== 1) throw new InvalidArgumentError(`Invalid RDF term in results: ${text}`);
  return quads[0].object;
}
