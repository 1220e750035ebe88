/**
 * The one guard for every outbound request (SPARQL SERVICE, LOAD <url>, JWKS documents, JSON-LD
 * contexts). Outbound requests are off by default. When enabled, a URL passes only if:
 *
 * - its scheme is http or https and it carries no user name or password;
 * - its host is on the allow-list (an exact name, or `*.example.org` for any name below it);
 * - the host is not a loopback or metadata name, and every address DNS returns for it (or the
 *   literal address itself) is public unicast, see outbound-address.ts.
 *
 * WHATWG URL parsing first turns decimal, octal, hex and short IPv4 forms (`2130706433`,
 * `0177.0.0.1`, `0x7f.1`) into dotted quads, so they are classified like any other address.
 * DNS is resolved once per hop and the connection goes to the checked address.
 */

import { lookup } from 'node:dns/promises';
import type { IncomingMessage } from 'node:http';
import {
  AccessDeniedError,
  ConfigError,
  InvalidArgumentError,
  LimitExceededError,
  QueryCancelledError,
} from '../errors.js';
import {
  blockedAddressReason,
  blockedNameReason,
  ipFamily,
  isLoopbackAddress,
  type AddressFamily,
} from './outbound-address.js';
import {
  OutboundRequestError,
  OutboundTimeoutError,
  readBody,
  sendRequest,
  type PinnedTarget,
  type ResponseHeaders,
} from './outbound-request.js';

export {
  OutboundRequestError,
  OutboundTimeoutError,
  type PinnedTarget,
} from './outbound-request.js';

/** Settings from the config file's `outbound` object. */
export interface OutboundConfig {
  /** Default false: every outbound request is rejected. */
  enabled?: boolean;
  /** Host names allowed, exact (`example.org`) or a suffix rule (`*.example.org`). */
  allowHosts?: readonly string[];
  /** Redirects followed per request (default 3); each hop is checked again. */
  maxRedirects?: number;
  /** Time to establish the TCP connection, in milliseconds (default 5000). */
  connectTimeoutMs?: number;
  /** Time for the whole request including redirects and body, in milliseconds (default 30000). */
  timeoutMs?: number;
  /** Maximum response body in bytes (default 10 MiB). */
  maxBytes?: number;
}

export interface ResolvedAddress {
  address: string;
  family: AddressFamily;
}

/** Resolves a host name to every address it has. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/**
 * Options that only tests set. They are a separate constructor argument so that nothing read
 * from a config file can reach them.
 */
export interface OutboundTestOptions {
  /** Lets requests reach 127.0.0.0/8 and ::1 (never other private ranges). */
  allowLoopbackForTests?: boolean;
  /** Replaces DNS, for simulating rebinding and multi-address answers. */
  resolver?: HostResolver;
  /** Trusts this PEM CA certificate as well, for a local HTTPS server with a test certificate. */
  caForTests?: string;
}

export interface OutboundFetchOptions {
  /** The Accept header. */
  accept?: string;
  /** Overrides the configured response size cap, in bytes; it can only be lowered. */
  maxBytes?: number;
  /** Overrides the configured total timeout, in milliseconds; it can only be lowered. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Default GET. A 303, or a 301/302 after POST, continues as GET without the body. */
  method?: 'GET' | 'POST';
  body?: string | Buffer;
  /** Extra request headers. Authorization, Cookie and Proxy-Authorization are dropped on a redirect to another origin. */
  headers?: Readonly<Record<string, string>>;
}

export interface OutboundResponse {
  status: number;
  headers: ResponseHeaders;
  body: Buffer;
  /** URL of the final response, after redirects. */
  finalUrl: string;
}

/** An outbound request rejected by the policy; `reason` names the rule that matched. */
export class OutboundBlockedError extends AccessDeniedError {
  readonly reason: string;

