/**
 * The last Bearer token each client connection presented, with the key it is cached under,
 * so that a request that repeats the token on the same keep-alive connection skips the SHA-256
 * digest. Everything else about verification still runs for that request: the verified-token
 * cache's checks for revocations, expiry and the idle timeout, or the database lookup.
 *
 * Under HTTP load the digest costs far more than in a loop. In the bench server at concurrency
 * 32 (LUBM q01, a 2-core VM, Node 20), one `createHash` digest per request averaged 3.6 µs
 * against about 0.7 µs in a tight loop. Adding that digest to requests that skipped
 * authentication raised the server's CPU time by about 11 µs per request. The part beyond the
 * digest's own time is likely cache misses in the code that runs after it, an estimate.
 *
 * A connection keeps its token in memory until a request on it carries another Authorization
 * header or none, the token fails verification, or the connection closes: the entries are
 * weakly keyed by the connection's socket. A reverse proxy that sends the requests
 * of several users over one connection only replaces the entry on each change of token.
 */

/** One connection's last verified token. */
interface ConnectionToken {
  /** The whole Authorization header that carried the token. */
  readonly header: string;
  readonly key: string;
}

/**
 * Returns whether two strings are equal, in a time that depends on their length only, so that
 * comparing a request's token with another user's (over a shared proxy connection) reveals
 * nothing about where they differ. Tokens have a fixed length, so the length is no secret.
 */
function equalInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** The last verified token of each open connection, weakly keyed by the connection. */
export class ConnectionTokens {
  private readonly entries = new WeakMap<object, ConnectionToken>();

  /**
   * Returns the cache key of the token in an Authorization header when the connection's last
   * verified token came in the same header.
   */
  keyFor(connection: object, header: string): string | undefined {
    const entry = this.entries.get(connection);
    if (entry === undefined || !equalInConstantTime(entry.header, header)) {
      return undefined;
    }
    return entry.key;
  }

  /** Remembers the header of a token the connection presented and that verified. */
  remember(connection: object, header: string, key: string): void {
    this.entries.set(connection, { header, key });
  }

  /** Drops the connection's token, after other credentials or a failed verification. */
  forget(connection: object): void {
    this.entries.delete(connection);
  }
}
