/**
 * One ordering of the quad set: every quad as a record of 4 × uint32 whose columns are the quad
 * positions in the ordering's order (GSPO puts g in column 0, then s, p, o).
 *
 * Storage is three typed arrays and no per-quad objects:
 * - the base run, a sorted packed Uint32Array that is not written while it is the base run;
 * - the delta run, a small sorted array that single inserts go into with copyWithin, merged into
 *   a new base run when it passes its limit;
 * - a tombstone bitset over the base run: bit i set means base record i is deleted. When the
 *   tombstones pass a fraction of the base run, the base run is rebuilt without them.
 *
 * The ordering that leads with s also keeps a start table over its base run (see
 * start-table.ts), rebuilt with each new base run, because exact lookups (has, hasMany and
 * the presence checks of writes) read that ordering.
 *
 * Invariant: a quad is present exactly when it is in the delta run, or in the base run and not
 * tombstoned. A quad never sits live in both runs (a tombstoned base copy may coexist with a
 * delta copy, and merges keep the delta copy).
 *
 * Snapshot rule: cursors and snapshots keep references to the runs they read. Opening a cursor
 * over a non-empty range, or taking a snapshot, marks the arrays it reads as shared. The next
 * in-place write to a shared array copies it first (copy-on-write), and a replaced base buffer
 * is reused only when it was not shared. So both keep returning the quads of the state at the
 * time they were opened.
 */
import { allocateRecords, RECORD_WORDS } from './radix-sort.js';
import { IndexRuns, type IndexCursor } from './index-runs.js';
import { findRecord, lowerBound, mergeInto, mergeRecords } from './record-runs.js';
import { buildStartTable, startTableStorage, updateStartTable } from './start-table.js';

/** RECORD_WORDS as a constant of this module (see radix-sort.ts). */
const WORDS = RECORD_WORDS;

export interface QuadIndexOptions {
  /** Maximum records in the delta run before it is merged into the base run; default 16,384. */
  maxDeltaQuads?: number;
  /** Minimum delta limit, used while base/256 is smaller; default 1,024. */
  minDeltaQuads?: number;
  /** Tombstoned fraction of the base run that triggers a rebuild; default 1/8. */
  compactionRatio?: number;
}

const EMPTY = new Uint32Array(0);

export class QuadIndex {
  /** Quad position of each record column (0 = s, 1 = p, 2 = o, 3 = g). */
  readonly columns: readonly number[];
  private readonly maxDelta: number;
  private readonly minDelta: number;
  private readonly compactionRatio: number;

  /** The arrays this index reads and writes. */
  private readonly runs = new IndexRuns();
  /** Whether this index keeps a start table: only the ordering whose column 0 is s does. */
  private readonly keepsStarts: boolean;
  /** Whether a cursor or snapshot may still read `runs.base` after it is replaced. */
  private baseShared = false;
  /** A former base buffer no cursor reads, reused as the next rebuild's output. */
  private spare: Uint32Array = EMPTY;
  private tombstonesShared = false;
  private deltaShared = false;
  private readonly markOpened = (base: boolean, tombstones: boolean, delta: boolean): void => {
    if (base) this.baseShared = true;
    if (tombstones) this.tombstonesShared = true;
    if (delta) this.deltaShared = true;
  };

  constructor(columns: readonly number[], options: QuadIndexOptions = {}) {
    const maxDelta = options.maxDeltaQuads ?? 16_384;
    const minDelta = options.minDeltaQuads ?? 1_024;
    const compactionRatio = options.compactionRatio ?? 1 / 8;
    if (!Number.isInteger(maxDelta) || maxDelta < 1) {
      throw new RangeError(`Invalid maxDeltaQuads ${maxDelta}: expected an integer of at least 1`);
    }
    if (!Number.isInteger(minDelta) || minDelta < 1) {
      throw new RangeError(`Invalid minDeltaQuads ${minDelta}: expected an integer of at least 1`);
    }
    if (!(compactionRatio >= 0 && compactionRatio <= 1)) {
      throw new RangeError(`Invalid compactionRatio ${compactionRatio}: expected 0 to 1`);
    }
    this.columns = columns;
    this.keepsStarts = columns[0] === 0;
    this.maxDelta = maxDelta;
    this.minDelta = Math.min(minDelta, maxDelta);
    this.compactionRatio = compactionRatio;
  }

  /** Number of live records. */
  get size(): number {
    return this.runs.size;
  }

  has(k0: number, k1: number, k2: number, k3: number): boolean {
    return this.runs.has(k0, k1, k2, k3);
  }

  /** See IndexRuns.hasMany. */
  hasMany(records: Uint32Array, found: Uint8Array): void {
    this.runs.hasMany(records, found);
  }