  constructor(origin: string, reason: string) {
    super(`Outbound request to ${origin} rejected: ${reason}`);
    this.reason = reason;
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
const USER_AGENT = 'seven-tick';

const DEFAULTS = {
  maxRedirects: 3,
  connectTimeoutMs: 5_000,
  timeoutMs: 30_000,
  maxBytes: 10 * 1024 * 1024,
};

async function systemResolver(hostname: string): Promise<ResolvedAddress[]> {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
}

function positiveInteger(value: number | undefined, fallback: number, setting: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(`Invalid ${setting}: ${value}; expected a non-negative integer`);
  }
  return value;
}

/** Validates one allow-list entry and returns it in the form URL host names take (punycode). */
function normaliseAllowEntry(entry: string): string {
  const text = String(entry).trim().toLowerCase();
  const wildcard = text.startsWith('*.');
  const name = (wildcard ? text.slice(2) : text).replace(/\.$/, '');
  const bracketed = name.startsWith('[') && name.endsWith(']');
  let hostname: string | null = null;
  // Ports, paths, user info and further wildcards are not part of a host name.
  const malformed = name === '' || /[\s/@?#\\%*]/.test(name) || (name.includes(':') && !bracketed);
  if (!malformed) {
    try {
      hostname = new URL(`http://${name}/`).hostname;
    } catch {
      hostname = null;
    }
  }
  if (hostname === null || (wildcard && (bracketed || ipFamily(hostname) !== null))) {
    throw new ConfigError(
      `Invalid outbound.allowHosts entry ${JSON.stringify(entry)}; use a host name such as ` +
        `example.org or a suffix rule such as *.example.org`,
    );
  }
  return wildcard ? `*.${hostname}` : hostname;
}

/** Decides which URLs the server may request and performs those requests. */
export class OutboundPolicy {
  readonly enabled: boolean;
  private readonly exactHosts = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly maxRedirects: number;
  private readonly connectTimeoutMs: number;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly allowLoopback: boolean;
  private readonly resolver: HostResolver;
  private readonly caForTests?: string;

  constructor(config: OutboundConfig = {}, testOptions: OutboundTestOptions = {}) {
    this.enabled = config.enabled === true;
    for (const entry of config.allowHosts ?? []) {
      const normalised = normaliseAllowEntry(entry);
      if (normalised.startsWith('*.')) this.suffixes.push(normalised.slice(1));
      else this.exactHosts.add(normalised);
    }
    this.maxRedirects = positiveInteger(
      config.maxRedirects,
      DEFAULTS.maxRedirects,
      'outbound.maxRedirects',
    );
    this.connectTimeoutMs = positiveInteger(
      config.connectTimeoutMs,
      DEFAULTS.connectTimeoutMs,
      'outbound.connectTimeoutMs',
    );
    this.timeoutMs = positiveInteger(config.timeoutMs, DEFAULTS.timeoutMs, 'outbound.timeoutMs');
    this.maxBytes = positiveInteger(config.maxBytes, DEFAULTS.maxBytes, 'outbound.maxBytes');
    this.allowLoopback = testOptions.allowLoopbackForTests === true;
    this.resolver = testOptions.resolver ?? systemResolver;
    this.caForTests = testOptions.caForTests;
  }

  /**
   * Checks everything about a URL that needs no DNS: enabled, scheme, credentials, allow-list,
   * blocked names and literal addresses. Returns the parsed URL or throws OutboundBlockedError
   * or InvalidArgumentError.
   */
  checkUrl(input: string | URL): URL {
    const url = parseOutboundUrl(input);
    if (!this.enabled) {
      throw new OutboundBlockedError(
        url.origin,
        'outbound requests are disabled; set outbound.enabled and list the host in outbound.allowHosts',
      );
    }
    const literal = literalAddress(url);
    const name = literal === null ? url.hostname.replace(/\.$/, '') : url.hostname;
    // Address and name rules run first because their reasons are more specific than
    // "not allow-listed".
    if (literal !== null) {
      this.checkAddress(url, literal);
    } else {
      const nameReason = blockedNameReason(name);
      if (nameReason !== null) throw new OutboundBlockedError(url.origin, nameReason);
    }
    if (!this.isAllowListed(name)) {
      throw new OutboundBlockedError(url.origin, `host ${name} is not in outbound.allowHosts`);
    }
    return url;
  }

  /**
   * Checks a URL and resolves its host once. Every address DNS returns must pass, and the
   * first one becomes the address the connection is pinned to.
   */
  async check(input: string | URL, signal?: AbortSignal): Promise<PinnedTarget> {
    const url = this.checkUrl(input);
    const literal = literalAddress(url);
    if (literal !== null) return { url, address: literal, family: ipFamily(literal)! };

    const name = url.hostname.replace(/\.$/, '');
    let answers: ResolvedAddress[];
    try {
      answers = await abortable(this.resolver(name), signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new OutboundRequestError(`DNS lookup of ${name} failed: ${detail}`, error);
    }
    if (answers.length === 0) {
      throw new OutboundRequestError(`DNS lookup of ${name} returned no address`);
    }
    for (const answer of answers) this.checkAddress(url, answer.address);
    const first = answers[0]!;
    return { url, address: first.address, family: first.family };
  }

  /**
   * Requests a URL under the policy: each redirect hop is checked and pinned again, the body
   * is capped at `maxBytes` and the whole exchange at `timeoutMs`. Throws OutboundBlockedError,
   * InvalidArgumentError, LimitExceededError, OutboundTimeoutError, QueryCancelledError (the
   * caller's signal aborted) or OutboundRequestError (network failure).
   */
  async fetch(input: string | URL, options: OutboundFetchOptions = {}): Promise<OutboundResponse> {
    const timeoutMs = Math.min(options.timeoutMs ?? this.timeoutMs, this.timeoutMs);
    const maxBytes = Math.min(options.maxBytes ?? this.maxBytes, this.maxBytes);
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(
        new OutboundTimeoutError('Outbound request', timeoutMs, 'outbound.timeoutMs'),
      );
    }, timeoutMs);
    const onCallerAbort = () =>
      controller.abort(new QueryCancelledError('the outbound request was aborted by its caller'));
    if (options.signal?.aborted) onCallerAbort();
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      return await this.follow(input, options, maxBytes, controller.signal);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private async follow(
    input: string | URL,
    options: OutboundFetchOptions,
    maxBytes: number,
    signal: AbortSignal,
  ): Promise<OutboundResponse> {
    let url = parseOutboundUrl(input);
    let method = options.method ?? 'GET';
    let body = options.body === undefined ? undefined : Buffer.from(options.body);
    const headers = requestHeaders(options);

    for (let hop = 0; hop <= this.maxRedirects; hop++) {
      const target = await this.check(url, signal);
      const response: IncomingMessage = await sendRequest(target, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-length': `${body.length}` },
        body,
        connectTimeoutMs: this.connectTimeoutMs,
        ca: this.caForTests,
        signal,
      });
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (!REDIRECT_STATUSES.has(status) || location === undefined) {
        const content = await readBody(response, maxBytes, signal);
        return { status, headers: response.headers, body: content, finalUrl: url.href };
      }
      response.destroy();
      if (hop >= this.maxRedirects) {
        throw new LimitExceededError(
          'Outbound redirects',
          this.maxRedirects,
          'outbound.maxRedirects',
        );
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new InvalidArgumentError(`Redirect from ${url.origin} has an invalid Location`);
      }
      if (next.origin !== url.origin) {
        for (const name of CREDENTIAL_HEADERS) delete headers[name];
      }
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      url = next;
    }
    // Unreachable: the last hop either returns or throws above. The compiler needs an exit.
    throw new LimitExceededError('Outbound redirects', this.maxRedirects, 'outbound.maxRedirects');
  }

  private isAllowListed(name: string): boolean {
    if (this.exactHosts.has(name)) return true;
    return this.suffixes.some((suffix) => name.endsWith(suffix));
  }

  private checkAddress(url: URL, address: string): void {
    const reason = blockedAddressReason(address);
    if (reason === null) return;
    if (this.allowLoopback && isLoopbackAddress(address)) return;
    throw new OutboundBlockedError(url.origin, `${address} is blocked: ${reason}`);
  }
}

/** Parses a URL and rejects schemes other than http(s) and embedded credentials. */
function parseOutboundUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new InvalidArgumentError(
      `Invalid outbound URL: ${JSON.stringify(String(input).slice(0, 200))}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(
      `Outbound URL scheme ${url.protocol} is not supported; use http or https`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new InvalidArgumentError(
      `Outbound URL for ${url.origin} contains a user name or password; remove them from the URL`,
    );
  }
  return url;
}

/** Returns the IP address of a literal host (without IPv6 brackets), or null for a name. */
function literalAddress(url: URL): string | null {
  const host = url.hostname;
  if (host.startsWith('[')) return host.slice(1, -1);
  return ipFamily(host) === 4 ? host : null;
}

function requestHeaders(options: OutboundFetchOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    const lower = name.toLowerCase();
    // The connection layer sets these from the checked URL and body.
    if (lower === 'host' || lower === 'content-length' || lower === 'transfer-encoding') continue;
    headers[lower] = value;
  }
  headers['user-agent'] ??= USER_AGENT;
  headers['accept-encoding'] = 'identity';
  if (options.accept !== undefined) headers.accept = options.accept;
  return headers;
}

/** Races a promise against an abort signal, rejecting with the signal's reason. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
