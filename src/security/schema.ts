/**
 * The security tables in the engine's SQLite database. Times are INTEGER milliseconds since
 * the Unix epoch; role and scope lists are space-separated names.
 */

import type { Database } from 'better-sqlite3';

const STATEMENTS = [
  `CREATE TABLE IF NOT EXISTS security_users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    roles TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    password_changed_at INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER
  )`,
  // Usernames are case-sensitive, but two that differ only in case would read as one person
  // in logs and grants, so they may not coexist.
  `CREATE UNIQUE INDEX IF NOT EXISTS security_users_username_nocase
    ON security_users (username COLLATE NOCASE)`,
  `CREATE TABLE IF NOT EXISTS security_tokens (
    id TEXT PRIMARY KEY,
    token_hash BLOB NOT NULL UNIQUE,
    username TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('api', 'session')),
    name TEXT,
    scopes TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
  )`,
  `CREATE INDEX IF NOT EXISTS security_tokens_username ON security_tokens (username)`,
  `CREATE TABLE IF NOT EXISTS security_grants (
    principal TEXT NOT NULL,
    dataset TEXT NOT NULL,
    graph TEXT,
    permissions INTEGER NOT NULL CHECK (permissions > 0)
  )`,
  // SQLite treats NULLs as distinct in UNIQUE constraints, so the whole-dataset grant
  // (graph NULL) is made unique through an expression.
  `CREATE UNIQUE INDEX IF NOT EXISTS security_grants_resource
    ON security_grants (principal, dataset, ifnull(graph, ''))`,
  // One row (id 1) with the incident level, so that the CLI can change it while a server runs.
  `CREATE TABLE IF NOT EXISTS security_incident (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    level TEXT NOT NULL CHECK (level IN ('none', 'low', 'medium', 'high', 'critical')),
    reason TEXT,
    set_by TEXT,
    set_at INTEGER NOT NULL
  )`,
];

/**
 * Columns added after the first release, with their types: `ALTER TABLE ... ADD COLUMN` brings
 * a database created before them up to date.
 */
const ADDED_COLUMNS: readonly [table: string, column: string, type: string][] = [
  // The last successful and the last failed login, kept apart so an admin can tell a lockout
  // from a forgotten password and see when the owner last got in.
  ['security_users', 'last_login_at', 'INTEGER'],
  ['security_users', 'last_failed_login_at', 'INTEGER'],
];

/** Creates the security tables, indexes and added columns that do not exist yet. Idempotent. */
export function ensureSecuritySchema(db: Database): void {
  db.transaction(() => {
    for (const statement of STATEMENTS) db.exec(statement);
    for (const [table, column, type] of ADDED_COLUMNS) {
      const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      if (!columns.some((existing) => existing.name === column)) {
        db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
      }
    }
  })();
}
