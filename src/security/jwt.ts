/**
 * Verification of OIDC access tokens and other JWT bearer tokens (RFC 7519) with `jose`. The
 * signing keys come from a JWKS file or from a JWKS URL fetched through the outbound guard.
 * A token passes when its signature verifies with a key of the set under an allowed asymmetric
 * algorithm, `iss` and `aud` match, `exp` lies in the future and `nbf` (when present) in the
 * past, both within the clock tolerance. Claims then map to a username and roles.
 */

import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWK,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
  type JWTPayload,
  type LocalJWKSet,
} from 'jose';
import { AuthenticationError, ConfigError, KgError } from '../errors.js';
import type { OutboundPolicy } from './outbound.js';
import { parseRole, type RoleName } from './permissions.js';

/** Maps the values of one claim (a string, a space-separated string or an array) to roles. */
export interface JwtRoleMapping {
  /** Claim name; a dotted path reaches nested claims, such as `realm_access.roles`. */
  claim: string;
  /** Claim value → role name; values not listed grant nothing. */
  map: Readonly<Record<string, string>>;
}

export interface JwtConfig {
  /** Expected `iss`, compared exactly. */
  issuer: string;
  /** Accepted `aud` values; a token must name at least one. */
  audience: string | readonly string[];
  /** JWKS file path; set exactly one of jwksFile and jwksUrl. */
  jwksFile?: string;
  /** JWKS https URL, fetched through the outbound guard, so its host must be allow-listed. */
  jwksUrl?: string;
  /** Allowed `alg` values (default RS256, PS256, ES256, ES384, EdDSA); `none` and HS* are invalid. */
  algorithms?: readonly string[];
  /** Allowed clock difference for `exp` and `nbf`, in seconds (default 30, at most 300). */
  clockToleranceSeconds?: number;
  /** When set, tokens whose `iat` is older than this many seconds are rejected. */
  maxTokenAgeSeconds?: number;
  /** How long fetched keys are used before they are fetched again, in seconds (default 600). */
  jwksCacheTtlSeconds?: number;
  /** Claim holding the username (default `sub`); dotted paths allowed. */
  usernameClaim?: string;
  /** Text put before every username, to keep token users apart from local ones (default none). */
  usernamePrefix?: string;
  roles?: JwtRoleMapping;
}

/** Options that only tests set, kept out of JwtConfig so no config file can reach them. */
export interface JwtTestOptions {
  /** Accepts an http:// JWKS URL (a local test server has no certificate). */
  allowHttpJwksForTests?: boolean;
}

export interface JwtVerifierOptions {
  /** Required with jwksUrl. */
  outbound?: OutboundPolicy;
  /** Clock for expiry checks and key refetch timing (tests pass their own). */
  now?: () => Date;
  test?: JwtTestOptions;
}

/** The identity a verified token carries. */
export interface JwtIdentity {
  username: string;
  roles: RoleName[];
  issuer: string;
  subject?: string;
  /** The token's `jti`, when present, for audit entries. */
  tokenId?: string;
  expiresAt: Date;
}

export type JwtFailureReason =
  | 'malformed'
  | 'too-long'
  | 'algorithm'
  | 'unknown-key'
  | 'signature'
  | 'expired'
  | 'not-yet-valid'
  | 'issuer'
  | 'audience'
  | 'claims'
  | 'username';

/** A bearer JWT that failed verification; `reason` is for logs and audit entries. */
export class JwtVerificationError extends AuthenticationError {
  readonly reason: JwtFailureReason;

  constructor(reason: JwtFailureReason, message: string) {
    super(`Invalid bearer token: ${message}`);
    this.reason = reason;
  }
}

/** The signing keys could not be loaded; a server-side failure, not the client's. */
export class JwtKeysError extends KgError {
  constructor(message: string, cause?: unknown) {
    super('CONFIG', message, { cause });
  }
}

