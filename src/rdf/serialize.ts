/** Streaming RDF serialisation through n3's Writer. */
import type * as RDF from '@rdfjs/types';
import { DataFactory, Writer } from 'n3';

import { formatHasGraphs, N3_FORMAT_NAMES, type RdfFormat } from './formats.js';

export interface SerializeOptions {
  /** Prefix → namespace IRI, used by Turtle and TriG to abbreviate IRIs. */
  prefixes?: Record<string, string>;
}

/** Quads per batch handed to n3's Writer before the buffered text is yielded. */
const BATCH_QUADS = 1024;

/**
 * Serialises quads as a stream of text chunks. Turtle and N-Triples have no named graphs, so
 * they drop each quad's graph name and write it as a triple.
 */
export async function* serializeQuads(
  quads: AsyncIterable<RDF.Quad> | Iterable<RDF.Quad>,
  format: RdfFormat,
  options: SerializeOptions = {},
): AsyncIterable<string> {
  const chunks: string[] = [];
  // n3's Writer calls write() on its output synchronously for each statement.
  const output = { write: (text: string) => chunks.push(text), end: () => {} };
  const writer = new Writer(output as unknown as NodeJS.WritableStream, {
    format: N3_FORMAT_NAMES[format],
    prefixes: format === 'turtle' || format === 'trig' ? options.prefixes : undefined,
  });
  const keepGraphs = formatHasGraphs(format);

  let pending = 0;
  for await (const quad of quads) {
    if (keepGraphs || quad.graph.termType === 'DefaultGraph') writer.addQuad(quad);
    else writer.addQuad(quad.subject, quad.predicate, quad.object, DataFactory.defaultGraph());
    if (++pending < BATCH_QUADS) continue;

    pending = 0;
    // Turtle's Writer keeps the current subject open, so a chunk may end mid-statement; the
    // concatenation of all chunks is the document.
    if (chunks.length > 0) yield chunks.splice(0).join('');
  }

  writer.end();
  const rest = chunks.join('');
  if (rest !== '') yield rest;
}
