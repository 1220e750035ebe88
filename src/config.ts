/**
 * Server and CLI settings: built-in defaults, overridden by a JSON config file, then by
 * SEVEN_TICK_* environment variables, then by command-line flags (each layer wins over the
 * one before it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './errors.js';
import type { IncidentConfig } from './security/incident.js';
import type { JwtConfig } from './security/jwt.js';
import type { OutboundConfig } from './security/outbound.js';

export interface Config {
  /** Data directory holding the database file. */
  dataDir: string;
  host: string;
  port: number;
  /** PEM certificate and key files; both set means HTTPS (TLS 1.2 or later). */
  tlsCert?: string;
  tlsKey?: string;
  /** Wall-clock limit of one query, in milliseconds. */
  queryTimeoutMs: number;
  /** Maximum result rows (SELECT) or quads (CONSTRUCT, DESCRIBE) of one query. */
  maxResultRows: number;
  /** Maximum request body, in bytes. */
  maxBodyBytes: number;
  /** Maximum groups one GROUP BY may form. */
  maxGroups: number;
  /** Maximum nodes the property paths of one query may visit in total. */
  maxPathNodes: number;
  /** Estimated bytes one query may hold in memory (sorts, hash tables, groups, paths). */
  maxQueryMemoryBytes: number;
  /** Maximum quads one update request (all its operations) may insert and delete in total. */
  maxUpdateQuads: number;
  /** Authentication failures from one client address (decaying) that block it for an hour. */
  addressBlockThreshold: number;
  /** Lifetime of a session token from POST /auth/login, in seconds. */
  sessionTtlSeconds: number;
  /** Seconds a session token may go unused before it is revoked; at least 120. */
  sessionIdleSeconds: number;
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: string;
  /** Requests per second one client address may send on average (token bucket refill rate). */
  addressRateLimitPerSecond: number;
  /** Requests one client address may send in a burst (token bucket size). */
  addressRateLimitBurst: number;
  /** Requests per second one authenticated principal may send on average. */
  principalRateLimitPerSecond: number;
  /** Requests one authenticated principal may send in a burst. */
  principalRateLimitBurst: number;
  /** Browser origins allowed by CORS, compared exactly (`https://app.example.org`); none by default. */
  corsOrigins?: string[];
  /**
   * Addresses or CIDR ranges of reverse proxies whose X-Forwarded-For header names the client.
   * From any other peer the header is ignored.
   */
  trustedProxies?: string[];
  /** PEM CA certificate file; when set, HTTPS clients must present a certificate it signed. */
  tlsClientCa?: string;
  /** Outbound requests (SERVICE, LOAD <url>, JWKS): off unless `outbound.enabled` is true. */
  outbound?: OutboundConfig;
  /** Bearer JWT (OIDC access token) verification; off when absent. */
  jwt?: JwtConfig;
  /** Automatic incident raising, the incident webhook and the start-up audit check. */
  incident?: IncidentConfig;
}

export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze({
  dataDir: './data',
  host: '127.0.0.1',
  port: 8080,
  queryTimeoutMs: 30_000,
  maxResultRows: 100_000,
  maxBodyBytes: 10 * 1024 * 1024,
  maxGroups: 1_000_000,
  maxPathNodes: 10_000_000,
  maxQueryMemoryBytes: 512 * 1024 * 1024,
  maxUpdateQuads: 10_000_000,
  addressBlockThreshold: 10,
  sessionTtlSeconds: 3600,
  sessionIdleSeconds: 900,
  logLevel: 'info',
  // Generous enough for batch clients and test suites on one address. On a public network, a
  // proxy in front with tighter per-client limits is still advisable.
  addressRateLimitPerSecond: 200,
  addressRateLimitBurst: 2000,
  principalRateLimitPerSecond: 200,
  principalRateLimitBurst: 2000,
});

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

