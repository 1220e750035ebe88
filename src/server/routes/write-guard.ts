/**
 * Two calls the write routes (SPARQL Update, Graph Store) make: `requireWritable` before any
 * work, which rejects writes while the incident level is high or critical, and `auditWrite`
 * after the commit, which appends the `write` audit entry. The entry records counts and
 * operation kinds, never the request body. `adminAuditor` does the same for admin changes.
 */
import type { FastifyRequest } from 'fastify';
import { ServiceUnavailableError } from '../../errors.js';
import { writesAllowed } from '../../security/incident.js';
import type { ServerContext } from '../app.js';

/** Throws ServiceUnavailableError (503) while the incident level keeps the server read-only. */
export function requireWritable(context: ServerContext): void {
  const { level } = context.security.incident.current();
  if (!writesAllowed(level)) {
    throw new ServiceUnavailableError(
      `Data writes are switched off while the incident level is ${level}: datasets are ` +
        'read-only until an administrator lowers the level (account and incident ' +
        'administration still works)',
    );
  }
}

export interface WriteSummary {
  dataset: string;
  /** Operation kinds, such as insertData or modify for SPARQL Update, put or delete for the graph store. */
  operations: string[];
  inserted: number;
  deleted: number;
  /** The target graph of a graph store request: an IRI, `default`, or absent for the dataset. */
  graph?: string;
}

/** Appends the audit entry of a committed write; the response hook makes it durable. */
export function auditWrite(
  context: ServerContext,
  request: FastifyRequest,
  summary: WriteSummary,
): void {
  context.security.record({
    type: 'write',
    actor: request.principal?.username ?? null,
    address: request.ip,
    detail: { ...summary },
  });
}

/**
 * Returns a function that appends an `admin.*` audit entry for a request, with the caller as
 * actor: the account, grant and token routes record every change through it.
 */
export function adminAuditor(
  context: ServerContext,
): (request: FastifyRequest, type: `admin.${string}`, detail: object) => void {
  return (request, type, detail) =>
    context.security.record({
      type,
      actor: request.principal!.username,
      address: request.ip,
      detail: { ...detail },
    });
}
