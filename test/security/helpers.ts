// Shared setup for the security tests: a real SQLite database in a fresh temp directory.

import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureSecuritySchema } from '../../src/security/schema.js';

export interface TestDatabase {
  db: Database.Database;
  file: string;
  /** Closes the database and opens the same file again, as a restart would. */
  reopen(): Database.Database;
  close(): void;
}

export function openTestDatabase(): TestDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seven-tick-'));
  const file = path.join(dir, 'seven-tick.db');
  const open = (): Database.Database => {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    ensureSecuritySchema(db);
    return db;
  };
  const handle: TestDatabase = {
    db: open(),
    file,
    reopen() {
      handle.db.close();
      handle.db = open();
      return handle.db;
    },
    close() {
      if (handle.db.open) handle.db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}