type ConfigKey = keyof Config;
const NUMERIC_KEYS: readonly ConfigKey[] = [
  'port',
  'queryTimeoutMs',
  'maxResultRows',
  'maxBodyBytes',
  'maxGroups',
  'maxPathNodes',
  'maxQueryMemoryBytes',
  'maxUpdateQuads',
  'addressBlockThreshold',
  'sessionTtlSeconds',
  'sessionIdleSeconds',
  'addressRateLimitPerSecond',
  'addressRateLimitBurst',
  'principalRateLimitPerSecond',
  'principalRateLimitBurst',
];
const STRING_KEYS: readonly ConfigKey[] = [
  'dataDir',
  'host',
  'tlsCert',
  'tlsKey',
  'tlsClientCa',
  'logLevel',
];
const STRING_LIST_KEYS: readonly ConfigKey[] = ['corsOrigins', 'trustedProxies'];
const OBJECT_KEYS: readonly ConfigKey[] = ['outbound', 'jwt', 'incident'];

/** Environment variables and the setting each one sets. */
const ENVIRONMENT: Record<string, ConfigKey> = {
  SEVEN_TICK_DATA_DIR: 'dataDir',
  SEVEN_TICK_HOST: 'host',
  SEVEN_TICK_PORT: 'port',
  SEVEN_TICK_QUERY_TIMEOUT_MS: 'queryTimeoutMs',
  SEVEN_TICK_MAX_RESULT_ROWS: 'maxResultRows',
  SEVEN_TICK_MAX_BODY_BYTES: 'maxBodyBytes',
  SEVEN_TICK_MAX_GROUPS: 'maxGroups',
  SEVEN_TICK_MAX_PATH_NODES: 'maxPathNodes',
  SEVEN_TICK_MAX_QUERY_MEMORY_BYTES: 'maxQueryMemoryBytes',
  SEVEN_TICK_MAX_UPDATE_QUADS: 'maxUpdateQuads',
  SEVEN_TICK_ADDRESS_BLOCK_THRESHOLD: 'addressBlockThreshold',
  SEVEN_TICK_LOG_LEVEL: 'logLevel',
  SEVEN_TICK_TLS_CLIENT_CA: 'tlsClientCa',
  SEVEN_TICK_TRUSTED_PROXIES: 'trustedProxies',
  SEVEN_TICK_CORS_ORIGINS: 'corsOrigins',
  SEVEN_TICK_ADDRESS_RATE_LIMIT_PER_SECOND: 'addressRateLimitPerSecond',
  SEVEN_TICK_ADDRESS_RATE_LIMIT_BURST: 'addressRateLimitBurst',
  SEVEN_TICK_PRINCIPAL_RATE_LIMIT_PER_SECOND: 'principalRateLimitPerSecond',
  SEVEN_TICK_PRINCIPAL_RATE_LIMIT_BURST: 'principalRateLimitBurst',
};

/** Reads a JSON config file; unknown keys and wrong types are errors, not silently ignored. */
export function readConfigFile(file: string): Partial<Config> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`Config file ${file} must contain a JSON object`);
  }
  const result: Partial<Config> = {};
  for (const [key, value] of Object.entries(parsed)) {
    setValue(result, key, value, `config file ${file}`);
  }
  return result;
}