const DEFAULT_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];
const ASYMMETRIC_ALGORITHMS = new Set([
  ...['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
  ...['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'],
]);
/**
 * Maximum token length in characters. It is an estimate with wide margin: an RS256 or ES256
 * access token with a few dozen claims is a few kilobytes.
 */
const MAX_TOKEN_LENGTH = 16 * 1024;
const MAX_JWKS_BYTES = 1024 * 1024;
/** Unknown `kid` values trigger at most one key fetch per this interval. */
const REFETCH_INTERVAL_MS = 60_000;
const MAX_USERNAME_LENGTH = 256;
const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Returns true when a bearer credential has the three-part shape of a compact JWS. */
export function looksLikeJwt(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && JWT_PATTERN.test(token);
}

function nonNegative(value: number | undefined, fallback: number, max: number, setting: string) {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw new ConfigError(`Invalid ${setting}: ${value}; expected 0 to ${max}`);
  }
  return value;
}

function validateAlgorithms(algorithms: readonly string[]): string[] {
  if (algorithms.length === 0) throw new ConfigError('jwt.algorithms must list at least one');
  for (const algorithm of algorithms) {
    if (!ASYMMETRIC_ALGORITHMS.has(algorithm)) {
      throw new ConfigError(
        `Invalid jwt.algorithms entry ${JSON.stringify(algorithm)}; use asymmetric ` +
          `algorithms only (${[...ASYMMETRIC_ALGORITHMS].join(', ')}), never none or HS*`,
      );
    }
  }
  return [...algorithms];
}

function validateRoleMap(mapping: JwtRoleMapping | undefined): Map<string, RoleName> {
  const roles = new Map<string, RoleName>();
  if (mapping === undefined) return roles;
  if (typeof mapping.claim !== 'string' || mapping.claim === '') {
    throw new ConfigError('jwt.roles.claim must name a claim');
  }
  for (const [value, role] of Object.entries(mapping.map ?? {})) {
    try {
      roles.set(value, parseRole(role));
    } catch (error) {
      throw new ConfigError(
        `Invalid jwt.roles.map entry for ${JSON.stringify(value)}: ${(error as Error).message}`,
      );
    }
  }
  return roles;
}

