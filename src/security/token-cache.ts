/**
 * A cache of verified tokens. Checking a token in the database costs a digest, a joined SQLite
 * lookup and a few objects. A hit here costs a digest and a comparison of two counters, plus one
 * `PRAGMA data_version` read per millisecond of the clock.
 *
 * Staleness is bounded by two counters:
 * - A count of the rows this connection inserts, updates or deletes in `security_tokens` and
 *   `security_users`. TEMP triggers call back into JavaScript to keep it, so reading it is a
 *   property access, and a change the server itself makes applies to the next request.
 * - `PRAGMA data_version` changes when another connection (another process, such as
 *   `seven-tick token revoke`) commits to the database. Reading it starts a read transaction,
 *   so it is read at most once per millisecond of the `time` the caller passes: a change made
 *   by another process applies to every request verified from the next millisecond on.
 * When either counter differs from the values seen when an entry was stored, every entry is
 * dropped. Row writes to either table that do not concern tokens, such as the time of a user's
 * last login, drop the cache too. That costs one database lookup per token afterwards and is
 * always safe.
 *
 * In the bench server (bench/http-server.ts) under autocannon at concurrency 1 on a 2-core VM,
 * `PRAGMA data_version` took about 8 µs per read and `SELECT total_changes()`, which this cache
 * read on every request before the triggers, about 2 µs.
 *
 * NOTE: DROP TABLE and ALTER TABLE on this connection fire no trigger, so they do not drop the
 * cache. The only such statements on these tables are the ADD COLUMN migrations of
 * schema.ts and tokens.ts, which change no stored value.
 *
 * Keys are SHA-256 digests of the tokens, never the secrets, so the cache keeps no usable
 * token in memory. Only a connection's last token stays there while the connection is open
 * (see connection-tokens.ts).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { VerifiedToken } from './tokens.js';

/** Maximum number of tokens kept; past it the oldest entry is dropped. */
export const TOKEN_CACHE_ENTRIES = 10_000;

/** Tables that hold tokens and roles. Row writes to them on this connection drop the cache. */
const WATCHED_TABLES = ['security_tokens', 'security_users'] as const;
/** The SQL function the TEMP triggers call. It only counts and never touches the database. */
const COUNT_WRITE_FUNCTION = 'seven_tick_count_security_write';

/** A count of row writes to WATCHED_TABLES, per connection. */
interface WriteCounter {
  count: number;
}

const writeCounters = new WeakMap<Database, WriteCounter>();

/**
 * Returns the connection's write counter, creating its SQL function and TEMP triggers on the
 * first call. TEMP triggers belong to the connection, so they count this connection's writes
 * only, including rows deleted by a foreign-key cascade and writes rolled back later.
 */
function writeCounterOf(db: Database): WriteCounter {
  let counter = writeCounters.get(db);
  if (counter !== undefined) return counter;
  const created: WriteCounter = { count: 0 };
  db.function(COUNT_WRITE_FUNCTION, { deterministic: false }, () => {
    created.count++;
    return null;
  });
  for (const table of WATCHED_TABLES) {
    for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(
        `CREATE TEMP TRIGGER IF NOT EXISTS ${table}_${event.toLowerCase()}_count
           AFTER ${event} ON main.${table}
           BEGIN SELECT ${COUNT_WRITE_FUNCTION}(); END`,
      );
    }
  }
  counter = created;
  writeCounters.set(db, counter);
  return counter;
}

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
  private readonly writes: WriteCounter;
  private seenDataVersion = -1;
  /** The `time` of the last data_version read; NaN before the first. */
  private dataVersionReadAt = Number.NaN;
  private seenWrites = -1;

  /** Needs the security tables to exist already, because the triggers are created on them. */
  constructor(db: Database) {
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.writes = writeCounterOf(db);
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
    this.seenWrites = this.writes.count;
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > TOKEN_CACHE_ENTRIES) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  /**
   * Drops every entry when this connection wrote a row of a watched table, or when another
   * connection committed and `time` is a later millisecond than the last data_version read.
   */
  private synchronise(time: number): void {
    const writes = this.writes.count;
    let dataVersion = this.seenDataVersion;
    if (time !== this.dataVersionReadAt) {
      dataVersion = this.dataVersion.get()!;
      this.dataVersionReadAt = time;
    }
    if (writes === this.seenWrites && dataVersion === this.seenDataVersion) return;
    this.entries.clear();
    this.seenWrites = writes;
    this.seenDataVersion = dataVersion;
  }
}
