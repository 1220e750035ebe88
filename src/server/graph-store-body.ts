/**
 * Reading Graph Store Protocol request bodies: one RDF document (Turtle, N-Triples, N-Quads,
 * TriG) or a multipart/form-data upload of several, parsed in full into term keys before any
 * write starts. The byte cap covers the whole body, multipart parts included.
 */
import type * as RDF from '@rdfjs/types';
import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { InvalidArgumentError, KgError } from '../errors.js';
import {
  formatFromFileName,
  formatFromMediaType,
  RDF_MEDIA_TYPES,
  type RdfFormat,
} from '../rdf/formats.js';
import { parseRdf } from '../rdf/parse.js';
import { termKey } from '../rdf/terms.js';
import type { TermDictionary } from '../store/types.js';

/** The RDF media types a Graph Store request body may have, besides multipart/form-data. */
export const GRAPH_STORE_BODY_TYPES = Object.values(RDF_MEDIA_TYPES);

/** Most parts one multipart upload may have. */
const MAX_PARTS = 100;

/** A parsed body: four term keys per quad (subject, predicate, object, graph; '' = default). */
export interface ParsedBody {
  keys: string[];
  /** True when some quad of the body is in a named graph. */
  namesGraphs: boolean;
}

/** Registers the content-type parsers: RDF bodies stay streams, multipart goes to the plugin. */
export function registerBodyParsers(app: FastifyInstance, maxBytes: number): void {
  app.addContentTypeParser(GRAPH_STORE_BODY_TYPES, (_request, payload, done) =>
    done(null, payload),
  );
  // The plugin loads with the others when the server starts; its errors fail the start.
  void app.register(multipart, {
    limits: { fileSize: maxBytes, files: MAX_PARTS, parts: MAX_PARTS, fields: MAX_PARTS },
  });
}

/**
 * Parses the request body. With `oneGraph`, a body that names graphs is an error. Blank node
 * labels are scoped to the request. `baseIri` resolves relative IRIs in Turtle and TriG.
 */
export async function parseGraphStoreBody(
  request: FastifyRequest,
  options: { oneGraph: boolean; maxBytes: number; baseIri: string },
): Promise<ParsedBody> {
  const body: ParsedBody = { keys: [], namesGraphs: false };
  const blankPrefix = `_:h${randomBytes(6).toString('hex')}_`;
  const keyOf = (term: RDF.Term): string =>
    term.termType === 'BlankNode' ? blankPrefix + term.value : termKey(term);
  const onQuad = (quad: RDF.Quad): void => {
    if (quad.graph.termType !== 'DefaultGraph') {
      if (options.oneGraph) {
        throw new InvalidArgumentError(
          'The body names graphs, but the request is for one graph; send triples, or omit ?graph and ?default',
        );
      }
      body.namesGraphs = true;
    }
    body.keys.push(
      keyOf(quad.subject),
      keyOf(quad.predicate),
      keyOf(quad.object),
      keyOf(quad.graph),
    );
  };
  const budget = { remaining: options.maxBytes, maxBytes: options.maxBytes };
  // Most clients announce the length: reject before reading any of it.
  if (Number(request.headers['content-length'] ?? 0) > options.maxBytes) throw tooLarge(budget);

  const contentType = request.headers['content-type'];
  if (request.isMultipart()) {
    let parts = 0;
    for await (const part of multipartParts(request)) {
      if (part.type !== 'file') continue;
      parts++;
      const format = formatFromMediaType(part.mimetype) ?? formatOfFileName(part.filename);
      if (format === undefined) {
        part.file.resume();
        throw unsupportedMediaType(`part ${part.fieldname} (${part.mimetype})`);
      }
      try {
        await parseRdf(
          Readable.from(limitBytes(part.file, budget)),
          { format, baseIri: options.baseIri, source: `part ${part.filename ?? part.fieldname}` },
          onQuad,
        );
      } catch (error) {
        throw malformedMultipart(error);
      }
    }
    if (parts === 0) throw new InvalidArgumentError('The multipart body has no file part');
    return body;
  }
  const format = formatFromMediaType(contentType);
  if (format === undefined)
    throw unsupportedMediaType(contentType ?? 'a body without Content-Type');
  await parseRdf(
    Readable.from(limitBytes(request.body as Readable, budget)),
    { format, baseIri: options.baseIri, source: 'request body' },
    onQuad,
  );
  return body;
}

/**
 * Yields the parts of a multipart body. A malformed body (no boundary, no closing boundary)
 * makes the multipart parser fail with a plain Error, which becomes a 400 here.
 */
async function* multipartParts(request: FastifyRequest) {
  const parts = request.parts();
  for (;;) {
    let next;
    try {
      next = await parts.next();
    } catch (error) {
      throw malformedMultipart(error);
    }
    if (next.done === true) return;
    yield next.value;
  }
}

/**
 * Returns errors of our own (KgError, or with an HTTP status) as they are, and turns the
 * multipart parser's plain errors (no boundary, a body cut off before its closing boundary)
 * into a 400.
 */
function malformedMultipart(error: unknown): unknown {
  if (error instanceof KgError || (error as { statusCode?: number }).statusCode !== undefined) {
    return error;
  }
  return new InvalidArgumentError(
    `The multipart/form-data body is malformed: ${(error as Error).message}`,
  );
}

function formatOfFileName(name: string | undefined): RdfFormat | undefined {
  if (name === undefined || extname(name) === '') return undefined;
  try {
    return formatFromFileName(name).format;
  } catch {
    return undefined;
  }
}

function unsupportedMediaType(what: string): Error {
  return Object.assign(
    new Error(
      `Send the graph as ${GRAPH_STORE_BODY_TYPES.join(', ')} or multipart/form-data, not ${what}`,
    ),
    { statusCode: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  );
}

/** Passes a body stream through, failing with 413 once the request passes its byte budget. */
async function* limitBytes(
  body: Readable,
  budget: { remaining: number; maxBytes: number },
): AsyncGenerator<Buffer> {
  for await (const chunk of body as AsyncIterable<Buffer>) {
    budget.remaining -= chunk.length;
    if (budget.remaining < 0) {
      throw tooLarge(budget);
    }
    yield chunk;
  }
}

function tooLarge(budget: { maxBytes: number }): Error {
  return Object.assign(
    new Error(`The request body is larger than maxBodyBytes (${budget.maxBytes} bytes)`),
    { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' },
  );
}

/** Interns a parsed body; quads of the default graph go to `graph` when one is given. */
export function internBody(
  body: ParsedBody,
  dictionary: TermDictionary,
  graph: number | undefined,
): Uint32Array {
  const keys = body.keys;
  const packed = new Uint32Array(keys.length);
  for (let i = 0; i < keys.length; i += 4) {
    packed[i] = dictionary.intern(keys[i]!);
    packed[i + 1] = dictionary.intern(keys[i + 1]!);
    packed[i + 2] = dictionary.intern(keys[i + 2]!);
    const g = keys[i + 3]!;
    packed[i + 3] = g === '' && graph !== undefined ? graph : dictionary.intern(g);
  }
  return packed;
}
