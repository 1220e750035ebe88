/**
 * The authenticated caller of a request, as passed to the authorisation check.
 */

export interface Principal {
  username: string;
  roles: string[];
  /**
   * Permission bits that apply to every dataset: the roles' permissions, narrowed to the
   * token's scopes when the caller used a token.
   */
  permissions: number;
  /**
   * How the caller authenticated: `oidc` is a bearer JWT from the configured issuer and
   * `client-certificate` a verified TLS client certificate whose subject CN names the user.
   */
  via: 'password' | 'api-token' | 'session-token' | 'oidc' | 'client-certificate';
  /** The token's id (never its secret) when `via` is a token. */
  tokenId?: string;
  /** The token's scopes when `via` is a token. */
  scopes?: string[];
}
