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
 * Invariant: a quad is present exactly when it is in the delta run, or in the base run and not
 * tombstoned. A quad never sits live in both runs (a tombstoned base copy may coexist with a
 * delta copy, and merges keep the delta copy).
 *
 * Snapshot rule: a cursor keeps references to the runs it reads. Opening a cursor over a
 * non-empty range marks the base run, the delta run and the tombstones it reads as shared. The
 * next in-place write to a shared array copies it first (copy-on-write), and a replaced base
 * buffer is reused only when it was not shared. So the cursor keeps returning the quads of the
 * state at the time it was opened.
 */
import { allocateRecords, compareRecords, RECORD_WORDS } from './radix-sort.js';
import {
  countSetBits,
  findRecord,
  isSet,
  lowerBound,
  mergeInto,
  mergeRecords,
  upperBound,
} from './record-runs.js';
import type { QuadCursor, TermId } from './types.js';

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

  /** Sorted records in the first baseCount slots; never written while it is the base run. */
  private base: Uint32Array = EMPTY;
  private baseCount = 0;
  /** Whether a cursor may still read `base` after it is replaced. */
  private baseShared = false;
  /** A former base buffer no cursor reads, reused as the next rebuild's output. */
  private spare: Uint32Array = EMPTY;
  private tombstones: Uint32Array = EMPTY;
  private tombstoneCount = 0;
  private tombstonesShared = false;
  /** Sorted records in the first deltaCount slots; the rest is spare capacity. */
  private delta: Uint32Array = EMPTY;
  private deltaCount = 0;
  private deltaShared = false;

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
    this.maxDelta = maxDelta;
    this.minDelta = Math.min(minDelta, maxDelta);
    this.compactionRatio = compactionRatio;
  }

  /** Number of live records. */
  get size(): number {
    return this.baseCount - this.tombstoneCount + this.deltaCount;
  }

  has(k0: number, k1: number, k2: number, k3: number): boolean {
    const i = findRecord(this.base, this.baseCount, k0, k1, k2, k3);
    if (i >= 0 && (this.tombstoneCount === 0 || !isSet(this.tombstones, i))) return true;
    return findRecord(this.delta, this.deltaCount, k0, k1, k2, k3) >= 0;
  }

  /** Inserts a record that is not present. */
  insert(k0: number, k1: number, k2: number, k3: number): void {
    // An absent record can only be in the base run as a tombstoned copy.
    const i =
      this.tombstoneCount === 0 ? -1 : findRecord(this.base, this.baseCount, k0, k1, k2, k3);
    if (i >= 0) {
      // Reviving the tombstoned copy is a bit flip.
      this.writableTombstones()[i >>> 5] &= ~(1 << (i & 31));
      this.tombstoneCount--;
      return;
    }

    const at = lowerBound(this.delta, 0, this.deltaCount, 4, k0, k1, k2, k3);
    const delta = this.writableDelta(this.deltaCount + 1);
    const w = at * RECORD_WORDS;
    delta.copyWithin(w + RECORD_WORDS, w, this.deltaCount * RECORD_WORDS);
    delta[w] = k0;
    delta[w + 1] = k1;
    delta[w + 2] = k2;
    delta[w + 3] = k3;
    this.deltaCount++;

    if (this.deltaCount > this.deltaLimit()) this.rebuild(EMPTY, 0);
  }

  /** Removes a record that is present. */
  remove(k0: number, k1: number, k2: number, k3: number): void {
    const d = findRecord(this.delta, this.deltaCount, k0, k1, k2, k3);
    if (d >= 0) {
      const delta = this.writableDelta(this.deltaCount);
      const w = d * RECORD_WORDS;
      delta.copyWithin(w, w + RECORD_WORDS, this.deltaCount * RECORD_WORDS);
      this.deltaCount--;
      return;
    }

    const i = findRecord(this.base, this.baseCount, k0, k1, k2, k3);
    this.writableTombstones()[i >>> 5] |= 1 << (i & 31);
    this.tombstoneCount++;
    if (this.tombstoneCount > this.baseCount * this.compactionRatio) this.rebuild(EMPTY, 0);
  }

  /**
   * Inserts `count` sorted, distinct records (in this index's column order), none of them
   * present. A batch that fits goes into the delta run; a larger one is merged into a new base.
   * The index may keep `records` as its base run, so the caller must not write to it afterwards.
   */
  insertSorted(records: Uint32Array, count: number): void {
    if (count === 0) return;
    if (this.deltaCount + count <= this.deltaLimit()) {
      this.delta = mergeRecords(this.delta, this.deltaCount, EMPTY, records, count);
      this.deltaCount += count;
      this.deltaShared = false;
    } else {
      this.rebuild(records, count);
    }
  }

  /** Removes `count` records (in this index's column order), all present and distinct. */
  removeMany(records: Uint32Array, count: number): void {
    for (let r = 0; r < count * RECORD_WORDS; r += RECORD_WORDS) {
      const d = findRecord(
        this.delta,
        this.deltaCount,
        records[r],
        records[r + 1],
        records[r + 2],
        records[r + 3],
      );
      if (d >= 0) {
        this.remove(records[r], records[r + 1], records[r + 2], records[r + 3]);
        continue;
      }
      const i = findRecord(
        this.base,
        this.baseCount,
        records[r],
        records[r + 1],
        records[r + 2],
        records[r + 3],
      );
      this.writableTombstones()[i >>> 5] |= 1 << (i & 31);
      this.tombstoneCount++;
    }
    if (this.tombstoneCount > this.baseCount * this.compactionRatio) this.rebuild(EMPTY, 0);
  }

  /** Number of live records whose first `prefixLength` columns equal k0..k3. */
  count(prefixLength: number, k0: number, k1: number, k2: number, k3: number): number {
    const lo = lowerBound(this.base, 0, this.baseCount, prefixLength, k0, k1, k2, k3);
    const hi = upperBound(this.base, lo, this.baseCount, prefixLength, k0, k1, k2, k3);
    const dlo = lowerBound(this.delta, 0, this.deltaCount, prefixLength, k0, k1, k2, k3);
    const dhi = upperBound(this.delta, dlo, this.deltaCount, prefixLength, k0, k1, k2, k3);
    let dead = 0;
    if (this.tombstoneCount > 0 && hi > lo) dead = countSetBits(this.tombstones, lo, hi);
    return hi - lo - dead + dhi - dlo;
  }

  /** Opens a cursor over the live records whose first `prefixLength` columns equal k0..k3. */
  cursor(prefixLength: number, k0: number, k1: number, k2: number, k3: number): IndexCursor {
    const lo = lowerBound(this.base, 0, this.baseCount, prefixLength, k0, k1, k2, k3);
    const hi = upperBound(this.base, lo, this.baseCount, prefixLength, k0, k1, k2, k3);
    const dlo = lowerBound(this.delta, 0, this.deltaCount, prefixLength, k0, k1, k2, k3);
    const dhi = upperBound(this.delta, dlo, this.deltaCount, prefixLength, k0, k1, k2, k3);
    const tombstones = this.tombstoneCount > 0 && hi > lo ? this.tombstones : undefined;
    if (hi > lo) this.baseShared = true;
    if (tombstones !== undefined) this.tombstonesShared = true;
    if (dhi > dlo) this.deltaShared = true;
    return new IndexCursor(this.columns, this.base, lo, hi, tombstones, this.delta, dlo, dhi);
  }

  /**
   * Returns the distinct values of column 0 among live records, ascending. Costs a few binary
   * searches per distinct value plus a count per value when records are tombstoned.
   */
  distinctFirstColumn(): Uint32Array {
    const values: number[] = [];
    let b = 0;
    let d = 0;
    while (b < this.baseCount || d < this.deltaCount) {
      const fromBase = b < this.baseCount ? this.base[b * RECORD_WORDS] : Infinity;
      const fromDelta = d < this.deltaCount ? this.delta[d * RECORD_WORDS] : Infinity;
      const value = Math.min(fromBase, fromDelta);
      if (this.count(1, value, 0, 0, 0) > 0) values.push(value);
      b = upperBound(this.base, b, this.baseCount, 1, value, 0, 0, 0);
      d = upperBound(this.delta, d, this.deltaCount, 1, value, 0, 0, 0);
    }
    return Uint32Array.from(values);
  }

  clear(): void {
    this.base = EMPTY;
    this.baseCount = 0;
    this.baseShared = false;
    this.spare = EMPTY;
    this.tombstones = EMPTY;
    this.tombstoneCount = 0;
    this.tombstonesShared = false;
    this.delta = EMPTY;
    this.deltaCount = 0;
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
    return Math.min(this.maxDelta, Math.max(this.minDelta, Math.floor(this.baseCount / 256)));
  }

  /** Returns the delta buffer, unshared and with room for `records` records. */
  private writableDelta(records: number): Uint32Array {
    const needed = records * RECORD_WORDS;
    if (this.deltaShared || needed > this.delta.length) {
      // Grow by doubling only when full, so copies for shared runs keep their capacity.
      const capacity =
        needed > this.delta.length
          ? Math.max(needed, this.delta.length * 2, 64 * RECORD_WORDS)
          : this.delta.length;
      const copy = new Uint32Array(capacity);
      copy.set(this.delta.subarray(0, this.deltaCount * RECORD_WORDS));
      this.delta = copy;
      this.deltaShared = false;
    }
    return this.delta;
  }

  private writableTombstones(): Uint32Array {
    const words = (this.baseCount + 31) >>> 5;
    if (this.tombstonesShared || this.tombstones.length < words) {
      const copy = new Uint32Array(Math.max(words, this.tombstones.length));
      copy.set(this.tombstones);
      this.tombstones = copy;
      this.tombstonesShared = false;
    }
    return this.tombstones;
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
    if (this.baseCount === 0 && this.deltaCount === 0 && count > 0) {
      const words = count * RECORD_WORDS;
      this.clear();
      this.base = extra.length === words ? extra : extra.slice(0, words);
      this.baseCount = count;
      return;
    }
    const pending =
      count === 0 ? this.delta : mergeRecords(this.delta, this.deltaCount, EMPTY, extra, count);
    const pendingCount = this.deltaCount + count;
    const dead = this.tombstoneCount > 0 ? this.tombstones : EMPTY;
    const liveCount = this.baseCount - this.tombstoneCount + pendingCount;
    // Only a rebuild for single writes (count 0) keeps buffers for the next one. A bulk batch
    // gets an exact buffer, so loading files does not leave a second copy of each run behind.
    const incremental = count === 0;
    let target = incremental ? this.spare : EMPTY;
    if (target.length < liveCount * RECORD_WORDS) {
      // Headroom of 1/8 lets the next few incremental rebuilds reuse this buffer as it grows.
      target = allocateRecords(incremental ? liveCount + (liveCount >>> 3) : liveCount);
    }
    const written = mergeInto(this.base, this.baseCount, dead, pending, pendingCount, target);

    this.spare = incremental && !this.baseShared ? this.base : EMPTY;
    this.base = target;
    this.baseCount = written;
    this.baseShared = false;
    this.tombstones = this.tombstonesShared ? EMPTY : this.tombstones.fill(0);
    this.tombstoneCount = 0;
    this.tombstonesShared = false;
    if (this.deltaShared) this.delta = EMPTY;
    this.deltaCount = 0;
    this.deltaShared = false;
  }
}

