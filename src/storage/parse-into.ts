/**
 * Parses one RDF file of a load into packed quad ids, interning its terms. N-Triples and
 * N-Quads take the byte-level parser, the other formats n3's streaming parser.
 */
import type * as RDF from '@rdfjs/types';
import { randomBytes } from 'node:crypto';
import { formatFromFileName } from '../rdf/formats.js';
import { internSink, parseNQuadsFile } from '../rdf/ntriples-fast.js';
import { parseRdfFile } from '../rdf/parse.js';
import { termKey } from '../rdf/terms.js';
import type { MemoryDictionary } from '../store/dictionary.js';
import type { QuadBuffer } from '../store/quad-buffer.js';
import { DEFAULT_GRAPH_ID } from '../store/types.js';
import type { LoadOptions } from './engine.js';

export async function parseFileInto(
  buffer: QuadBuffer,
  file: string,
  dictionary: MemoryDictionary,
  targetGraph: number | undefined,
  options: LoadOptions,
): Promise<number> {
  // Blank node labels are scoped to one file: a fresh prefix per file keeps _:b1 of this
  // file apart from _:b1 of any file loaded before, in this process or an earlier one.
  const blankPrefix = `_:l${randomBytes(6).toString('hex')}_`;
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
