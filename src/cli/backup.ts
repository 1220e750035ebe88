/**
 * `seven-tick backup DEST` and `seven-tick restore SRC`.
 *
 * A backup is a data dir of its own: SQLite's `VACUUM INTO` writes the database as one read
 * transaction sees it, so it is consistent while a server keeps writing (WAL readers do not
 * block writers). The audit log files are copied beside it. Both commands verify what they
 * produce with the same checks as `seven-tick check` before they report success.
 */
import {
  copyFileSync,
  cpSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  closeSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { DATABASE_FILE, openDatabase } from '../storage/database.js';
import { runningServerPid } from '../storage/server-lock.js';
import { checkCommand } from './datasets.js';

const AUDIT_DIR = 'audit';

/** Copies the data dir to `destination`, which must not exist or be an empty directory. */
export function backupCommand(dataDir: string, destination: string): void {
  if (existsSync(destination) && readdirSync(destination).length > 0) {
    throw new InvalidArgumentError(
      `Backup destination ${destination} is not empty; choose a new directory`,
    );
  }
  if (path.resolve(destination) === path.resolve(dataDir)) {
    throw new InvalidArgumentError('The backup destination is the data dir itself');
  }
  const db = openDatabase(dataDir, { readonly: true });
  // Build the backup beside its destination, then rename it into place: an interrupted backup
  // never looks complete.
  const staging = `${path.resolve(destination)}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  try {
    const started = Date.now();
    db.prepare('VACUUM INTO ?').run(path.join(staging, DATABASE_FILE));
    const audit = path.join(dataDir, AUDIT_DIR);
    if (existsSync(audit)) cpSync(audit, path.join(staging, AUDIT_DIR), { recursive: true });
    syncTree(staging);
    rmSync(destination, { recursive: true, force: true });
    renameSync(staging, destination);
    const bytes = statSync(path.join(destination, DATABASE_FILE)).size;
    console.error(
      `Backed up ${dataDir} to ${destination} (${(bytes / 1048576).toFixed(1)} MiB) in ` +
        `${((Date.now() - started) / 1000).toFixed(2)} s; verifying it...`,
    );
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    db.close();
  }
  checkCommand(destination);
}

/**
 * Replaces the data dir with a backup. Refuses while a server runs on the data dir, and when
 * the data dir already holds a database unless `force` is set.
 */
export function restoreCommand(source: string, dataDir: string, force: boolean): void {
  const pid = runningServerPid(dataDir);
  if (pid !== undefined) {
    throw new InvalidArgumentError(
      `A seven-tick server (pid ${pid}) is serving ${dataDir}; stop it before restoring`,
    );
  }
  if (!existsSync(path.join(source, DATABASE_FILE))) {
    throw new InvalidArgumentError(`${source} is not a backup: it has no ${DATABASE_FILE}`);
  }
  const target = path.join(dataDir, DATABASE_FILE);
  if (existsSync(target) && !force) {
    throw new InvalidArgumentError(
      `${dataDir} already contains a database; pass --force to replace it with the backup`,
    );
  }
  console.error(`Verifying the backup ${source}...`);
  checkCommand(source);

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const staging = `${target}.restoring`;
  copyFileSync(path.join(source, DATABASE_FILE), staging);
  syncFile(staging);
  // The old database's write-ahead log belongs to the old file and must not be replayed.
  for (const suffix of ['-wal', '-shm']) rmSync(target + suffix, { force: true });
  renameSync(staging, target);
  const audit = path.join(source, AUDIT_DIR);
  if (existsSync(audit)) {
    rmSync(path.join(dataDir, AUDIT_DIR), { recursive: true, force: true });
    cpSync(audit, path.join(dataDir, AUDIT_DIR), { recursive: true });
  }
  syncTree(dataDir);
  console.error(`Restored ${source} into ${dataDir}`);
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes every file and directory under `dir` to disk. */
function syncTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) syncTree(full);
    else if (entry.isFile()) syncFile(full);
  }
  syncFile(dir);
}