function setValue(target: Partial<Config>, key: string, value: unknown, origin: string): void {
  const known = key as ConfigKey;
  if (NUMERIC_KEYS.includes(known)) {
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    // Port 0 lets the operating system pick a free port. Every other number must be positive.
    const minimum = key === 'port' ? 0 : 1;
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < minimum) {
      const kind = minimum === 0 ? 'a non-negative' : 'a positive';
      throw new ConfigError(`${key} in ${origin} must be ${kind} integer, got ${String(value)}`);
    }
    (target as Record<string, unknown>)[key] = number;
  } else if (STRING_KEYS.includes(known)) {
    if (typeof value !== 'string' || value === '') {
      throw new ConfigError(`${key} in ${origin} must be a non-empty string`);
    }
    (target as Record<string, unknown>)[key] = value;
  } else if (STRING_LIST_KEYS.includes(known)) {
    (target as Record<string, unknown>)[key] = stringList(value, key, origin);
  } else if (key === 'outbound') {
    target.outbound = outboundSettings(value, origin);
  } else if (key === 'jwt') {
    target.jwt = jwtSettings(value, origin);
  } else if (key === 'incident') {
    target.incident = incidentSettings(value, origin);
  } else {
    const valid = [...NUMERIC_KEYS, ...STRING_KEYS, ...STRING_LIST_KEYS, ...OBJECT_KEYS].join(', ');
    throw new ConfigError(`Unknown setting ${key} in ${origin}; valid settings: ${valid}`);
  }
}

/**
 * Builds the effective config from the layers. `flags` holds only the options given on the
 * command line (undefined for the rest).
 */
export function resolveConfig(
  flags: Partial<Record<ConfigKey, unknown>> & { config?: string },
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const config: Config = { ...DEFAULT_CONFIG };
  const file = flags.config ?? env.SEVEN_TICK_CONFIG;
  if (file) Object.assign(config, readConfigFile(file));

  for (const [variable, key] of Object.entries(ENVIRONMENT)) {
    const value = env[variable];
    if (value !== undefined && value !== '') setValue(config, key, value, variable);
  }
  for (const [key, value] of Object.entries(flags)) {
    if (key === 'config' || value === undefined) continue;
    setValue(config, key, value, `--${kebab(key)}`);
  }

  if (!LOG_LEVELS.includes(config.logLevel)) {
    throw new ConfigError(`logLevel must be one of ${LOG_LEVELS.join(', ')}`);
  }
  if (config.port > 65535) throw new ConfigError(`port must be at most 65535, got ${config.port}`);
  // The last use of a token is stored at most once a minute, so a shorter idle timeout could
  // end a session that is in use.
  if (config.sessionIdleSeconds < 120) {
    throw new ConfigError(
      `sessionIdleSeconds must be at least 120, got ${config.sessionIdleSeconds}`,
    );
  }
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey)) {
    throw new ConfigError('TLS needs both a certificate (--tls-cert) and a key (--tls-key)');
  }
  if (config.tlsClientCa && !config.tlsCert) {
    throw new ConfigError(
      'tlsClientCa needs --tls-cert and --tls-key: client certificates are checked only over HTTPS',
    );
  }
  config.dataDir = path.resolve(config.dataDir);
  return config;
}

/**
 * Checks a list setting: a JSON array of non-empty strings. Outside the config file
 * (environment variables, flags) a comma-separated string is accepted too.
 */
function stringList(value: unknown, key: string, origin: string): string[] {
  const fromFile = origin.startsWith('config file');
  const items =
    typeof value === 'string' && !fromFile
      ? value.split(',').map((item) => item.trim())
      : (value as unknown);
  if (
    !Array.isArray(items) ||
    items.some((item) => typeof item !== 'string' || item.trim() === '')
  ) {
    throw new ConfigError(`${key} in ${origin} must be a list of non-empty strings`);
  }
  return items as string[];
}

type FieldKind = 'boolean' | 'string' | 'strings' | 'string-or-strings' | 'integer' | 'object';

/**
 * Checks a nested settings object against a table of field kinds. Unknown fields are errors,
 * so a misspelt security setting never falls back to its default unnoticed.
 */
