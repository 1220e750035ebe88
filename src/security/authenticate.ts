/**
 * Turns an HTTP Authorization header into a Principal. Supports `Basic` (RFC 7617, UTF-8
 * `username:password`) and `Bearer` (RFC 6750, an API or session token); scheme names are
 * case-insensitive. Every outcome is reported as an AuthEvent for the server's log, which
 * carries the username tried and the token id but never a password or token secret.
 */

import { AuthenticationError } from '../errors.js';
import type { AddressMonitor } from './address-monitor.js';
import { ConnectionTokens } from './connection-tokens.js';
import { JwtVerificationError, looksLikeJwt, type JwtVerifier } from './jwt.js';
import { ALL_PERMISSIONS, formatPermissions, permissionsForRoles } from './permissions.js';
import type { Principal } from './principal.js';
import type { TokenStore, VerifiedToken } from './tokens.js';
import type { UserStore } from './users.js';

export const MESSAGE_REQUIRED = 'Authentication required: send HTTP Basic or Bearer credentials';
export const MESSAGE_INVALID = 'Invalid credentials';
export const MESSAGE_ADDRESS_BLOCKED =
  'Too many failed attempts from this address; try again later';

export type AuthScheme = 'basic' | 'bearer' | 'jwt' | 'certificate' | 'none' | 'other';

export type AuthFailureReason =
  'missing' | 'unsupported-scheme' | 'malformed' | 'invalid' | 'locked' | 'address-blocked';

/** One authentication attempt, for the server to log or audit. */
export interface AuthEvent {
  outcome: 'success' | 'failure';
  scheme: AuthScheme;
  clientAddress: string;
  /** The username tried (Basic) or the token's owner, cut to 100 characters. */
  username?: string;
  /** The id of the token used, when the token was found. */
  tokenId?: string;
  reason?: AuthFailureReason;
  /** The reason a bearer JWT failed verification (expired, audience, ...), for the audit log. */
  jwtReason?: string;
  /** True when this failure locked the account (the maximum failed logins was reached). */
  accountLocked?: boolean;
  /** True when this failure made the client address blocked. */
  addressBlocked?: boolean;
}

/** An AuthenticationError that carries the attempt's event and, when known, a retry delay. */
export class AuthenticationFailedError extends AuthenticationError {
  readonly event: AuthEvent;
  /** Seconds until a retry can succeed, for a Retry-After header; set for lockouts and blocks. */
  readonly retryAfterSeconds?: number;

