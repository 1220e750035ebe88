/**
 * The one table from error codes to HTTP statuses, and the JSON error body every route sends:
 * `{"error": short title, "detail": what was wrong and what to do}`. A 5xx never carries
 * internal details, only the request id to find the logged stack.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, KgError, ValidationFailedError } from '../errors.js';

interface ErrorStatus {
  status: number;
  title: string;
}

const STATUS_BY_CODE: Record<ErrorCode, ErrorStatus> = {
  RDF_SYNTAX: { status: 400, title: 'RDF syntax error' },
  SPARQL_SYNTAX: { status: 400, title: 'SPARQL syntax error' },
  INVALID_ARGUMENT: { status: 400, title: 'Invalid request' },
  LIMIT_EXCEEDED: { status: 400, title: 'Limit exceeded' },
  QUERY_EVALUATION: { status: 400, title: 'Query evaluation error' },
  AUTHENTICATION_REQUIRED: { status: 401, title: 'Authentication required' },
  ACCESS_DENIED: { status: 403, title: 'Access denied' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  QUERY_CANCELLED: { status: 499, title: 'Query cancelled' },
  UNSUPPORTED_FEATURE: { status: 501, title: 'Not implemented' },
  QUERY_TIMEOUT: { status: 503, title: 'Query timed out' },
  STORAGE: { status: 500, title: 'Storage error' },
  STORAGE_CORRUPT: { status: 500, title: 'Storage error' },
  STORAGE_FULL: { status: 507, title: 'Insufficient storage' },
  STORAGE_IO_ERROR: { status: 503, title: 'Storage unavailable for writes' },
  CONFIG: { status: 500, title: 'Configuration error' },
  VALIDATION_FAILED: { status: 422, title: 'Write rejected by validation' },
  OUTBOUND_FAILED: { status: 502, title: 'Outbound request failed' },
  OUTBOUND_TIMEOUT: { status: 504, title: 'Outbound request timed out' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
};

export interface ErrorBody {
  error: string;
  detail: string;
  code?: string;
  line?: number;
  column?: number;
  requestId?: string;
  /** The SHACL validation report (Turtle) of a rejected write. */
  report?: string;
}

/** Maps any thrown value to a status and a body safe to send to the client. */
export function describeError(
  error: unknown,
  requestId: string,
): { status: number; body: ErrorBody } {
  if (error instanceof KgError) {
    const { status, title } = STATUS_BY_CODE[error.code];
    // Only a 500 is an internal failure whose message may expose internals; 501 and 503
    // describe the request's own limits and what to do about them.
    if (status === 500) {
      return { status, body: internalBody(requestId) };
    }
    const body: ErrorBody = { error: title, detail: error.message, code: error.code };
    if (error.location?.line !== undefined) body.line = error.location.line;
    if (error.location?.column !== undefined) body.column = error.location.column;
    if (error instanceof ValidationFailedError) body.report = error.report;
    return { status, body };
  }
  // Operators chained thousands deep (OPTIONAL after OPTIONAL) recurse during evaluation.
  if (error instanceof RangeError && error.message.includes('call stack')) {
    return {
      status: 400,
      body: {
        error: 'Limit exceeded',
        detail: 'The query is too large or too deeply nested to evaluate; split or simplify it',
        code: 'LIMIT_EXCEEDED',
      },
    };
  }
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    let detail = fastifyError.message ?? 'Bad request';
    // Fastify names only the status, so the detail names the header and where the list is.
    if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      detail =
        'no route reads a body of this Content-Type; the README lists the body types ' +
        'each route accepts (for example application/sparql-query, text/turtle)';
    }
    return { status, body: { error: fastifyTitle(status), detail, code: fastifyError.code } };
  }
  return { status: 500, body: internalBody(requestId) };
}

function internalBody(requestId: string): ErrorBody {
  return {
    error: 'Internal server error',
    detail: `The server failed to handle the request; quote request id ${requestId} to the operator`,
    requestId,
  };
}

function fastifyTitle(status: number): string {
  switch (status) {
    case 413:
      return 'Request body too large';
    case 414:
      return 'URI too long';
    case 415:
      return 'Unsupported media type';
    case 404:
      return 'Not found';
    case 405:
      return 'Method not allowed';
    default:
      return 'Invalid request';
  }
}

/** Sends an error as JSON. 401 responses also name the accepted schemes. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
): FastifyReply {
  const described = describeError(error, request.id);
  const { body } = described;
  if (body.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    // JSON.stringify quotes the client's header text, so it cannot break the message.
    const sent = (request.headers['content-type'] ?? '').slice(0, 200);
    body.detail = `Content-Type ${JSON.stringify(sent)}: ${body.detail}`;
  }
  let status = described.status;
  if (typeof error === 'object' && error !== null) {
    const { retryAfterSeconds, event } = error as {
      retryAfterSeconds?: unknown;
      event?: { reason?: string };
    };
    if (typeof retryAfterSeconds === 'number')
      reply.header('retry-after', String(retryAfterSeconds));
    // A blocked client address is rate limiting, not a credentials problem.
    if (event?.reason === 'address-blocked') {
      status = 429;
      body.error = 'Too many requests';
      body.code = 'RATE_LIMITED';
    }
  }
  if (status === 500) request.log.error({ err: error }, 'request failed');
  else if (status >= 500)
    request.log.warn({ code: body.code, detail: body.detail }, 'request not served');
  else request.log.info({ code: body.code, detail: body.detail }, 'request rejected');
  if (status === 401) {
    reply.header('www-authenticate', 'Basic realm="seven-tick", charset="UTF-8"');
  }
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** Error for a request whose Accept header admits none of the formats a route can produce. */
export function notAcceptable(offered: readonly string[]): { status: number; body: ErrorBody } {
  return {
    status: 406,
    body: {
      error: 'Not acceptable',
      detail: `None of the requested media types can be produced; available: ${offered.join(', ')}`,
      code: 'NOT_ACCEPTABLE',
    },
  };
}
