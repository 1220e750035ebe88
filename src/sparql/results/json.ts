/**
 * SPARQL 1.1 Query Results JSON Format (https://www.w3.org/TR/sparql11-results-json/), written
 * row by row. Triple terms use the SPARQL-star form `{"type": "triple", "value": {...}}`.
 */
import type * as RDF from '@rdfjs/types';

import { XSD_STRING } from '../../rdf/terms.js';
import { ChunkBuffer } from './chunks.js';

export type JsonTerm =
  | { type: 'uri' | 'bnode'; value: string }
  | { type: 'literal'; value: string; 'xml:lang'?: string; datatype?: string }
  | { type: 'triple'; value: { subject: JsonTerm; predicate: JsonTerm; object: JsonTerm } };

const RDF_LANG_STRING = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString';

/**
 * Returns the JSON results object of an RDF term.
 * NOTE: the base direction of an RDF 1.2 directional language string is not written.
 */
export function jsonTerm(term: RDF.Term): JsonTerm {
  switch (term.termType) {
    case 'NamedNode':
      return { type: 'uri', value: term.value };
    case 'BlankNode':
      return { type: 'bnode', value: term.value };
    case 'Literal':
      if (term.language !== '')
        return { type: 'literal', value: term.value, 'xml:lang': term.language };
      if (term.datatype.value === XSD_STRING || term.datatype.value === RDF_LANG_STRING) {
        return { type: 'literal', value: term.value };
      }
      return { type: 'literal', value: term.value, datatype: term.datatype.value };
    case 'Quad':
      return {
        type: 'triple',
        value: {
          subject: jsonTerm(term.subject),
          predicate: jsonTerm(term.predicate),
          object: jsonTerm(term.object),
        },
      };
    default:
      throw new TypeError(`A ${term.termType} is not an RDF term that results can contain`);
  }
}

/**
 * Returns the JSON text of `jsonTerm(term)`, written directly: a result set can have millions
 * of terms, and an object per term to stringify made the garbage collector the largest cost.
 */
export function jsonTermText(term: RDF.Term): string {
  switch (term.termType) {
    case 'NamedNode':
      return `{"type":"uri","value":${JSON.stringify(term.value)}}`;
    case 'BlankNode':
      return `{"type":"bnode","value":${JSON.stringify(term.value)}}`;
    case 'Literal': {
      const value = JSON.stringify(term.value);
      // A term built outside the engine's parsers may lack a language or a datatype IRI.
      // JSON.stringify(jsonTerm(term)) leaves such a key out, and so does this.
      const language: string | undefined = term.language;
      const datatype: string | undefined = term.datatype.value;
      if (language !== '' && language !== undefined) {
        return `{"type":"literal","value":${value},"xml:lang":${JSON.stringify(language)}}`;
      }
      if (
        language === undefined ||
        datatype === undefined ||
        datatype === XSD_STRING ||
        datatype === RDF_LANG_STRING
      ) {
        return `{"type":"literal","value":${value}}`;
      }
      return `{"type":"literal","value":${value},"datatype":${JSON.stringify(datatype)}}`;
    }
    default:
      return JSON.stringify(jsonTerm(term));
  }
}

export async function* serializeJsonBindings(
  variables: readonly string[],
  rows: AsyncIterable<(RDF.Term | undefined)[]> | Iterable<(RDF.Term | undefined)[]>,
): AsyncIterable<string> {
  const buffer = new ChunkBuffer();
  buffer.append(`{"head":{"vars":${JSON.stringify(variables)}},"results":{"bindings":[`);

  let separator = '\n';
  // Each binding's JSON is written pair by pair, because assigning a variable named
  // `__proto__` to a plain object would set its prototype instead of adding the binding.
  const names = variables.map((name) => `${JSON.stringify(name)}:`);
  for await (const row of rows) {
    let binding = '{';
    for (let i = 0; i < variables.length; i++) {
      const term = row[i];
      if (term === undefined) continue;
      if (binding.length > 1) binding += ',';
      binding += names[i] + jsonTermText(term);
    }
    buffer.append(`${separator}${binding}}`);
    separator = ',\n';
    if (buffer.full) yield buffer.take();
  }

  buffer.append('\n]}}\n');
  yield buffer.take();
}

export function serializeJsonBoolean(value: boolean): string {
  return `${JSON.stringify({ head: {}, boolean: value })}\n`;
}
