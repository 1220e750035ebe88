/**
 * One HTTP(S) exchange to an address the outbound guard has already checked: the socket
 * connects to that pinned address while the Host header and TLS SNI keep the URL's name, so a
 * second DNS answer can never change the target. The caller handles redirects.
 */

import type { LookupAddress, LookupOptions } from 'node:dns';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { KgError, LimitExceededError } from '../errors.js';

/** A URL whose host has been checked, with the one address the connection must use. */
export interface PinnedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** A request failure that is not a policy decision: refused connection, reset, bad TLS. */
export class OutboundRequestError extends KgError {
  constructor(message: string, cause?: unknown) {
    super('OUTBOUND_FAILED', message, { cause });
  }
}

/** An outbound request that ran past its connect or total timeout. */
export class OutboundTimeoutError extends KgError {
  readonly timeoutMs: number;

  constructor(operation: string, timeoutMs: number, setting: string) {
    super('OUTBOUND_TIMEOUT', `${operation} timed out after ${timeoutMs} ms; raise ${setting}`);
    this.timeoutMs = timeoutMs;
  }
}

export interface ExchangeOptions {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Buffer;
  connectTimeoutMs: number;
  /** Extra trusted CA certificates in PEM; only tests set them. */
  ca?: string;
  /** Aborted by the caller's total timeout or cancellation; the request is destroyed. */
  signal: AbortSignal;
}

/** Returns a `lookup` function that always returns the pinned address. */
function pinnedLookup(target: PinnedTarget): LookupFunction {
  return (_hostname: string, options: LookupOptions, callback) => {
    if (options.all === true) {
      const answer: LookupAddress[] = [{ address: target.address, family: target.family }];
      callback(null, answer);
    } else {
      callback(null, target.address, target.family);
    }
  };
}

/** Removes the brackets WHATWG URL keeps around an IPv6 hostname. */
function bareHostname(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Sends one request to the pinned address and resolves with the response head; the body is
 * still unread. Rejects with OutboundTimeoutError when the TCP connection takes longer than
 * `connectTimeoutMs`, and with the signal's reason when the signal aborts.
 */
export function sendRequest(
  target: PinnedTarget,
  options: ExchangeOptions,
): Promise<IncomingMessage> {
  const { url } = target;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) {
      reject(options.signal.reason);
      return;
    }
    const request = transport.request({
      protocol: url.protocol,
      hostname: bareHostname(url),
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
      method: options.method,
      headers: options.headers,
      lookup: pinnedLookup(target),
      // No connection pooling: a pooled socket could outlive the check that allowed it.
      agent: false,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });

    const onAbort = () => request.destroy(options.signal.reason as Error);
    options.signal.addEventListener('abort', onAbort, { once: true });
    const connectTimer = setTimeout(() => {
      request.destroy(
        new OutboundTimeoutError(
          `Connecting to ${url.origin}`,
          options.connectTimeoutMs,
          'outbound.connectTimeoutMs',
        ),
      );
    }, options.connectTimeoutMs);
    request.on('socket', (socket) => {
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    request.on('response', (response) => {
      clearTimeout(connectTimer);
      options.signal.removeEventListener('abort', onAbort);
      resolve(response);
    });
    request.on('error', (error) => {
      clearTimeout(connectTimer);
      options.signal.removeEventListener('abort', onAbort);
      reject(
        error instanceof KgError
          ? error
          : new OutboundRequestError(
              `Outbound request to ${url.origin} failed: ${error.message}`,
              error,
            ),
      );
    });
    request.end(options.body);
  });
}

/**
 * Reads a response body of at most `maxBytes` bytes. A larger Content-Length is rejected
 * before reading, and a body that grows past the cap is aborted at that point.
 */
export function readBody(
  response: IncomingMessage,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Buffer> {
  const tooLarge = () =>
    new LimitExceededError('Outbound response size in bytes', maxBytes, 'outbound.maxBytes');
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const fail = (error: unknown) => {
      signal.removeEventListener('abort', onAbort);
      response.destroy();
      reject(error);
    };
    const onAbort = () => fail(signal.reason);
    if (signal.aborted) {
      fail(signal.reason);
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    response.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) {
        fail(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks, received));
    });
    response.on('error', (error) =>
      fail(
        new OutboundRequestError(`Reading the outbound response failed: ${error.message}`, error),
      ),
    );
  });
}

/** Response headers as received, for the caller to inspect. */
export type ResponseHeaders = IncomingHttpHeaders;
