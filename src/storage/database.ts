/**
 * The data dir's SQLite database (better-sqlite3). It is the durable record; the 7T indexes in
 * memory are rebuilt from it at start-up.
 *
 * Durability: WAL journal with synchronous=FULL, so a committed transaction has been fsynced
 * and survives `kill -9` or power loss; an interrupted one leaves no trace.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { NotFoundError, StorageCorruptError, StorageError } from '../errors.js';

export type SqliteDatabase = Database.Database;

export const DATABASE_FILE = 'seven-tick.db';

/** Page cache of each connection, in KiB (SQLite's default). */
const PAGE_CACHE_KIB = 2000;

/** Bumped when the tables below change incompatibly. */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- The term dictionary: id is the uint32 id the indexes use, key the N3.js term id string.
CREATE TABLE IF NOT EXISTS terms (
  id  INTEGER PRIMARY KEY,
  key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS datasets (
  name       TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  settings   TEXT NOT NULL DEFAULT '{}'
);
-- Quads as packed little-endian uint32 s,p,o,g blobs, applied in id order at start-up.
-- sha256 is the hex digest of data, checked before the blob is used.
CREATE TABLE IF NOT EXISTS segments (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  dataset    TEXT NOT NULL REFERENCES datasets(name) ON DELETE CASCADE,
  op         TEXT NOT NULL CHECK (op IN ('add', 'delete')),
  quad_count INTEGER NOT NULL,
  data       BLOB NOT NULL,
  sha256     TEXT NOT NULL,
  source     TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS segments_by_dataset ON segments (dataset, id);
`;

/** Opens (creating if needed) the database of a data dir and brings its schema up to date. */
export function openDatabase(
  dataDir: string,
  options: { readonly?: boolean } = {},
): SqliteDatabase {
  const file = path.join(dataDir, DATABASE_FILE);
  if (options.readonly && !existsSync(file)) {
    throw new NotFoundError(
      `No seven-tick data dir at ${dataDir}: ${file} does not exist (check --data-dir)`,
    );
  }
  let db: SqliteDatabase;
  try {
    if (!options.readonly) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
  } catch (error) {
    throw new StorageError(`Cannot open the database ${file}: ${(error as Error).message}`, error);
  }
  try {
    db.pragma('busy_timeout = 10000');
    db.pragma('foreign_keys = ON');
    // better-sqlite3 12 builds SQLite with a 16,000 KiB page cache per connection. Opening reads
    // every term and segment once, which filled that cache and kept about 15 bytes per triple
    // of LUBM(8) resident. SQLite's own default of 2,000 KiB is enough for the appends of writes.
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    if (options.readonly) checkSchema(db, file);
    else {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      migrate(db, file);
    }
  } catch (error) {
    db.close();
    if (error instanceof StorageError || error instanceof StorageCorruptError) throw error;
    throw new StorageError(`Cannot use the database ${file}: ${(error as Error).message}`, error);
  }
  return db;
}

/** Verifies, without writing, that a database has this version's tables. */
function checkSchema(db: SqliteDatabase, file: string): void {
  let version: string | undefined;
  try {
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as
      { value: string } | undefined;
    version = row?.value;
  } catch (error) {
    throw new StorageCorruptError(
      `${file} is not a seven-tick database or is damaged: ${(error as Error).message}`,
    );
  }
  if (Number(version) !== SCHEMA_VERSION) {
    throw new StorageCorruptError(
      `${file} has schema version ${version ?? 'none'}; this seven-tick reads version ${SCHEMA_VERSION}`,
    );
  }
}

function migrate(db: SqliteDatabase, file: string): void {
  db.transaction(() => {
    db.exec(SCHEMA);
    const row = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as
      { value: string } | undefined;
    if (row === undefined) {
      db.prepare(`INSERT INTO meta (key, value) VALUES ('schema_version', ?)`).run(
        String(SCHEMA_VERSION),
      );
    } else if (Number(row.value) !== SCHEMA_VERSION) {
      throw new StorageError(
        `The database ${file} has schema version ${row.value}, but this seven-tick reads ` +
          `version ${SCHEMA_VERSION}; use the matching seven-tick release`,
      );
    }
  })();
}
