/**
 * The SPARQL 1.1 Protocol update operation on /update (the default dataset) and
 * /datasets/NAME/update: POST with an application/sparql-update body or a form with `update=`.
 *
 * The whole request is one transaction: its operations run in order and are committed, durably,
 * only when all succeed. The response is 200 with the number of quads inserted and deleted.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidArgumentError } from '../../errors.js';
import { isAbsoluteIri } from '../../rdf/terms.js';
import { reachesAnyGraph } from '../../security/access.js';
import { Permission } from '../../security/permissions.js';
import { guardedWriter, readableQuads } from '../../security/quad-access.js';
import {
  executeUpdate,
  OFFLOAD_MIN_LENGTH,
  parseUpdateAsync,
  type UpdateOperation,
} from '../../sparql/index.js';
import { DEFAULT_DATASET } from '../../storage/engine.js';
import type { ServerContext } from '../app.js';
import { endpointIri } from '../endpoint-iri.js';
import { abortOnDisconnect } from '../streaming.js';
import { auditWrite, requireWritable } from './write-guard.js';
import { remoteLoader } from '../remote-load.js';

type Parameters = Record<string, string | string[] | undefined>;

export function registerUpdateRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post('/update', (request, reply) => answerUpdate(context, request, reply, DEFAULT_DATASET));
  app.post('/datasets/:name/update', (request, reply) =>
    answerUpdate(context, request, reply, (request.params as { name: string }).name),
  );
}

async function answerUpdate(
  context: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  datasetName: string,
): Promise<FastifyReply> {
  requireWritable(context); // security: read-only while the incident level is high or critical
  const principal = request.principal!;
  const { text, parameters } = extractUpdate(request);
  // Long requests are parsed in a worker thread, so other requests go on meanwhile.
  if (text.length >= OFFLOAD_MIN_LENGTH) {
    request.log.info({ characters: text.length }, 'parsing a long update in a worker thread');
  }
  const parsed = await parseUpdateAsync(text, endpointIri(request));
  const operations = withProtocolDataset(parsed, parameters);

  // Inserting needs write and removing needs delete, on the dataset or on some graph of it;
  // the graph-level check happens when the quads are written.
  const { access } = context.security;
  const writeAccess = access.graphAccess(principal, Permission.Write, datasetName);
  const deleteAccess = access.graphAccess(principal, Permission.Delete, datasetName);
  const readAccess = access.graphAccess(principal, Permission.Read, datasetName);
  const needs = permissionsNeeded(operations);
  if (needs.write && !reachesAnyGraph(writeAccess)) {
    access.require(principal, Permission.Write, { dataset: datasetName });
  }
  if (needs.delete && !reachesAnyGraph(deleteAccess)) {
    access.require(principal, Permission.Delete, { dataset: datasetName });
  }
  if (!needs.write && !needs.delete && !reachesAnyGraph(writeAccess)) {
    access.require(principal, Permission.Write, { dataset: datasetName });
  }
  // Unknown datasets are reported as such only to principals allowed to know of them.
  context.engine.dataset(datasetName);

  const controller = abortOnDisconnect(context, reply);

  const started = performance.now();
  try {
    const { inserted, deleted } = await context.engine.transaction(
      datasetName,
      async (transaction) => {
        const writer = guardedWriter(
          transaction,
          transaction.dictionary,
          {
            write: writeAccess,
            delete: deleteAccess,
          },
          datasetName,
        );
        return executeUpdate(
          {
            dictionary: transaction.dictionary,
            quads: readableQuads(transaction.quads, transaction.dictionary, readAccess),
            insert: (quads) => writer.insert(quads),
            delete: (quads) => writer.delete(quads),
            load: remoteLoader(
              context.security.outbound,
              transaction.dictionary,
              context.config.maxBodyBytes,
            ),
          },
          operations,
          {
            timeoutMs: context.config.queryTimeoutMs,
            signal: controller.signal,
            maxGroups: context.config.maxGroups,
            maxPathNodes: context.config.maxPathNodes,
            maxQueryMemoryBytes: context.config.maxQueryMemoryBytes,
            maxUpdateQuads: context.config.maxUpdateQuads,
          },
        );
      },
      { source: `update by ${principal.username}` },
    );
    request.log.info(
      {
        dataset: datasetName,
        operations: operations.length,
        inserted,
        deleted,
        durationMs: Math.round(performance.now() - started),
      },
      'update committed',
    );
    // security: audit entry of the committed write (counts and kinds, never the update text)
    auditWrite(context, request, {
      dataset: datasetName,
      operations: operations.map((operation) => operation.type),
      inserted,
      deleted,
    });
    return reply.code(200).send({ inserted, deleted });
  } finally {
    context.state.activeQueries.delete(controller);
  }
}

/** Returns the permissions the operations of a request need, judged from their kinds. */
function permissionsNeeded(operations: readonly UpdateOperation[]): {
  write: boolean;
  delete: boolean;
} {
  let write = false;
  let remove = false;
  for (const operation of operations) {
    switch (operation.type) {
      case 'insertData':
      case 'load':
      case 'add':
        write = true;
        break;
      case 'deleteData':
      case 'clear':
      case 'drop':
        remove = true;
        break;
      case 'modify':
        write ||= operation.inserts.length > 0;
        remove ||= operation.deletes.length > 0;
        break;
      case 'copy':
      case 'move':
        write = true;
        remove = true;
        break;
      case 'create':
        break;
    }
  }
  return { write, delete: remove };
}

