/**
 * pino settings for the server. Fastify writes one line when a request completes, with its
 * reqId and responseTime. Credentials never reach the log: the request serializer keeps only
 * method, path (without the query string, which may hold a query or a token), host and client
 * address, and `redact` covers any header that slips through.
 */
import type { FastifyServerOptions } from 'fastify';

interface LoggedRequest {
  method: string;
  url: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export function loggerOptions(level: string): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'headers.cookie',
        'password',
        'token',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(request: LoggedRequest) {
        return {
          method: request.method,
          path: request.url.split('?', 1)[0],
          host: request.hostname,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort,
        };
      },
    },
  };
}