function nestedObject(
  value: unknown,
  fields: Record<string, FieldKind>,
  name: string,
  origin: string,
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`${name} in ${origin} must be a JSON object`);
  }
  for (const [field, item] of Object.entries(value)) {
    const kind = fields[field];
    const where = `${name}.${field} in ${origin}`;
    if (kind === undefined) {
      throw new ConfigError(
        `Unknown setting ${name}.${field} in ${origin}; valid settings: ${Object.keys(fields).join(', ')}`,
      );
    }
    const isString = (v: unknown) => typeof v === 'string' && v !== '';
    const isStrings = (v: unknown) => Array.isArray(v) && v.every(isString);
    const valid =
      kind === 'boolean'
        ? typeof item === 'boolean'
        : kind === 'string'
          ? isString(item)
          : kind === 'strings'
            ? isStrings(item)
            : kind === 'string-or-strings'
              ? isString(item) || isStrings(item)
              : kind === 'integer'
                ? Number.isSafeInteger(item) && (item as number) >= 0
                : typeof item === 'object' && item !== null && !Array.isArray(item);
    if (!valid) {
      const expected = {
        boolean: 'true or false',
        string: 'a non-empty string',
        strings: 'a list of non-empty strings',
        'string-or-strings': 'a non-empty string or a list of them',
        integer: 'a non-negative integer',
        object: 'a JSON object',
      }[kind];
      throw new ConfigError(`${where} must be ${expected}, got ${JSON.stringify(item)}`);
    }
  }
  return value as Record<string, unknown>;
}

function outboundSettings(value: unknown, origin: string): OutboundConfig {
  return nestedObject(
    value,
    {
      enabled: 'boolean',
      allowHosts: 'strings',
      maxRedirects: 'integer',
      connectTimeoutMs: 'integer',
      timeoutMs: 'integer',
      maxBytes: 'integer',
    },
    'outbound',
    origin,
  ) as OutboundConfig;
}

function jwtSettings(value: unknown, origin: string): JwtConfig {
  const jwt = nestedObject(
    value,
    {
      issuer: 'string',
      audience: 'string-or-strings',
      jwksFile: 'string',
      jwksUrl: 'string',
      algorithms: 'strings',
      clockToleranceSeconds: 'integer',
      maxTokenAgeSeconds: 'integer',
      jwksCacheTtlSeconds: 'integer',
      usernameClaim: 'string',
      usernamePrefix: 'string',
      roles: 'object',
    },
    'jwt',
    origin,
  );
  for (const required of ['issuer', 'audience']) {
    if (jwt[required] === undefined) {
      throw new ConfigError(`jwt.${required} in ${origin} is required`);
    }
  }
  if (jwt.roles !== undefined) {
    const roles = nestedObject(jwt.roles, { claim: 'string', map: 'object' }, 'jwt.roles', origin);
    const map = (roles.map ?? {}) as Record<string, unknown>;
    for (const [claimValue, role] of Object.entries(map)) {
      if (typeof role !== 'string' || role === '') {
        throw new ConfigError(
          `jwt.roles.map[${JSON.stringify(claimValue)}] in ${origin} must be a role name`,
        );
      }
    }
  }
  return jwt as unknown as JwtConfig;
}

/** Upper bounds of the incident settings that take a number. */
const INCIDENT_MAXIMUMS: Readonly<Record<string, number>> = {
  windowSeconds: 3600,
  maxViolationsPerSource: 1_000_000,
  webhookTimeoutMs: 30_000,
};

function incidentSettings(value: unknown, origin: string): IncidentConfig {
  const incident = nestedObject(
    value,
    {
      windowSeconds: 'integer',
      mediumViolations: 'integer',
      highViolations: 'integer',
      maxViolationsPerSource: 'integer',
      webhookUrl: 'string',
      webhookTimeoutMs: 'integer',
      serverName: 'string',
      auditCheckBytes: 'integer',
    },
    'incident',
    origin,
  );
  for (const [field, maximum] of Object.entries(INCIDENT_MAXIMUMS)) {
    const number = incident[field] as number | undefined;
    if (number !== undefined && (number < 1 || number > maximum)) {
      throw new ConfigError(
        `incident.${field} in ${origin} must be from 1 to ${maximum}, got ${number}`,
      );
    }
  }
  return incident as IncidentConfig;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
