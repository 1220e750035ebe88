/**
 * SPARQL query results in the four W3C formats: serialisers for SELECT rows and ASK booleans,
 * and parsers for clients and tests.
 */
import type * as RDF from '@rdfjs/types';

import { serializeCsvBindings, serializeTsvBindings } from './delimited.js';
import { serializeJsonBindings, serializeJsonBoolean } from './json.js';
import { serializeXmlBindings, serializeXmlBoolean } from './xml.js';

export type ResultsFormat = 'json' | 'xml' | 'csv' | 'tsv';

export const RESULTS_MEDIA_TYPES: Record<ResultsFormat, string> = {
  json: 'application/sparql-results+json',
  xml: 'application/sparql-results+xml',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
};

/** Returns the results format of a media type (parameters ignored), or undefined. */
export function resultsFormatFromMediaType(mediaType: string): ResultsFormat | undefined {
  const essence = mediaType.split(';', 1)[0].trim().toLowerCase();
  for (const format of Object.keys(RESULTS_MEDIA_TYPES) as ResultsFormat[]) {
    if (RESULTS_MEDIA_TYPES[format] === essence) return format;
  }
  return undefined;
}

/**
 * Serialises SELECT results as a stream of text chunks. `rows[i][j]` is the value of
 * `variables[j]`, or undefined when unbound. Chunks contain whole rows, and a chunk ends after the
 * row that takes it past 16 KiB.
 */
export function serializeBindings(
  variables: readonly string[],
  rows: AsyncIterable<(RDF.Term | undefined)[]> | Iterable<(RDF.Term | undefined)[]>,
  format: ResultsFormat,
): AsyncIterable<string> {
  switch (format) {
    case 'json':
      return serializeJsonBindings(variables, rows);
    case 'xml':
      return serializeXmlBindings(variables, rows);
    case 'csv':
      return serializeCsvBindings(variables, rows);
    case 'tsv':
      return serializeTsvBindings(variables, rows);
  }
}

/** Serialises an ASK result. CSV and TSV define no boolean form. */
export function serializeBoolean(value: boolean, format: 'json' | 'xml'): string {
  return format === 'json' ? serializeJsonBoolean(value) : serializeXmlBoolean(value);
}

export { parseResults, type ParsedResults } from './parse.js';
