/**
 * The write policy after a disk I/O error. The first SQLITE_IOERR_* of a commit disables every
 * later write until the server restarts; reads go on.
 */
import { StorageIoError } from '../errors.js';

/** The disk I/O error that disabled writes. */
export interface StorageFault {
  /** SQLite's extended result code, such as SQLITE_IOERR_FSYNC. */
  code: string;
  /** The dataset whose write failed. */
  dataset: string;
  at: Date;
}

export class WriteFaults {
  /** The disk I/O error that disabled writes, or undefined while writes are allowed. */
  fault: StorageFault | undefined;

  /** Throws StorageIoError once a disk I/O error has disabled writes. */
  requireWritable(): void {
    const fault = this.fault;
    if (fault === undefined) return;
    throw new StorageIoError(
      `Writes are disabled since a disk I/O error (${fault.code}) failed a write at ` +
        `${fault.at.toISOString()}. Reads still work. Check the disk, then restart the server ` +
        'to accept writes again.',
      { disabledWrites: false },
    );
  }

  /**
   * Returns the error to raise for a failed database write. A disk I/O error (SQLITE_IOERR_*)
   * disables every later write until restart and becomes a StorageIoError; any other error is
   * returned unchanged.
   *
   * Writes stop because a failed fsync leaves the durability of the database in doubt. Linux
   * may mark the unwritten pages clean and drop them, so a later fsync can succeed although
   * data is missing (the problem PostgreSQL found in 2018, "fsyncgate"). Only a restart, which
   * rereads the database through SQLite's recovery, gives a state known to be on disk.
   */
  failure(error: unknown, dataset: string): unknown {
    const code = sqliteCode(error);
    if (code === undefined || !code.startsWith('SQLITE_IOERR')) return error;
    const first = this.fault === undefined;
    this.fault ??= { code, dataset, at: new Date() };
    // NOTE: SQLite has written the commit's frames to the WAL before its fsync failed. A clean
    // shutdown while the disk works drops them, but after a crash, or a shutdown while the disk
    // still fails, WAL recovery brings the write back in full.
    return new StorageIoError(
      `A disk I/O error (${code}) failed the commit, so the write was not applied. Writes are ` +
        'disabled until the server restarts; check the disk and the server log, then restart. ' +
        'After a crash the write may be present in full.',
      { cause: error, disabledWrites: first },
    );
  }
}

/** Returns the SQLite result code (SQLITE_...) of an error or of the errors it wraps. */
function sqliteCode(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
    current = current.cause;
  }
  return undefined;
}
