/**
 * CORS decisions for the configured allow-list. Origins match exactly after normalising through
 * WHATWG URL (scheme, host and port; `https://a.example` is not `https://a.example:8443` and
 * never `https://evil.a.example`). With no allow-list nothing is allowed.
 */

import { ConfigError } from '../errors.js';

/** Methods and request headers a preflight may ask for. */
export const CORS_ALLOWED_METHODS = 'GET, HEAD, POST, PUT, DELETE';
export const CORS_ALLOWED_HEADERS = 'Authorization, Content-Type, Accept';
/** Seconds a browser may cache a preflight response. */
export const CORS_MAX_AGE_SECONDS = 600;

/** Returns the origin in the form browsers send it (`scheme://host[:port]`), or null. */
export function normaliseOrigin(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '') return null;
  // An origin has no path; `https://a.example/` (the WHATWG form) is accepted for convenience.
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    return null;
  }
  return url.origin;
}

/** The set of allowed origins; the constructor throws ConfigError for an entry that is no origin. */
export class CorsPolicy {
  private readonly origins = new Set<string>();

  constructor(allowed: readonly string[]) {
    for (const entry of allowed) {
      const origin = normaliseOrigin(entry);
      if (origin === null) {
        throw new ConfigError(
          `corsOrigins entry ${JSON.stringify(entry)} is not an origin such as https://app.example.org`,
        );
      }
      this.origins.add(origin);
    }
  }

  get enabled(): boolean {
    return this.origins.size > 0;
  }

  /** Returns whether a request's Origin header is on the allow-list, compared exactly. */
  allows(origin: string | undefined): boolean {
    if (origin === undefined || origin === 'null') return false;
    return this.origins.has(origin);
  }
}
