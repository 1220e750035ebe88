/**
 * SPARQL Query Results XML Format (https://www.w3.org/TR/rdf-sparql-XMLres/), written through
 * xmlbuilder2's streaming builder. Triple terms use the SPARQL-star `<triple>` element.
 */
import type * as RDF from '@rdfjs/types';
import { createCB } from 'xmlbuilder2';
import type { XMLBuilderCB } from 'xmlbuilder2/lib/interfaces.js';

import { QueryEvaluationError } from '../../errors.js';
import { XSD_STRING } from '../../rdf/terms.js';
import { ChunkBuffer } from './chunks.js';

export const SPARQL_RESULTS_NAMESPACE = 'http://www.w3.org/2005/sparql-results#';

const RDF_LANG_STRING = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString';
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/**
 * Creates a builder that appends to `buffer`. xmlbuilder2 writes a carriage return in text as
 * is, and XML 1.0 (section 2.11, end-of-line handling) makes parsers read it as a line feed, so
 * the writer turns it into a character reference. Markup never contains a carriage return here,
 * so only text and attribute values change.
 */
function createWriter(buffer: ChunkBuffer): XMLBuilderCB {
  const writer = createCB({
    data: (text: string) =>
      buffer.append(text.includes('\r') ? text.replaceAll('\r', '&#13;') : text),
    // Rejects characters that XML 1.0 cannot represent (most C0 controls, lone surrogates).
    wellFormed: true,
  });
  writer.dec({ version: '1.0', encoding: 'UTF-8' });
  writer.ele('sparql', { xmlns: SPARQL_RESULTS_NAMESPACE });
  return writer;
}

/**
 * Prepares text for xmlbuilder2 3.x, which escapes "&" except where it starts one of the five
 * predefined entity references, so a literal "&amp;" would reach the reader as "&". Escaping
 * exactly those ampersands first makes the builder's output decode to the original text.
 */
function keepAmpersands(text: string): string {
  return text.includes('&') ? text.replace(/&(?=(?:lt|gt|amp|apos|quot);)/g, '&amp;') : text;
}

function writeTerm(writer: XMLBuilderCB, term: RDF.Term): void {
  switch (term.termType) {
    case 'NamedNode':
      writer.ele('uri').txt(keepAmpersands(term.value)).up();
      return;
    case 'BlankNode':
      writer.ele('bnode').txt(keepAmpersands(term.value)).up();
      return;
    case 'Literal': {
      writer.ele('literal');
      if (term.language !== '') {
        // The well-formedness check accepts the xml: prefix only with its namespace.
        writer.att(XML_NAMESPACE, 'xml:lang', term.language);
      } else if (term.datatype.value !== XSD_STRING && term.datatype.value !== RDF_LANG_STRING) {
        writer.att('datatype', keepAmpersands(term.datatype.value));
      }
      // An empty text node would make the builder write <literal/>, which means the same.
      if (term.value !== '') writer.txt(keepAmpersands(term.value));
      writer.up();
      return;
    }
    case 'Quad':
      writer.ele('triple');
      writer.ele('subject');
      writeTerm(writer, term.subject);
      writer.up().ele('predicate');
      writeTerm(writer, term.predicate);
      writer.up().ele('object');
      writeTerm(writer, term.object);
      writer.up().up();
      return;
    default:
      throw new TypeError(`A ${term.termType} is not an RDF term that results can contain`);
  }
}

/** Converts xmlbuilder2's invalid-character error into one that names the fix. */
function unrepresentable(error: unknown): unknown {
  if (error instanceof Error && error.message.startsWith('Text data contains invalid characters')) {
    return new QueryEvaluationError(
      'A result value contains a character that XML 1.0 cannot represent; ' +
        'request JSON results (application/sparql-results+json) instead',
      error,
    );
  }
  return error;
}

export async function* serializeXmlBindings(
  variables: readonly string[],
  rows: AsyncIterable<(RDF.Term | undefined)[]> | Iterable<(RDF.Term | undefined)[]>,
): AsyncIterable<string> {
  const buffer = new ChunkBuffer();
  const writer = createWriter(buffer);
  writer.ele('head');
  for (const name of variables) writer.ele('variable', { name }).up();
  writer.up().ele('results');

  for await (const row of rows) {
    try {
      writer.ele('result');
      for (let i = 0; i < variables.length; i++) {
        const term = row[i];
        if (term === undefined) continue;
        writer.ele('binding', { name: variables[i] });
        writeTerm(writer, term);
        writer.up();
      }
      writer.up();
    } catch (error) {
      throw unrepresentable(error);
    }
    if (buffer.full) yield buffer.take();
  }

  writer.up().up().end();
  buffer.append('\n');
  yield buffer.take();
}

export function serializeXmlBoolean(value: boolean): string {
  const buffer = new ChunkBuffer();
  const writer = createWriter(buffer);
  writer.ele('head').up();
  writer.ele('boolean').txt(String(value)).up();
  writer.up().end();
  buffer.append('\n');
  return buffer.take();
}
