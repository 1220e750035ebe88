/**
 * The audit entry format, shared by the writer and the verifier. One entry is one line of
 * JSON. `hash` is the lowercase hex SHA-256 of the canonical JSON of the entry without `hash`.
 * Canonical JSON sorts object keys by UTF-16 code units at every depth and has no whitespace.
 * `prev` is the `hash` of the entry before it, or GENESIS_HASH for the first entry of the log.
 */

import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../errors.js';

/** `prev` of the very first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** File names are audit-000001.jsonl, audit-000002.jsonl, ... in rotation order. */
export const AUDIT_FILE_PATTERN = /^audit-(\d{6})\.jsonl$/;

export function auditFileName(index: number): string {
  return `audit-${String(index).padStart(6, '0')}.jsonl`;
}

/**
 * Entry types: `login.success`, `login.failure`, `logout`, `access.denied`, `write`, `request`
 * (every authenticated request, written while the incident level is medium or above), and the
 * open families `admin.*` (user, token, grant and dataset changes), `incident.*` (incident
 * level changes) and `audit.*` (the log's own events, such as recovery after a crash).
 */
export type AuditType =
  | 'login.success'
  | 'login.failure'
  | 'logout'
  | 'access.denied'
  | 'write'
  | 'request'
  | `admin.${string}`
  | `incident.${string}`
  | `audit.${string}`;

const TYPE_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/;
const MAX_TYPE_LENGTH = 64;

/** An event as a caller passes it. The log adds `seq`, `time`, `prev` and `hash`. */
export interface AuditEvent {
  type: AuditType;
  /** The username acting, or null for an anonymous or unknown caller. */
  actor?: string | null;
  /** The client IP address, or null for the CLI. */
  address?: string | null;
  /** Structured facts about the event; keys that name secrets are removed at any depth. */
  detail?: Record<string, unknown>;
}

export interface AuditEntry {
  seq: number;
  /** ISO 8601 UTC time of the append. */
  time: string;
  type: string;
  actor: string | null;
  address: string | null;
  detail: Record<string, unknown>;
  prev: string;
  hash: string;
}

/** Limits that keep one entry small whatever a caller passes in `detail`. */
const MAX_STRING_LENGTH = 1000;
const MAX_ARRAY_ITEMS = 100;
const MAX_OBJECT_KEYS = 100;
const MAX_DEPTH = 6;

/**
 * Keys whose values are dropped from `detail`, compared after lower-casing and removing `-`
 * and `_`. A key that ends with one of these words is dropped too (`adminPassword`,
 * `x-api-key`), but an id of a secret is kept (`tokenId`).
 */
const SECRET_KEY_PATTERN =
  /(password|passwd|passphrase|pwd|secret|token|authorization|cookie|apikey|privatekey|credentials?|bearer|otp)$/;

export function isSecretKey(key: string): boolean {
  const normalised = key.toLowerCase().replace(/[-_]/g, '');
  return normalised === 'pass' || SECRET_KEY_PATTERN.test(normalised);
}

function truncateString(text: string): string {
  return text.length <= MAX_STRING_LENGTH ? text : `${text.slice(0, MAX_STRING_LENGTH)}...`;
}

/**
 * Returns a JSON-safe copy of a detail value with secret keys removed at any depth. Values JSON
 * cannot carry become strings (bigint, Date) or are dropped (undefined, functions, symbols),
 * and strings, arrays, objects and nesting are capped by the limits above.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return truncateString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  }
  if (typeof value !== 'object') return undefined;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ARRAY_ITEMS).map((item) => redact(item, depth + 1));
    return items.map((item) => (item === undefined ? null : item));
  }
  const result: Record<string, unknown> = {};
  let keys = 0;
  for (const [key, item] of Object.entries(value)) {
    if (isSecretKey(key)) continue;
    if (keys >= MAX_OBJECT_KEYS) break;
    const copy = redact(item, depth + 1);
    if (copy === undefined) continue;
    // defineProperty keeps a `__proto__` key from JSON input as data, not a prototype change.
    Object.defineProperty(result, truncateString(key), {
      value: copy,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    keys += 1;
  }
  return result;
}

/** Serialises a JSON value with object keys sorted at every depth. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  const members = keys.map(
    (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
  );
  return `{${members.join(',')}}`;
}

/** Computes the hash of an entry from every field but `hash`. */
export function hashEntry(entry: Omit<AuditEntry, 'hash'> | AuditEntry): string {
  const { seq, time, type, actor, address, detail, prev } = entry;
  const body = canonicalJson({ seq, time, type, actor, address, detail, prev });
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

function optionalText(value: string | null | undefined, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') {
    throw new InvalidArgumentError(`Audit ${field} must be a string or null`);
  }
  return truncateString(value);
}

/** Builds the next entry of the chain from an event, validating and redacting it. */
export function buildEntry(event: AuditEvent, seq: number, prev: string, time: Date): AuditEntry {
  if (
    typeof event.type !== 'string' ||
    event.type.length > MAX_TYPE_LENGTH ||
    !TYPE_PATTERN.test(event.type)
  ) {
    throw new InvalidArgumentError(
      `Invalid audit event type ${JSON.stringify(event.type)}; use dotted lower-case words such as login.failure`,
    );
  }
  const detail = redact(event.detail ?? {});
  const entry = {
    seq,
    time: time.toISOString(),
    type: event.type,
    actor: optionalText(event.actor, 'actor'),
    address: optionalText(event.address, 'address'),
    detail: typeof detail === 'object' && detail !== null && !Array.isArray(detail) ? detail : {},
    prev,
  } as Omit<AuditEntry, 'hash'>;
  return { ...entry, hash: hashEntry(entry) };
}

/** Serialises an entry as one line; JSON escaping keeps user-supplied newlines inside it. */
export function formatEntry(entry: AuditEntry): string {
  return `${canonicalJson(entry)}\n`;
}
