/**
 * A cache of verified tokens. Checking a token in the database costs a digest, a joined SQLite
 * lookup and a few objects. A hit here costs a digest and a read of SQLite's change counter,
 * plus one `PRAGMA data_version` read per millisecond of the clock.
 *
 * Staleness is bounded by two counters that SQLite keeps:
 * - `total_changes()` grows with every row this connection inserts, updates or deletes. It is
 *   read on every lookup, so a change the server itself makes applies to the next request.
 * - `PRAGMA data_version` changes when another connection (another process, such as
 *   `seven-tick token revoke`) commits to the database. Reading it takes a few microseconds of
 *   file locking, about half the cost of a hit, so it is read at most once per millisecond of
 *   the `time` the caller passes: a change made by another process applies to every request
 *   verified from the next millisecond on.
 * When either counter differs from the values seen when an entry was stored, every entry is
 * dropped. Writes that do not concern tokens drop the cache too; that costs one database
 * lookup per token afterwards and is always safe.
 *
 * Keys are SHA-256 digests of the tokens, never the secrets, so the cache keeps no usable
 * token in memory for longer than a request.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { VerifiedToken } from './tokens.js';

/** Maximum number of tokens kept; past it the oldest entry is dropped. */
export const TOKEN_CACHE_ENTRIES = 10_000;

/** One verified token and the times its reuse depends on, in milliseconds since the epoch. */
export interface CachedToken {
  readonly token: VerifiedToken;
  /** Expiry time, or null when the token never expires. */
  readonly expiresAt: number | null;
  /**
   * The time after which a hit must go back to the database: when the stored last use is
   * due to be written again, or when a session would reach its idle timeout.
   */
  readonly recheckAt: number;
}

export class VerifiedTokenCache {
  private readonly entries = new Map<string, CachedToken>();
  private readonly dataVersion: Statement<[], number>;
  private readonly totalChanges: Statement<[], number>;
  private seenDataVersion = -1;
  /** The `time` of the last data_version read; NaN before the first. */
  private dataVersionReadAt = Number.NaN;
  private seenTotalChanges = -1;

  constructor(db: Database) {
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.totalChanges = db.prepare<[], number>('SELECT total_changes()').pluck();
  }

  /**
   * Returns the entry for a token digest if the database is unchanged since it was stored
   * and `time` is before its recheck time; null otherwise. An expired entry is dropped.
   * Call it before reading the token from the database: the counters it reads then describe
   * a state no newer than the row `set` will store.
   */
  get(key: string, time: number): VerifiedToken | null {
    this.synchronise(time);
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    if ((entry.expiresAt !== null && entry.expiresAt <= time) || time >= entry.recheckAt) {
      this.entries.delete(key);
      return null;
    }
    return entry.token;
  }

  /**
   * Stores a token just verified against the database. Call it after `get` and the
   * verification's own writes, in the same synchronous step: those writes are then counted as
   * seen, while a commit by another process since `get` still drops the cache on the next call.
   */
  set(key: string, entry: CachedToken): void {
    this.seenTotalChanges = this.totalChanges.get()!;
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > TOKEN_CACHE_ENTRIES) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  /**
   * Drops every entry when this connection changed the database, or when another one did and
   * `time` is a later millisecond than the last data_version read.
   */
  private synchronise(time: number): void {
    const totalChanges = this.totalChanges.get()!;
    let dataVersion = this.seenDataVersion;
    if (time !== this.dataVersionReadAt) {
      dataVersion = this.dataVersion.get()!;
      this.dataVersionReadAt = time;
    }
    if (totalChanges === this.seenTotalChanges && dataVersion === this.seenDataVersion) return;
    this.entries.clear();
    this.seenTotalChanges = totalChanges;
    this.seenDataVersion = dataVersion;
  }
}
