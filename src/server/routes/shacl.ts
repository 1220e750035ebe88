/**
 * SHACL validation over HTTP: `POST /shacl` (the default dataset) and
 * `POST /datasets/NAME/shacl` take a shapes graph as the body (Turtle, N-Triples, N-Quads,
 * TriG or a multipart upload) and return the validation report of the dataset, as far as the
 * requester may read it, in the negotiated RDF format (Turtle by default). The
 * `SHACL-Conforms` response header repeats the report's sh:conforms.
 */
import type * as RDF from '@rdfjs/types';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatFromMediaType } from '../../rdf/formats.js';
import { serializeQuads } from '../../rdf/serialize.js';
import { readableQuads } from '../../security/quad-access.js';
import {
  compileShapes,
  graphFromQuads,
  REPORT_PREFIXES,
  reportQuads,
  validateAsync,
} from '../../shacl/index.js';
import { DEFAULT_DATASET } from '../../storage/engine.js';
import { factory, termFromKey } from '../../rdf/terms.js';
import type { ServerContext } from '../app.js';
import { notAcceptable } from '../errors.js';
import { parseGraphStoreBody } from '../graph-store-body.js';
import { GRAPH_OFFERED, negotiate } from '../negotiation.js';
import { toByteStream, abortOnDisconnect } from '../streaming.js';

export function registerShaclRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/shacl', (request, reply) =>
    answerValidation(context, request, reply, DEFAULT_DATASET),
  );
  app.post('/datasets/:name/shacl', (request, reply) =>
    answerValidation(context, request, reply, (request.params as { name: string }).name),
  );
}

async function answerValidation(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  datasetName: string,
): Promise<FastifyReply> {
  const principal = request.principal!;
  const access = context.security.access.requireReadAccess(principal, datasetName);
  const stored = context.engine.dataset(datasetName);
  // Negotiate before the work, so an unacceptable Accept header costs nothing.
  const mediaType = negotiate(request.headers.accept, GRAPH_OFFERED);
  if (mediaType === undefined) {
    const { status, body } = notAcceptable(GRAPH_OFFERED);
    return reply.code(status).send(body);
  }

  const body = await parseGraphStoreBody(request, {
    oneGraph: false,
    maxBytes: context.config.maxBodyBytes,
    baseIri: `${request.protocol}://${request.host}${request.url.split('?', 1)[0]}`,
  });
  const shapes: RDF.Quad[] = [];
  for (let i = 0; i < body.keys.length; i += 4) {
    shapes.push(
      factory.quad(
        termFromKey(body.keys[i]!) as RDF.Quad_Subject,
        termFromKey(body.keys[i + 1]!) as RDF.Quad_Predicate,
        termFromKey(body.keys[i + 2]!) as RDF.Quad_Object,
      ),
    );
  }
  const program = compileShapes(graphFromQuads(shapes));

  const controller = abortOnDisconnect(context, reply);
  const report = await validateAsync(
    program,
    {
      dictionary: stored.dictionary,
      quads: readableQuads(stored.quads, stored.dictionary, access),
    },
    { timeoutMs: context.config.queryTimeoutMs, signal: controller.signal },
  );
  const format = formatFromMediaType(mediaType)!;
  return reply
    .header('vary', 'Accept')
    .header('shacl-conforms', String(report.conforms))
    .type(`${mediaType}; charset=utf-8`)
    .send(
      Readable.from(
        toByteStream(
          serializeQuads(reportQuads(report, { generatedMessages: true }), format, {
            prefixes: REPORT_PREFIXES,
          }),
        ),
      ),
    );
}
