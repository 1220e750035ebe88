/**
 * Server and CLI settings: built-in defaults, overridden by a JSON config file, then by
 * SEVEN_TICK_* environment variables, then by command-line flags (each layer wins over the
 * one before it).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './errors.js';

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
  /** Maximum quads one update operation or graph store request may insert or delete. */
  maxUpdateQuads: number;
  /** Authentication failures from one client address (decaying) that block it for an hour. */
  addressBlockThreshold: number;
  /** Lifetime of a session token from POST /auth/login, in seconds. */
  sessionTtlSeconds: number;
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: string;
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
  logLevel: 'info',
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
];
const STRING_KEYS: readonly ConfigKey[] = ['dataDir', 'host', 'tlsCert', 'tlsKey', 'logLevel'];

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
  } else {
    const valid = [...NUMERIC_KEYS, ...STRING_KEYS].join(', ');
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
  if (Boolean(config.tlsCert) !== Boolean(config.tlsKey)) {
    throw new ConfigError('TLS needs both a certificate (--tls-cert) and a key (--tls-key)');
  }
  config.dataDir = path.resolve(config.dataDir);
  return config;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
