/**
 * The error types every layer throws. Each carries a stable `code`; the server maps codes
 * to HTTP statuses in one table, so no layer below it depends on HTTP.
 */

export interface SourceLocation {
  /** File name or other source label, when known. */
  readonly file?: string;
  /** 1-based line number. */
  readonly line?: number;
  /** 1-based column number. */
  readonly column?: number;
}

/** Every error code; docs/errors.md has one row per code, which a test checks. */
export const ERROR_CODES = [
  'RDF_SYNTAX',
  'SPARQL_SYNTAX',
  'UNSUPPORTED_FEATURE',
  'QUERY_EVALUATION',
  'QUERY_TIMEOUT',
  'LIMIT_EXCEEDED',
  'QUERY_CANCELLED',
  'STORAGE',
  'STORAGE_CORRUPT',
  'STORAGE_FULL',
  'STORAGE_IO_ERROR',
  'NOT_FOUND',
  'INVALID_ARGUMENT',
  'AUTHENTICATION_REQUIRED',
  'ACCESS_DENIED',
  'CONFIG',
  'VALIDATION_FAILED',
  'OUTBOUND_FAILED',
  'OUTBOUND_TIMEOUT',
  'RATE_LIMITED',
  'SERVICE_UNAVAILABLE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Base class of all errors the engine raises on purpose. */
export class KgError extends Error {
  readonly code: ErrorCode;
  readonly location?: SourceLocation;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; location?: SourceLocation } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.location = options.location;
  }
}

/** Turtle, TriG, N-Triples or N-Quads input that does not parse. */
export class RdfSyntaxError extends KgError {
  constructor(message: string, location: SourceLocation, cause?: unknown) {
    super('RDF_SYNTAX', message, { location, cause });
  }
}

/** SPARQL text that does not parse. */
export class SparqlSyntaxError extends KgError {
  constructor(message: string, location?: SourceLocation, cause?: unknown) {
    super('SPARQL_SYNTAX', message, { location, cause });
  }
}

/** A valid SPARQL construct that this version of the evaluator does not run yet. */
export class UnsupportedFeatureError extends KgError {
  readonly feature: string;

  constructor(feature: string) {
    super('UNSUPPORTED_FEATURE', `SPARQL feature not supported yet: ${feature}`);
    this.feature = feature;
  }
}

/** A query that parsed but cannot be evaluated (for example a bad argument to a service). */
export class QueryEvaluationError extends KgError {
  constructor(message: string, cause?: unknown) {
    super('QUERY_EVALUATION', message, { cause });
  }
}

/**
 * A SPARQL expression error (type error, unbound variable). FILTER treats it as false and
 * BIND or projection leave the variable unbound; it never reaches a client as an HTTP error.
 */
export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** A query that ran past its deadline. */
export class QueryTimeoutError extends KgError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(
      'QUERY_TIMEOUT',
      `Query timed out after ${timeoutMs} ms; raise the limit with the query timeout setting ` +
        `(queryTimeoutMs in the config file, or --query-timeout on the command line)`,
    );
    this.timeoutMs = timeoutMs;
  }
}

/** A configured resource limit (rows, body size, ...) that a request went over. */
export class LimitExceededError extends KgError {
  readonly limit: string;
  readonly value: number;

  constructor(limit: string, value: number, setting: string) {
    super('LIMIT_EXCEEDED', `${limit} of ${value} exceeded; raise it with the ${setting} setting`);
    this.limit = limit;
    this.value = value;
  }
}

/** Work stopped because its caller went away (client disconnected, server shutting down). */
export class QueryCancelledError extends KgError {
  constructor(reason: string) {
    super('QUERY_CANCELLED', `Query cancelled: ${reason}`);
  }
}

/** Durable storage failed to read or write. */
export class StorageError extends KgError {
  constructor(message: string, cause?: unknown) {
    super('STORAGE', message, { cause });
  }
}

/** The disk or the database reached its size limit; the write was not applied. */
export class StorageFullError extends KgError {
  constructor(message: string, cause?: unknown) {
    super('STORAGE_FULL', message, { cause });
  }
}

/**
 * A disk I/O error (a failed write or fsync, SQLite's SQLITE_IOERR family) failed a commit. The
 * engine then rejects every later write with this error until the process restarts, because
 * after a failed fsync the operating system may have dropped pages that SQLite wrote earlier.
 */
export class StorageIoError extends KgError {
  /** True on the error of the commit that failed; false on the writes rejected after it. */
  readonly disabledWrites: boolean;

  constructor(message: string, options: { cause?: unknown; disabledWrites: boolean }) {
    super('STORAGE_IO_ERROR', message, { cause: options.cause });
    this.disabledWrites = options.disabledWrites;
  }
}

/** Stored data failed an integrity check; the engine refuses to serve it. */
export class StorageCorruptError extends KgError {
  constructor(message: string) {
    super('STORAGE_CORRUPT', message);
  }
}

/** A named resource (dataset, user, graph) that does not exist. */
export class NotFoundError extends KgError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

/** A request or command argument that is malformed or out of range. */
export class InvalidArgumentError extends KgError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** A request without valid credentials. */
export class AuthenticationError extends KgError {
  constructor(message: string) {
    super('AUTHENTICATION_REQUIRED', message);
  }
}

/** An authenticated principal lacking the permission an action needs. */
export class AccessDeniedError extends KgError {
  constructor(message: string) {
    super('ACCESS_DENIED', message);
  }
}

/** A write, or a dataset setting, that the dataset's SHACL shapes reject; nothing was written. */
export class ValidationFailedError extends KgError {
  /** The SHACL validation report, as Turtle. */
  readonly report: string;

  constructor(message: string, report: string) {
    super('VALIDATION_FAILED', message);
    this.report = report;
  }
}

/** A configuration file or setting that is invalid. */
export class ConfigError extends KgError {
  constructor(message: string) {
    super('CONFIG', message);
  }
}

/** A request went over a rate limit; `retryAfterSeconds` is the wait until a retry can succeed. */
export class RateLimitedError extends KgError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super('RATE_LIMITED', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * A route switched off on purpose, such as writes during a high incident level or every route
 * during a lockdown. `retryAfterSeconds`, when set, is a hint for the Retry-After header.
 */
export class ServiceUnavailableError extends KgError {
  readonly retryAfterSeconds?: number;

  constructor(message: string, retryAfterSeconds?: number) {
    super('SERVICE_UNAVAILABLE', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
