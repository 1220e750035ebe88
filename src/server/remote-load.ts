/**
 * SPARQL Update `LOAD <url>`: fetches an RDF document through the outbound-request policy
 * (off by default; allow-listed hosts only, no private addresses, pinned DNS, redirect and
 * size caps) and parses it into packed quad ids of the transaction's dictionary.
 */
import type * as RDF from '@rdfjs/types';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { InvalidArgumentError } from '../errors.js';
import { formatFromFileName, formatFromMediaType, type RdfFormat } from '../rdf/formats.js';
import { parseRdf } from '../rdf/parse.js';
import { termKey } from '../rdf/terms.js';
import type { OutboundPolicy } from '../security/outbound.js';
import { QuadBuffer } from '../store/quad-buffer.js';
import type { TermDictionary, TermId } from '../store/types.js';

const ACCEPT =
  'text/turtle, application/n-triples;q=0.9, application/trig;q=0.9, application/n-quads;q=0.9';

/**
 * Returns the `load` function of an update target, or undefined when outbound requests are
 * off, which makes LOAD fail with a message naming the setting.
 */
export function remoteLoader(
  policy: OutboundPolicy,
  dictionary: TermDictionary,
  maxBytes: number,
):
  | ((source: string, graph: TermId, signal: AbortSignal | undefined) => Promise<Uint32Array>)
  | undefined {
  if (!policy.enabled) return undefined;
  return async (source, graph, signal) => {
    const response = await policy.fetch(source, { accept: ACCEPT, maxBytes, signal });
    if (response.status < 200 || response.status > 299) {
      throw new InvalidArgumentError(
        `LOAD <${source}> failed: the server returned status ${response.status}`,
      );
    }
    const contentType = response.headers['content-type'];
    const format = formatOf(
      Array.isArray(contentType) ? contentType[0] : contentType,
      response.finalUrl,
    );
    // Blank nodes are scoped to the loaded document.
    const blankPrefix = `_:r${randomBytes(6).toString('hex')}_`;
    const intern = (term: RDF.Term): TermId =>
      dictionary.intern(term.termType === 'BlankNode' ? blankPrefix + term.value : termKey(term));
    const quads = new QuadBuffer();
    await parseRdf(
      Readable.from([response.body]),
      { format, baseIri: response.finalUrl, source },
      (quad) => {
        const g = quad.graph.termType === 'DefaultGraph' ? graph : intern(quad.graph);
        quads.push(intern(quad.subject), intern(quad.predicate), intern(quad.object), g);
      },
    );
    return quads.view();
  };
}

function formatOf(contentType: string | undefined, url: string): RdfFormat {
  const byType = formatFromMediaType(contentType);
  if (byType !== undefined) return byType;
  try {
    return formatFromFileName(new URL(url).pathname).format;
  } catch {
    throw new InvalidArgumentError(
      `LOAD cannot tell the RDF format of ${url}: Content-Type ${contentType ?? 'missing'}`,
    );
  }
}
