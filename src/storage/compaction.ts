/**
 * Compaction of a dataset's segment log. Each write adds a segment or two, so a dataset
 * written by many small transactions would make start-up replay them all and keep deleted
 * quads on disk. Once the log is long, the next write slot replaces it with segments of the
 * dataset's current quads, in one SQLite transaction (QuadLog.compact).
 */
import { QuadLog, SEGMENT_QUADS } from './quad-log.js';
import type { WriteLock } from './transaction.js';
import type { QuadStore } from '../store/quad-store.js';
import { ANY } from '../store/types.js';

/** Segments a dataset's log may reach before a write queues its compaction. */
const COMPACT_MIN_SEGMENTS = 256;

/** The engine state and error mapping the compactor reads. */
export interface CompactionHost {
  /** The dataset's live store, or undefined once it was dropped. */
  store(dataset: string): QuadStore | undefined;
  /** False once the database is closed or writes are disabled. */
  writable(): boolean;
  /** Maps a failed database write to the error to keep (see Engine.writeFailure). */
  failure(error: unknown, dataset: string): unknown;
}

export class LogCompactor {
  /** Compactions done since open. */
  compactions = 0;
  /** The error of the last compaction that failed, if any; the old log stays in use. */
  lastFailure: unknown;
  private readonly queued = new Set<string>();

  constructor(
    private readonly log: QuadLog,
    private readonly writes: WriteLock,
    private readonly host: CompactionHost,
  ) {}

  /**
   * Queues a compaction once the log contains COMPACT_MIN_SEGMENTS segments and four times
   * what the quads need. Call it after a commit, with the write lock held. The compaction runs
   * as the next write, after the current one has responded.
   */
  afterCommit(dataset: string, store: QuadStore): void {
    if (this.queued.has(dataset)) return;
    const segments = this.log.segmentCount(dataset);
    const needed = Math.ceil(store.size / SEGMENT_QUADS);
    if (segments < Math.max(COMPACT_MIN_SEGMENTS, 4 * needed)) return;
    this.queued.add(dataset);
    void this.writes.run(async () => {
      this.queued.delete(dataset);
      const current = this.host.store(dataset);
      if (current === undefined || !this.host.writable()) return;
      try {
        this.log.compact(dataset, packQuads(current));
        this.compactions++;
      } catch (error) {
        // Compaction only saves time and space; the log it failed to replace is still whole.
        this.lastFailure = this.host.failure(error, dataset);
      }
    });
  }
}

/** Returns every quad of a store as packed s,p,o,g ids. */
function packQuads(store: QuadStore): Uint32Array {
  const quads = new Uint32Array(store.size * 4);
  let w = 0;
  for (const cursor = store.match(ANY, ANY, ANY, ANY); cursor.next(); w += 4) {
    quads[w] = cursor.s;
    quads[w + 1] = cursor.p;
    quads[w + 2] = cursor.o;
    quads[w + 3] = cursor.g;
  }
  return quads;
}