/** Returns the update text and the protocol parameters, from the URL and a form body. */
function extractUpdate(request: FastifyRequest): { text: string; parameters: Parameters } {
  const type = request.headers['content-type']?.split(';', 1)[0].trim().toLowerCase();
  const fromUrl = (request.query ?? {}) as Parameters;
  if (fromUrl.update !== undefined) {
    throw new InvalidArgumentError('Send the update in the POST body, not in the URL');
  }
  let text: string | string[] | undefined;
  let parameters: Parameters = fromUrl;
  if (type === 'application/sparql-update') {
    text = request.body as string;
  } else if (type === 'application/x-www-form-urlencoded') {
    const form = request.body as Parameters;
    text = form.update;
    parameters = { ...form, ...mergeLists(fromUrl, form) };
  } else {
    throw new InvalidArgumentError(
      `POST an update as application/sparql-update or application/x-www-form-urlencoded, ` +
        `not ${type ?? 'a body without Content-Type'}`,
    );
  }
  if (Array.isArray(text))
    throw new InvalidArgumentError('Exactly one update is allowed per request');
  if (typeof text !== 'string' || text.trim() === '') {
    throw new InvalidArgumentError(
      'Missing update: pass it as the POST body or the update form field',
    );
  }
  return { text, parameters };
}

/** Merges the protocol's graph parameters from the URL and the form. */
function mergeLists(a: Parameters, b: Parameters): Parameters {
  const merged: Parameters = {};
  for (const name of ['using-graph-uri', 'using-named-graph-uri']) {
    const values = [a[name], b[name]].filter((v) => v !== undefined).flat() as string[];
    if (values.length > 0) merged[name] = values;
  }
  return merged;
}

/**
 * Applies using-graph-uri and using-named-graph-uri: they give the WHERE dataset of every
 * DELETE/INSERT, and an update that names its own dataset (USING or WITH) is then an error,
 * as the SPARQL 1.1 Protocol requires.
 */
function withProtocolDataset(
  operations: UpdateOperation[],
  parameters: Parameters,
): UpdateOperation[] {
  const list = (name: string): string[] => {
    const values = [parameters[name]].filter((v) => v !== undefined).flat() as string[];
    for (const iri of values) {
      if (!isAbsoluteIri(iri)) {
        throw new InvalidArgumentError(
          `${name} must be an absolute IRI, got ${JSON.stringify(iri)}`,
        );
      }
    }
    return values;
  };
  const defaultGraphs = list('using-graph-uri');
  const namedGraphs = list('using-named-graph-uri');
  if (defaultGraphs.length === 0 && namedGraphs.length === 0) return operations;
  return operations.map((operation) => {
    if (operation.type !== 'modify') return operation;
    const where = operation.where;
    if (
      operation.withGraph !== undefined ||
      where.defaultGraphs !== undefined ||
      where.namedGraphs !== undefined
    ) {
      throw new InvalidArgumentError(
        'using-graph-uri and using-named-graph-uri cannot be combined with USING or WITH in the update',
      );
    }
    return { ...operation, where: { ...where, defaultGraphs, namedGraphs } };
  });
}