/** A merged walk over one base range (skipping tombstones) and one delta range. */
export class IndexCursor implements QuadCursor {
  s: TermId = 0;
  p: TermId = 0;
  o: TermId = 0;
  g: TermId = 0;
  /** Record columns of s, p, o and g. */
  private readonly sColumn: number;
  private readonly pColumn: number;
  private readonly oColumn: number;
  private readonly gColumn: number;

  constructor(
    columns: readonly number[],
    private readonly base: Uint32Array,
    private basePosition: number,
    private readonly baseEnd: number,
    private readonly tombstones: Uint32Array | undefined,
    private readonly delta: Uint32Array,
    private deltaPosition: number,
    private readonly deltaEnd: number,
  ) {
    this.sColumn = columns.indexOf(0);
    this.pColumn = columns.indexOf(1);
    this.oColumn = columns.indexOf(2);
    this.gColumn = columns.indexOf(3);
  }

  next(): boolean {
    for (;;) {
      const inBase = this.basePosition < this.baseEnd;
      const inDelta = this.deltaPosition < this.deltaEnd;
      if (!inBase && !inDelta) return false;
      // On a tie the base copy is tombstoned (see the invariant above), so the delta copy wins.
      const takeBase =
        inBase &&
        (!inDelta ||
          compareRecords(this.base, this.basePosition, this.delta, this.deltaPosition) < 0);
      if (takeBase) {
        const i = this.basePosition++;
        if (this.tombstones !== undefined && isSet(this.tombstones, i)) continue;
        this.load(this.base, i * RECORD_WORDS);
      } else {
        this.load(this.delta, this.deltaPosition++ * RECORD_WORDS);
      }
      return true;
    }
  }

  private load(records: Uint32Array, w: number): void {
    this.s = records[w + this.sColumn];
    this.p = records[w + this.pColumn];
    this.o = records[w + this.oColumn];
    this.g = records[w + this.gColumn];
  }
}