  /** Inserts a record that is not present. */
  insert(k0: number, k1: number, k2: number, k3: number): void {
    // An absent record can only be in the base run as a tombstoned copy.
    const i = this.runs.tombstoneCount === 0 ? -1 : this.runs.findBase(k0, k1, k2, k3);
    if (i >= 0) {
      // Reviving the tombstoned copy is a bit flip.
      this.writableTombstones()[i >>> 5] &= ~(1 << (i & 31));
      this.runs.tombstoneCount--;
      return;
    }

    const at = lowerBound(this.runs.delta, 0, this.runs.deltaCount, 4, k0, k1, k2, k3);
    const delta = this.writableDelta(this.runs.deltaCount + 1);
    const w = at * WORDS;
    delta.copyWithin(w + WORDS, w, this.runs.deltaCount * WORDS);
    delta[w] = k0;
    delta[w + 1] = k1;
    delta[w + 2] = k2;
    delta[w + 3] = k3;
    this.runs.deltaCount++;

    if (this.runs.deltaCount > this.deltaLimit()) this.rebuild(EMPTY, 0);
  }

  /** Removes a record that is present. */
  remove(k0: number, k1: number, k2: number, k3: number): void {
    const d = findRecord(this.runs.delta, this.runs.deltaCount, k0, k1, k2, k3);
    if (d >= 0) {
      const delta = this.writableDelta(this.runs.deltaCount);
      const w = d * WORDS;
      delta.copyWithin(w, w + WORDS, this.runs.deltaCount * WORDS);
      this.runs.deltaCount--;
      return;
    }

    const i = this.runs.findBase(k0, k1, k2, k3);
    this.writableTombstones()[i >>> 5] |= 1 << (i & 31);
    this.runs.tombstoneCount++;
    if (this.runs.tombstoneCount > this.runs.baseCount * this.compactionRatio)
      this.rebuild(EMPTY, 0);
  }

  /**
   * Inserts `count` sorted, distinct records (in this index's column order), none of them
   * present. A batch that fits goes into the delta run; a larger one is merged into a new base.
   * The index may keep `records` as its base run, so the caller must not write to it afterwards.
   */
  insertSorted(records: Uint32Array, count: number): void {
    if (count === 0) return;
    if (this.runs.deltaCount + count <= this.deltaLimit()) {
      this.runs.delta = mergeRecords(this.runs.delta, this.runs.deltaCount, EMPTY, records, count);
      this.runs.deltaCount += count;
      this.deltaShared = false;
    } else {
      this.rebuild(records, count);
    }
  }

  /** Removes `count` records (in this index's column order), all present and distinct. */
  removeMany(records: Uint32Array, count: number): void {
    for (let r = 0; r < count * WORDS; r += WORDS) {
      const d = findRecord(
        this.runs.delta,
        this.runs.deltaCount,
        records[r],
        records[r + 1],
        records[r + 2],
        records[r + 3],
      );
      if (d >= 0) {
        this.remove(records[r], records[r + 1], records[r + 2], records[r + 3]);
        continue;
      }
      const i = this.runs.findBase(records[r], records[r + 1], records[r + 2], records[r + 3]);
      this.writableTombstones()[i >>> 5] |= 1 << (i & 31);
      this.runs.tombstoneCount++;
    }
    if (this.runs.tombstoneCount > this.runs.baseCount * this.compactionRatio)
      this.rebuild(EMPTY, 0);
  }

  /** Number of live records whose first `prefixLength` columns equal k0..k3. */
  count(prefixLength: number, k0: number, k1: number, k2: number, k3: number): number {
    return this.runs.count(prefixLength, k0, k1, k2, k3);
  }

  /** Opens a cursor over the live records whose first `prefixLength` columns equal k0..k3. */
  cursor(prefixLength: number, k0: number, k1: number, k2: number, k3: number): IndexCursor {
    return this.runs.cursor(this.columns, prefixLength, k0, k1, k2, k3, this.markOpened);
  }

  /** Returns the distinct values of column 0 among live records, ascending. */
  distinctFirstColumn(): Uint32Array {
    return this.runs.distinctFirstColumn();
  }

  /**
   * Returns a read-only copy of the current state. The arrays it reads are marked as shared,
   * so later writes copy them first and the snapshot never changes. O(1).
   */
  snapshot(): IndexRuns {
    const runs = this.runs;
    this.markOpened(runs.baseCount > 0, runs.tombstoneCount > 0, runs.deltaCount > 0);
    return runs.copy();
  }

  clear(): void {
    this.runs.base = EMPTY;
    this.runs.baseCount = 0;
    this.runs.starts = EMPTY;
    this.baseShared = false;
    this.spare = EMPTY;
    this.runs.tombstones = EMPTY;
    this.runs.tombstoneCount = 0;
    this.tombstonesShared = false;
    this.runs.delta = EMPTY;
    this.runs.deltaCount = 0;
    this.deltaShared = false;
  }

