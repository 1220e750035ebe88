/**
 * Parses one RDF file of a load into packed quad ids, interning its terms. N-Triples and
 * N-Quads take the byte-level parser, the other formats n3's streaming parser.
 */
import type * as RDF from '@rdfjs/types';
import { randomBytes } from 'node:crypto';
import { formatFromFileName } from '../rdf/formats.js';
import { internSink, NQuadsParser, parseNQuadsFile } from '../rdf/ntriples-fast.js';
import { parseRdfFile } from '../rdf/parse.js';
import { termKey } from '../rdf/terms.js';
import type { MemoryDictionary } from '../store/dictionary.js';
import type { QuadBuffer } from '../store/quad-buffer.js';
import { DEFAULT_GRAPH_ID } from '../store/types.js';
import type { LoadOptions } from './engine.js';

/** Chunk size of `parseBytesInto`, the read size of parseNQuadsFile, so both parse alike. */
const CHUNK_SIZE = 64 * 1024;

export async function parseFileInto(
  buffer: QuadBuffer,
  file: string,
  dictionary: MemoryDictionary,
  targetGraph: number | undefined,
  options: LoadOptions,
): Promise<number> {
  const blankPrefix = newBlankPrefix();
  const intern = (term: RDF.Term): number =>
    dictionary.intern(term.termType === 'BlankNode' ? blankPrefix + term.value : termKey(term));
  const before = buffer.length;
  const onProgress = options.onProgress
    ? (bytes: number) => options.onProgress?.(bytes, buffer.length - before)
    : undefined;
  const { format, gzip } = formatFromFileName(file);
  if (format === 'ntriples' || format === 'nquads') {
    // The line-based formats take the fast path: bytes to term ids, no term objects.
    return parseNQuadsFile(
      file,
      (s, p, o, g) =>
        buffer.push(s, p, o, g === DEFAULT_GRAPH_ID && targetGraph !== undefined ? targetGraph : g),
      {
        format,
        gzip,
        blankNodePrefix: blankPrefix,
        sink: internSink(dictionary),
        signal: options.signal,
        onProgress,
      },
    );
  }
  return parseRdfFile(
    file,
    (quad) => {
      const graph =
        quad.graph.termType === 'DefaultGraph' && targetGraph !== undefined
          ? targetGraph
          : intern(quad.graph);
      buffer.push(intern(quad.subject), intern(quad.predicate), intern(quad.object), graph);
    },
    { baseIri: options.baseIri, signal: options.signal, onProgress },
  );
}

/**
 * Parses an N-Triples or N-Quads document held in memory into packed quad ids, interning its
 * terms, exactly as `parseFileInto` parses a file of that format into the default graph, and
 * returns the number of statements. The load bench uses it to time the load path without file
 * reading and decompression.
 */
export function parseBytesInto(
  buffer: QuadBuffer,
  bytes: Uint8Array,
  dictionary: MemoryDictionary,
  format: 'ntriples' | 'nquads',
  source: string,
): number {
  const parser = new NQuadsParser<number>(
    { format, source, blankNodePrefix: newBlankPrefix() },
    (s, p, o, g) => buffer.push(s, p, o, g),
    internSink(dictionary),
  );
  for (let start = 0; start < bytes.length; start += CHUNK_SIZE) {
    parser.write(bytes.subarray(start, start + CHUNK_SIZE));
  }
  return parser.finish();
}

/**
 * Returns a blank node prefix for one file. Blank node labels are scoped to one file: a fresh
 * prefix per file keeps _:b1 of this file apart from _:b1 of any file loaded before, in this
 * process or an earlier one.
 */
function newBlankPrefix(): string {
  return `_:l${randomBytes(6).toString('hex')}_`;
}
