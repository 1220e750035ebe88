/**
 * Requests refused before routing still get the project's JSON error body
 * `{"error", "detail", "code"}`: malformed HTTP, oversized request heads, slow clients, and
 * bodies in a content coding the server does not decode.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';

interface ClientFailure {
  status: number;
  detail: string;
  code: string;
}

function describeClientError(error: NodeJS.ErrnoException): ClientFailure {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        detail:
          `The request line and headers exceed ${http.maxHeaderSize} bytes; send a long ` +
          'query in a POST body instead of the URL',
        code: 'HEADER_TOO_LARGE',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        detail: 'The request was not received completely in time',
        code: 'REQUEST_TIMEOUT',
      };
    default:
      return { status: 400, detail: 'The request is not well-formed HTTP/1.1', code: 'BAD_HTTP' };
  }
}

/**
 * Fastify's `clientErrorHandler`: writes the error response for a request the HTTP parser
 * rejected, then closes the connection, because the rest of the byte stream cannot be trusted.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection cannot take a response.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, detail, code } = describeClientError(error);
  const body = JSON.stringify({ error: http.STATUS_CODES[status], detail, code });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'X-Content-Type-Options: nosniff\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}

/**
 * Refuses a body sent with a content coding (gzip, br, ...): the parsers read the bytes as
 * sent, so a compressed body would be parsed as garbage or, worse, as different data.
 */
export async function rejectContentEncoding(
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const coding = request.headers['content-encoding'];
  if (coding === undefined || coding.trim().toLowerCase() === 'identity') return;
  // RFC 9110, section 15.5.16: 415 with Accept-Encoding naming what the server decodes.
  await reply
    .code(415)
    .header('accept-encoding', 'identity')
    .send({
      error: 'Unsupported media type',
      detail:
        `Content-Encoding ${JSON.stringify(coding.slice(0, 100))} is not accepted; ` +
        'send the body uncompressed',
      code: 'UNSUPPORTED_CONTENT_ENCODING',
    });
}
