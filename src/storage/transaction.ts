/**
 * Write transactions and the read views that stay consistent while they commit.
 *
 * Writers run one at a time (WriteLock). A transaction works on an overlay of the dataset's
 * current state, interns new terms into the shared dictionary, and on commit writes terms and
 * quads to the database in one durable transaction before it touches the in-memory indexes.
 * Readers get a store snapshot and a dictionary view capped at the terms committed when the
 * snapshot was taken. So a reader never sees an id of a write that is still running or that
 * failed (failed writes roll their ids back, and the next write reuses them).
 */
import { OverlayStore } from '../store/overlay.js';
import type { QuadSource, TermDictionary, TermId } from '../store/types.js';

/** Runs async tasks one at a time in arrival order; a failed task does not block the next. */
export class WriteLock {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Number of tasks queued or running. */
  get pending(): number {
    return this.waiting;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.waiting++;
    const result = this.tail.then(task);
    this.tail = result.then(
      () => this.waiting--,
      () => this.waiting--,
    );
    return result;
  }
}

/**
 * The dictionary as a reader sees it: ids at or above `limit` (terms of writes not yet
 * committed when the view was made) do not exist. Readers never intern.
 */
export class CommittedDictionary implements TermDictionary {
  constructor(
    private readonly dictionary: TermDictionary,
    private readonly limit: number,
  ) {}

  get size(): number {
    return this.limit;
  }

  lookup(key: string): TermId | undefined {
    const id = this.dictionary.lookup(key);
    return id !== undefined && id < this.limit ? id : undefined;
  }

  intern(key: string): TermId {
    const id = this.lookup(key);
    if (id === undefined) throw new Error('A read-only dictionary view cannot add terms');
    return id;
  }

  key(id: TermId): string {
    if (id >= this.limit) throw new RangeError(`Unknown term id ${id}`);
    return this.dictionary.key(id);
  }
}

/** What a write sees and changes: the dataset's state plus its own changes so far. */
export class Transaction {
  readonly quads: OverlayStore;

  constructor(
    readonly dataset: string,
    readonly dictionary: TermDictionary,
    base: QuadSource,
  ) {
    this.quads = new OverlayStore(base);
  }

  /** Adds packed s,p,o,g quads; returns how many were new. */
  insert(quads: Uint32Array): number {
    return this.quads.addMany(quads);
  }

  /** Deletes packed s,p,o,g quads; returns how many were present. */
  delete(quads: Uint32Array): number {
    return this.quads.deleteMany(quads);
  }
}