  constructor(message: string, event: AuthEvent, retryAfterSeconds?: number) {
    super(message);
    this.event = event;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface AuthenticateRequest {
  /** The raw Authorization header value, if any. */
  authorization: string | undefined;
  clientAddress: string;
  /**
   * An object that lives as long as the client's connection, such as its socket. A Bearer
   * token repeated on the same connection then skips its digest (see connection-tokens.ts).
   */
  connection?: object;
  now?: Date;
}

export interface LoginRequest {
  username: string;
  password: string;
  clientAddress: string;
  /** Session lifetime in milliseconds. */
  ttlMs: number;
  now?: Date;
}

export interface LoginResult {
  principal: Principal;
  tokenId: string;
  token: string;
  expiresAt: Date;
}

export interface AuthenticatorOptions {
  users: UserStore;
  tokens: TokenStore;
  addresses: AddressMonitor;
  /** Verifies bearer JWTs; without it every bearer credential is looked up as an API token. */
  jwt?: JwtVerifier;
  /** Called once per attempt, successful or not; it must not throw. */
  onEvent?: (event: AuthEvent) => void;
}

const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;
const MAX_LOGGED_USERNAME_LENGTH = 100;

/** Checks credentials against the user and token stores and the per-address failure limit. */
export class Authenticator {
  private readonly users: UserStore;
  private readonly tokens: TokenStore;
  private readonly addresses: AddressMonitor;
  private readonly jwt?: JwtVerifier;
  private readonly onEvent: (event: AuthEvent) => void;
  private readonly connectionTokens = new ConnectionTokens();

  constructor(options: AuthenticatorOptions) {
    this.users = options.users;
    this.tokens = options.tokens;
    this.addresses = options.addresses;
    this.jwt = options.jwt;
    this.onEvent = options.onEvent ?? (() => undefined);
  }

  /**
   * Authenticates a request. Throws AuthenticationFailedError when credentials are missing,
   * malformed or wrong, the account is locked or the address is blocked. Wrong password and
   * unknown user produce the same message.
   */
  async authenticate(request: AuthenticateRequest): Promise<Principal> {
    const now = request.now ?? new Date();
    const clientAddress = request.clientAddress;
    const remembered = this.rememberedKey(request);
    const header = request.authorization?.trim() ?? '';
    if (header === '') {
      throw this.fail(MESSAGE_REQUIRED, { scheme: 'none', clientAddress, reason: 'missing' });
    }

    const space = header.search(/\s/);
    const schemeName = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const credentials = space < 0 ? '' : header.slice(space).trim();
    if (schemeName !== 'basic' && schemeName !== 'bearer') {
      throw this.fail(MESSAGE_REQUIRED, {
        scheme: 'other',
        clientAddress,
        reason: 'unsupported-scheme',
      });
    }
    const scheme: AuthScheme = schemeName;

    const blockedUntil = this.addresses.blockedUntil(clientAddress, now);
    if (blockedUntil !== null) {
      throw this.fail(
        MESSAGE_ADDRESS_BLOCKED,
        { scheme, clientAddress, reason: 'address-blocked' },
        secondsUntil(blockedUntil, now),
      );
    }

    if (scheme === 'basic') {
      const parsed = parseBasic(credentials);
      if (parsed === null) {
        throw this.fail(
          'Malformed Basic credentials: send base64 of the UTF-8 text "username:password"',
          { scheme, clientAddress, reason: 'malformed' },
        );
      }
      return this.checkPassword(parsed.username, parsed.password, clientAddress, now, scheme);
    }

    if (credentials === '') {
      throw this.fail('Malformed Bearer credentials: send "Bearer" followed by a token', {
        scheme,
        clientAddress,
        reason: 'malformed',
      });
    }
    if (this.jwt !== undefined && looksLikeJwt(credentials)) {
      return this.checkJwt(this.jwt, credentials, clientAddress, now);
    }
    const token = this.verifyToken(credentials, remembered, request, now);
    if (token === null) {
      throw this.failAttempt(MESSAGE_INVALID, { scheme, clientAddress, reason: 'invalid' }, now);
    }
    const principal: Principal = {
      username: token.username,
      roles: token.roles,
      permissions: token.permissions,
      via: token.kind === 'api' ? 'api-token' : 'session-token',
      tokenId: token.id,
      scopes: token.scopes,
    };
    this.onEvent({
      outcome: 'success',
      scheme,
      clientAddress,
      username: token.username,
      tokenId: token.id,
    });
    return principal;
  }

  /**
   * Returns the cache key of the request's token when its connection sent the same
   * Authorization header last and that token verified. Otherwise it drops the connection's
   * entry, so no token stays stored past a request with other credentials or none.
   */
  private rememberedKey(request: AuthenticateRequest): string | undefined {
    const connection = request.connection;
    if (connection === undefined) return undefined;
    const key = this.connectionTokens.keyFor(connection, request.authorization ?? '');
    if (key === undefined) this.connectionTokens.forget(connection);
    return key;
  }

  /**
   * Verifies an API or session token, with the key `rememberedKey` returned when there is one,
   * and remembers the token for the request's connection when it verifies. Returns null when
   * the token is malformed or not valid.
   */
  private verifyToken(
    credentials: string,
    remembered: string | undefined,
    request: AuthenticateRequest,
    now: Date,
  ): VerifiedToken | null {
    const key = remembered ?? this.tokens.keyOf(credentials);
    if (key === null) return null;
    const token = this.tokens.verifyKey(key, now);
    const connection = request.connection;
    if (connection !== undefined) {
      if (token === null) this.connectionTokens.forget(connection);
      else if (remembered === undefined) {
        this.connectionTokens.remember(connection, request.authorization ?? '', key);
      }
    }
    return token;
  }

  /**
   * Authenticates a TLS client certificate that the TLS layer has already verified against
   * the configured CA: its subject CN must name an existing user, whose roles then apply.
   * Throws AuthenticationFailedError for an unknown user or a blocked address.
   */
  authenticateCertificate(commonName: string, clientAddress: string, now = new Date()): Principal {
    const blockedUntil = this.addresses.blockedUntil(clientAddress, now);
    if (blockedUntil !== null) {
      throw this.fail(
        MESSAGE_ADDRESS_BLOCKED,
        { scheme: 'certificate', clientAddress, reason: 'address-blocked' },
        secondsUntil(blockedUntil, now),
      );
    }
    const username = truncate(commonName);
    const user = this.users.get(commonName);
    if (user === undefined) {
      throw this.failAttempt(
        MESSAGE_INVALID,
        { scheme: 'certificate', clientAddress, username, reason: 'invalid' },
        now,
      );
    }
    this.onEvent({ outcome: 'success', scheme: 'certificate', clientAddress, username });
    return {
      username: user.username,
      roles: user.roles,
      permissions: permissionsForRoles(user.roles),
      via: 'client-certificate',
    };
  }

  private async checkJwt(
    verifier: JwtVerifier,
    token: string,
    clientAddress: string,
    now: Date,
  ): Promise<Principal> {
    let identity;
    try {
      identity = await verifier.verify(token);
    } catch (error) {
      if (!(error instanceof JwtVerificationError)) throw error;
      throw this.failAttempt(
        error.message,
        { scheme: 'jwt', clientAddress, reason: 'invalid', jwtReason: error.reason },
        now,
      );
    }
    const username = truncate(identity.username);
    this.onEvent({
      outcome: 'success',
      scheme: 'jwt',
      clientAddress,
      username,
      ...(identity.tokenId === undefined ? {} : { tokenId: truncate(identity.tokenId) }),
    });
    return {
      username: identity.username,
      roles: identity.roles,
      permissions: permissionsForRoles(identity.roles),
      via: 'oidc',
    };
  }

  /**
   * Checks a username and password (for `POST /auth/login`) under the same lockout and
   * address limits as Basic, then creates a session token that carries all of the user's
   * permissions.
   */
  async login(request: LoginRequest): Promise<LoginResult> {
    const now = request.now ?? new Date();
    const clientAddress = request.clientAddress;
    const blockedUntil = this.addresses.blockedUntil(clientAddress, now);
    if (blockedUntil !== null) {
      throw this.fail(
        MESSAGE_ADDRESS_BLOCKED,
        { scheme: 'none', clientAddress, reason: 'address-blocked' },
        secondsUntil(blockedUntil, now),
      );
    }
    const principal = await this.checkPassword(
      request.username,
      request.password,
      clientAddress,
      now,
      'none',
    );
    const created = this.tokens.create({
      username: principal.username,
      kind: 'session',
      scopes: formatPermissions(ALL_PERMISSIONS),
      expiresAt: new Date(now.getTime() + request.ttlMs),
      now,
    });
    return {
      principal: { ...principal, via: 'session-token', tokenId: created.id },
      tokenId: created.id,
      token: created.token,
      expiresAt: created.expiresAt!,
    };
  }

  private async checkPassword(
    username: string,
    password: string,
    clientAddress: string,
    now: Date,
    scheme: AuthScheme,
  ): Promise<Principal> {
    const loggedName = truncate(String(username));
    const result = await this.users.verify(username, password, now);
    if (result.ok) {
      this.onEvent({ outcome: 'success', scheme, clientAddress, username: loggedName });
      return {
        username: result.user.username,
        roles: result.user.roles,
        permissions: permissionsForRoles(result.user.roles),
        via: 'password',
      };
    }
    const event = { scheme, clientAddress, username: loggedName, reason: result.reason };
    if (result.reason === 'locked') {
      const seconds = secondsUntil(result.lockedUntil, now);
      throw this.failAttempt(
        `Account locked after repeated failures; try again in ${seconds} seconds`,
        event,
        now,
        seconds,
      );
    }
    // A failure that leaves an existing account locked is the one that started the lockout,
    // because attempts on a locked account return 'locked' above without a new failure.
    const accountLocked = this.users.get(username)?.lockedUntil != null;
    throw this.failAttempt(
      MESSAGE_INVALID,
      accountLocked ? { ...event, accountLocked: true } : event,
      now,
    );
  }

  /** Reports a failure that counts against the client address. */
  private failAttempt(
    message: string,
    event: Omit<AuthEvent, 'outcome'>,
    now: Date,
    retryAfterSeconds?: number,
  ): AuthenticationFailedError {
    const status = this.addresses.recordFailure(event.clientAddress, now);
    const addressBlocked = status.blockedUntil !== null;
    return this.fail(message, { ...event, addressBlocked }, retryAfterSeconds);
  }

  private fail(
    message: string,
    event: Omit<AuthEvent, 'outcome'>,
    retryAfterSeconds?: number,
  ): AuthenticationFailedError {
    const full: AuthEvent = { outcome: 'failure', ...event };
    this.onEvent(full);
    return new AuthenticationFailedError(message, full, retryAfterSeconds);
  }
}

/** Decodes Basic credentials, or returns null when they are not base64 of UTF-8 with a colon. */
function parseBasic(credentials: string): { username: string; password: string } | null {
  if (!BASE64_PATTERN.test(credentials) || credentials.length % 4 === 1) return null;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(credentials, 'base64'));
  } catch {
    return null;
  }
  // RFC 7617: the user-id cannot contain a colon, so the first colon ends it.
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

function secondsUntil(time: Date, now: Date): number {
  return Math.max(1, Math.ceil((time.getTime() - now.getTime()) / 1000));
}

function truncate(text: string): string {
  return text.length <= MAX_LOGGED_USERNAME_LENGTH
    ? text
    : `${text.slice(0, MAX_LOGGED_USERNAME_LENGTH)}...`;
}
