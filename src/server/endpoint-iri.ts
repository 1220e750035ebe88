/**
 * The IRI of the endpoint a request was sent to, used as the base IRI of the query or update
 * text it carries, so relative IRIs such as `<s>` resolve as the SPARQL protocol expects.
 */
import type { FastifyRequest } from 'fastify';

/** Host header values taken as given: a DNS name or an IP literal, with an optional port. */
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/**
 * Returns `scheme://host/path` of the request, without its query string. A Host header that
 * is not a plain host name falls back to `localhost`, so no IRI syntax can enter the base.
 * The base affects only the relative IRIs of the client's own request.
 */
export function endpointIri(request: FastifyRequest): string {
  const host = PLAIN_HOST.test(request.host) ? request.host : 'localhost';
  const path = request.url.split('?', 1)[0]!;
  return `${request.protocol}://${host}${path}`;
}
