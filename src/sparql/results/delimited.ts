/**
 * SPARQL 1.1 Query Results CSV and TSV Formats (https://www.w3.org/TR/sparql11-results-csv-tsv/).
 * CSV writes plain values and so loses term types; TSV writes every term in N-Triples syntax.
 */
import type * as RDF from '@rdfjs/types';
import { stringify } from 'csv-stringify/sync';

import { ChunkBuffer } from './chunks.js';
import { encodeTerm } from './terms.js';

type Rows = AsyncIterable<(RDF.Term | undefined)[]> | Iterable<(RDF.Term | undefined)[]>;

/** Rows per csv-stringify call; batching keeps the per-call overhead small. */
const CSV_BATCH_ROWS = 256;

const CSV_OPTIONS = {
  record_delimiter: '\r\n',
  // RFC 4180 requires quotes around a field with a line break, and csv-stringify quotes only
  // fields that contain the whole record delimiter unless quoted_match is set.
  quoted_match: /[\r\n]/,
} as const;

/** Returns the CSV value of a term: IRIs and literals bare, blank nodes as `_:label`. */
function csvValue(term: RDF.Term | undefined): string | undefined {
  if (term === undefined) return undefined;
  switch (term.termType) {
    case 'NamedNode':
    case 'Literal':
      return term.value;
    case 'BlankNode':
      return `_:${term.value}`;
    default:
      return encodeTerm(term);
  }
}

export async function* serializeCsvBindings(
  variables: readonly string[],
  rows: Rows,
): AsyncIterable<string> {
  const buffer = new ChunkBuffer();
  buffer.append(stringify([variables as string[]], CSV_OPTIONS));

  let batch: (string | undefined)[][] = [];
  for await (const row of rows) {
    const record: (string | undefined)[] = [];
    for (let i = 0; i < variables.length; i++) record.push(csvValue(row[i]));
    batch.push(record);
    if (batch.length < CSV_BATCH_ROWS) continue;

    buffer.append(stringify(batch, CSV_OPTIONS));
    batch = [];
    if (buffer.full) yield buffer.take();
  }

  if (batch.length > 0) buffer.append(stringify(batch, CSV_OPTIONS));
  yield buffer.take();
}

export async function* serializeTsvBindings(
  variables: readonly string[],
  rows: Rows,
): AsyncIterable<string> {
  const buffer = new ChunkBuffer();
  buffer.append(`${variables.map((name) => `?${name}`).join('\t')}\n`);

  for await (const row of rows) {
    const fields: string[] = [];
    for (let i = 0; i < variables.length; i++) {
      const term = row[i];
      fields.push(term === undefined ? '' : encodeTerm(term));
    }
    buffer.append(`${fields.join('\t')}\n`);
    if (buffer.full) yield buffer.take();
  }

  yield buffer.take();
}