/** Reads a claim by dotted path; returns undefined when any step is missing. */
function readClaim(payload: JWTPayload, claimPath: string): unknown {
  let value: unknown = payload;
  for (const step of claimPath.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, step)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/** Verifies bearer JWTs against one issuer's keys. */
export class JwtVerifier {
  private readonly config: JwtConfig;
  private readonly algorithms: string[];
  private readonly audience: string[];
  private readonly clockToleranceSeconds: number;
  private readonly cacheTtlMs: number;
  private readonly roleMap: Map<string, RoleName>;
  private readonly outbound?: OutboundPolicy;
  private readonly now: () => Date;
  private keySet: LocalJWKSet | null = null;
  /** When the current keys were loaded; they are used for cacheTtlMs from then. */
  private loadedAt = Number.NEGATIVE_INFINITY;
  /** When the last load started, successful or not, for the refetch interval. */
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<LocalJWKSet> | null = null;

  constructor(config: JwtConfig, options: JwtVerifierOptions = {}) {
    if (typeof config.issuer !== 'string' || config.issuer === '') {
      throw new ConfigError('jwt.issuer is required');
    }

    this.audience =
      typeof config.audience === 'string' ? [config.audience] : [...(config.audience ?? [])];
    if (
      this.audience.length === 0 ||
      this.audience.some((value) => typeof value !== 'string' || value === '')
    ) {
      throw new ConfigError('jwt.audience is required: one or more non-empty strings');
    }
    if ((config.jwksFile === undefined) === (config.jwksUrl === undefined)) {
      throw new ConfigError('Set exactly one of jwt.jwksFile and jwt.jwksUrl');
    }
    if (config.jwksUrl !== undefined) {
      this.checkJwksUrl(config.jwksUrl, options);
    }

    this.config = config;
    this.algorithms = validateAlgorithms(config.algorithms ?? DEFAULT_ALGORITHMS);
    this.clockToleranceSeconds = nonNegative(
      config.clockToleranceSeconds,
      30,
      300,
      'jwt.clockToleranceSeconds',
    );
    this.cacheTtlMs =
      1000 * nonNegative(config.jwksCacheTtlSeconds, 600, 86_400, 'jwt.jwksCacheTtlSeconds');
    nonNegative(config.maxTokenAgeSeconds, 0, 366 * 86_400, 'jwt.maxTokenAgeSeconds');
    this.roleMap = validateRoleMap(config.roles);
    this.outbound = options.outbound;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Verifies a compact JWT and returns its identity. Throws JwtVerificationError for any
   * token problem, and JwtKeysError when no signing keys could be loaded.
   */
  async verify(token: string): Promise<JwtIdentity> {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) {
      throw new JwtVerificationError('too-long', `longer than ${MAX_TOKEN_LENGTH} characters`);
    }
    if (!JWT_PATTERN.test(token)) {
      throw new JwtVerificationError('malformed', 'not a compact JWT');
    }
    let payload: JWTPayload;
    try {
      const result = await jwtVerify(token, (header, input) => this.resolveKey(header, input), {
        issuer: this.config.issuer,
        audience: this.audience,
        algorithms: this.algorithms,
        clockTolerance: this.clockToleranceSeconds,
        maxTokenAge: this.config.maxTokenAgeSeconds,
        requiredClaims: ['exp'],
        currentDate: this.now(),
      });
      payload = result.payload;
    } catch (error) {
      throw translateJoseError(error);
    }
    return this.identityOf(payload);
  }

  private identityOf(payload: JWTPayload): JwtIdentity {
    const claimName = this.config.usernameClaim ?? 'sub';
    const claim = readClaim(payload, claimName);
    if (typeof claim !== 'string' || claim === '' || claim.length > MAX_USERNAME_LENGTH) {
      throw new JwtVerificationError(
        'username',
        `claim ${claimName} is missing or not a short string`,
      );
    }
    const roles = new Set<RoleName>();
    if (this.config.roles !== undefined) {
      const value = readClaim(payload, this.config.roles.claim);
      const values =
        typeof value === 'string' ? value.split(/\s+/) : Array.isArray(value) ? value : [];
      for (const item of values) {
        const role = typeof item === 'string' ? this.roleMap.get(item) : undefined;
        if (role !== undefined) roles.add(role);
      }
    }
    return {
      username: `${this.config.usernamePrefix ?? ''}${claim}`,
      roles: [...roles],
      issuer: payload.iss!,
      subject: payload.sub,
      tokenId: typeof payload.jti === 'string' ? payload.jti : undefined,
      expiresAt: new Date(payload.exp! * 1000),
    };
  }

  /** Finds the key for a token, refetching the set once per interval for an unknown `kid`. */
  private async resolveKey(header: JWSHeaderParameters, input: FlattenedJWSInput) {
    const keySet = await this.currentKeySet();
    try {
      return await keySet(header, input);
    } catch (error) {
      const unknownKey = error instanceof joseErrors.JWKSNoMatchingKey;
      if (!unknownKey || this.now().getTime() - this.fetchedAt < REFETCH_INTERVAL_MS) throw error;
      // A key source that is down leaves the token unverifiable: report the unknown key.
      const refreshed = await this.reload().catch(() => null);
      if (refreshed === null) throw error;
      return refreshed(header, input);
    }
  }

  private async currentKeySet(): Promise<LocalJWKSet> {
    if (this.keySet !== null && this.now().getTime() - this.loadedAt < this.cacheTtlMs) {
      return this.keySet;
    }
    try {
      return await this.reload();
    } catch (error) {
      // Keep verifying with the previous keys while the source is down; the next attempt
      // waits for the refetch interval, like an unknown kid.
      if (this.keySet === null) throw error;
      this.loadedAt = this.now().getTime() - this.cacheTtlMs + REFETCH_INTERVAL_MS;
      return this.keySet;
    }
  }

  /** Loads the key set, sharing one load between concurrent callers. */
  private reload(): Promise<LocalJWKSet> {
    this.loading ??= this.loadKeySet().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async loadKeySet(): Promise<LocalJWKSet> {
    const source = this.config.jwksFile ?? this.config.jwksUrl!;
    this.fetchedAt = this.now().getTime();
    let text: string;
    try {
      text = await this.readJwks();
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new JwtKeysError(`Cannot load the JWKS from ${source}: ${detail}`, error);
    }
    this.keySet = createLocalJWKSet(parseJwks(text, source));
    this.loadedAt = this.now().getTime();
    return this.keySet;
  }

  private async readJwks(): Promise<string> {
    if (this.config.jwksFile !== undefined) {
      const data = await readFile(this.config.jwksFile);
      if (data.length > MAX_JWKS_BYTES) throw new Error(`larger than ${MAX_JWKS_BYTES} bytes`);
      return data.toString('utf8');
    }
    const response = await this.outbound!.fetch(this.config.jwksUrl!, {
      accept: 'application/jwk-set+json, application/json',
      maxBytes: MAX_JWKS_BYTES,
    });
    if (response.status !== 200) throw new Error(`HTTP status ${response.status}`);
    return response.body.toString('utf8');
  }

  private checkJwksUrl(jwksUrl: string, options: JwtVerifierOptions): void {
    if (options.outbound === undefined) {
      throw new ConfigError('jwt.jwksUrl needs outbound requests; configure the outbound guard');
    }
    let url: URL;
    try {
      url = options.outbound.checkUrl(jwksUrl);
    } catch (error) {
      throw new ConfigError(`jwt.jwksUrl is not allowed: ${(error as Error).message}`);
    }
    // Keys fetched over plain HTTP could be replaced by anyone on the path.
    if (url.protocol !== 'https:' && options.test?.allowHttpJwksForTests !== true) {
      throw new ConfigError(`jwt.jwksUrl must use https: ${url.origin}`);
    }
  }
}

/** Parses a JWKS document, dropping symmetric keys, which must never verify bearer tokens. */
function parseJwks(text: string, source: string): JSONWebKeySet {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new JwtKeysError(`The JWKS from ${source} is not valid JSON`);
  }
  const keys = (document as { keys?: unknown })?.keys;
  if (!Array.isArray(keys)) {
    throw new JwtKeysError(`The JWKS from ${source} has no "keys" array`);
  }
  const usable = keys.filter(
    (key): key is JWK => typeof key === 'object' && key !== null && (key as JWK).kty !== 'oct',
  );
  if (usable.length === 0) {
    throw new JwtKeysError(`The JWKS from ${source} contains no public keys`);
  }
  return { keys: usable };
}

/** Maps a jose error to a JwtVerificationError; other errors (JwtKeysError) pass through. */
function translateJoseError(error: unknown): unknown {
  if (error instanceof KgError) return error;
  if (error instanceof joseErrors.JWTExpired) {
    return new JwtVerificationError('expired', 'expired');
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return new JwtVerificationError('issuer', 'issuer not accepted');
      case 'aud':
        return new JwtVerificationError('audience', 'audience not accepted');
      case 'nbf':
        return new JwtVerificationError('not-yet-valid', 'not valid yet');
      default:
        return new JwtVerificationError(
          'claims',
          `claim ${error.claim} is invalid (${error.reason})`,
        );
    }
  }
  if (
    error instanceof joseErrors.JOSEAlgNotAllowed ||
    error instanceof joseErrors.JOSENotSupported
  ) {
    return new JwtVerificationError('algorithm', 'signing algorithm not allowed');
  }
  if (
    error instanceof joseErrors.JWKSNoMatchingKey ||
    error instanceof joseErrors.JWKSMultipleMatchingKeys
  ) {
    return new JwtVerificationError('unknown-key', 'no single matching signing key');
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) {
    return new JwtVerificationError('signature', 'signature verification failed');
  }
  if (error instanceof joseErrors.JOSEError) {
    return new JwtVerificationError('malformed', 'malformed token');
  }
  return error;
}