  /**
   * Returns the delta limit: base/256 clamped to [minDeltaQuads, maxDeltaQuads]. A single
   * insert moves half the delta run, and a merge copies the whole base run once per limit
   * inserts. With 1M base records, single adds ran fastest at limits of 2k to 8k: about 55k
   * adds/s over six orderings, measured on LUBM(8) ids with Node 20 on 2 shared cores.
   * TODO: each merge copies the whole base run, so single adds into a store of tens of millions
   * of quads cost more per add (not measured). A middle run between delta and base would bound it.
   */
  private deltaLimit(): number {
    return Math.min(this.maxDelta, Math.max(this.minDelta, Math.floor(this.runs.baseCount / 256)));
  }

  /**
   * Returns the start table of the base run that a rebuild has just written to `merged`, from
   * the old base run's table when there is one. Call it before the old runs are replaced.
   */
  private nextStartTable(
    merged: Uint32Array,
    mergedCount: number,
    dead: Uint32Array,
    pending: Uint32Array,
    pendingCount: number,
    incremental: boolean,
  ): Uint32Array {
    if (!this.keepsStarts) return EMPTY;
    const old = this.runs.starts;
    // Nothing reads the old table once the base run is replaced, unless a snapshot shares it.
    const storage = this.baseShared ? EMPTY : startTableStorage(old);
    if (old.length === 0) return buildStartTable(merged, mergedCount, storage, incremental);
    const { baseCount } = this.runs;
    return updateStartTable(old, baseCount, dead, pending, pendingCount, storage, incremental);
  }

  /** Returns the delta buffer, unshared and with room for `records` records. */
  private writableDelta(records: number): Uint32Array {
    const needed = records * WORDS;
    if (this.deltaShared || needed > this.runs.delta.length) {
      // Grow by doubling only when full, so copies for shared runs keep their capacity.
      const capacity =
        needed > this.runs.delta.length
          ? Math.max(needed, this.runs.delta.length * 2, 64 * WORDS)
          : this.runs.delta.length;
      const copy = new Uint32Array(capacity);
      copy.set(this.runs.delta.subarray(0, this.runs.deltaCount * WORDS));
      this.runs.delta = copy;
      this.deltaShared = false;
    }
    return this.runs.delta;
  }

  private writableTombstones(): Uint32Array {
    const words = (this.runs.baseCount + 31) >>> 5;
    if (this.tombstonesShared || this.runs.tombstones.length < words) {
      const copy = new Uint32Array(Math.max(words, this.runs.tombstones.length));
      copy.set(this.runs.tombstones);
      this.runs.tombstones = copy;
      this.tombstonesShared = false;
    }
    return this.runs.tombstones;
  }

  /**
   * Builds a new base run from the live base records, the delta run and `count` extra records.
   * An index that is empty adopts `extra` as its base run, so the caller must not write to it.
   *
   * V8 counts typed-array memory as external memory, and allocating much of it triggers full
   * garbage collections of the JS heap. So a rebuild writes into the buffer of an earlier base
   * run when no cursor read it, and it keeps the delta buffer and the tombstone bitset.
   * NOTE: while single writes go on, each ordering may keep one spare buffer as large as its
   * base run, which doubles the index memory at most.
   */
  private rebuild(extra: Uint32Array, count: number): void {
    if (this.runs.baseCount === 0 && this.runs.deltaCount === 0 && count > 0) {
      const words = count * WORDS;
      this.clear();
      this.runs.base = extra.length === words ? extra : extra.slice(0, words);
      this.runs.baseCount = count;
      if (this.keepsStarts) this.runs.starts = buildStartTable(extra, count, EMPTY, false);
      return;
    }
    const pending =
      count === 0
        ? this.runs.delta
        : mergeRecords(this.runs.delta, this.runs.deltaCount, EMPTY, extra, count);
    const pendingCount = this.runs.deltaCount + count;
    const dead = this.runs.tombstoneCount > 0 ? this.runs.tombstones : EMPTY;
    const liveCount = this.runs.baseCount - this.runs.tombstoneCount + pendingCount;
    // Only a rebuild for single writes (count 0) keeps buffers for the next one. A bulk batch
    // gets an exact buffer, so loading files does not leave a second copy of each run behind.
    const incremental = count === 0;
    let target = incremental ? this.spare : EMPTY;
    if (target.length < liveCount * WORDS) {
      // Headroom of 1/8 lets the next few incremental rebuilds reuse this buffer as it grows.
      target = allocateRecords(incremental ? liveCount + (liveCount >>> 3) : liveCount);
    }
    const written = mergeInto(
      this.runs.base,
      this.runs.baseCount,
      dead,
      pending,
      pendingCount,
      target,
    );

    const starts = this.nextStartTable(target, written, dead, pending, pendingCount, incremental);
    this.spare = incremental && !this.baseShared ? this.runs.base : EMPTY;
    this.runs.base = target;
    this.runs.baseCount = written;
    this.runs.starts = starts;
    this.baseShared = false;
    this.runs.tombstones = this.tombstonesShared ? EMPTY : this.runs.tombstones.fill(0);
    this.runs.tombstoneCount = 0;
    this.tombstonesShared = false;
    if (this.deltaShared) this.runs.delta = EMPTY;
    this.runs.deltaCount = 0;
    this.deltaShared = false;
  }
}
