/**
 * One ordering of the quad set: every quad as a record of 4 × uint32, its columns holding the
 * quad positions in the ordering's order (GSPO puts g in column 0, then s, p, o).
 *
 * Storage is three typed arrays and no per-quad objects:
 * - the base run, a sorted packed Uint32Array that is never written after it is built;
 * - the delta run, a small sorted array that single inserts go into with copyWithin, merged into
 *   a new base run when it passes its limit;
 * - a tombstone bitset over the base run: bit i set means base record i is deleted. When the
 *   tombstones pass a fraction of the base run, the base run is rebuilt without them.
 *
 * Invariant: a quad is present exactly when it is in the delta run, or in the base run and not
 * tombstoned. A quad never sits live in both runs (a tombstoned base copy may coexist with a
 * delta copy, and merges keep the delta copy).
 *
 * Snapshot rule: a cursor keeps references to the runs it reads. The base run is immutable, and
 * opening a cursor over a non-empty range marks the delta run and the tombstones it reads as
 * shared. The next in-place write to a shared array copies it first (copy-on-write), so the
 * cursor keeps answering from the state at the time it was opened.
 */
import { allocateRecords, compareRecords, RECORD_WORDS } from './radix-sort.js';
import type { QuadCursor, TermId } from './types.js';

export interface QuadIndexOptions {
  /** Maximum records in the delta run before it is merged into the base run; default 16,384. */
  maxDeltaQuads?: number;
  /** Minimum delta limit, used while base/64 is smaller; default 1,024. */
  minDeltaQuads?: number;
  /** Tombstoned fraction of the base run that triggers a rebuild; default 1/8. */
  compactionRatio?: number;
}

const EMPTY = new Uint32Array(0);

export class QuadIndex {
  /** Record column j holds quad position columns[j] (0 = s, 1 = p, 2 = o, 3 = g). */
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
    this.columns = columns;
    this.maxDelta = options.maxDeltaQuads ?? 16_384;
    this.minDelta = Math.min(options.minDeltaQuads ?? 1_024, this.maxDelta);
    this.compactionRatio = options.compactionRatio ?? 1 / 8;
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
    const i = findRecord(this.base, this.baseCount, k0, k1, k2, k3);
    if (i >= 0) {
      // The record is tombstoned (it is not present), so reviving it is a bit flip.
      this.writableTombstones()[i >>> 5] &= ~(1 << (i & 31));
      this.tombstoneCount--;
      return;
    }
    const at = lowerBound(this.delta, 0, this.deltaCount, 4, k0, k1, k2, k3);
    const needed = (this.deltaCount + 1) * RECORD_WORDS;
    if (this.deltaShared || needed > this.delta.length) {
      const copy = new Uint32Array(Math.max(needed, this.delta.length * 2, 64 * RECORD_WORDS));
      copy.set(this.delta.subarray(0, this.deltaCount * RECORD_WORDS));
      this.delta = copy;
      this.deltaShared = false;
    }
    const w = at * RECORD_WORDS;
    this.delta.copyWithin(w + RECORD_WORDS, w, this.deltaCount * RECORD_WORDS);
    this.delta[w] = k0;
    this.delta[w + 1] = k1;
    this.delta[w + 2] = k2;
    this.delta[w + 3] = k3;
    this.deltaCount++;
    if (this.deltaCount > this.deltaLimit()) this.rebuild(EMPTY, 0);
  }

  /** Removes a record that is present. */
  remove(k0: number, k1: number, k2: number, k3: number): void {
    const d = findRecord(this.delta, this.deltaCount, k0, k1, k2, k3);
    if (d >= 0) {
      if (this.deltaShared) {
        this.delta = this.delta.slice();
        this.deltaShared = false;
      }
      const w = d * RECORD_WORDS;
      this.delta.copyWithin(w, w + RECORD_WORDS, this.deltaCount * RECORD_WORDS);
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
   * The delta limit is base/64 clamped to [minDeltaQuads, maxDeltaQuads]. Inserting into the
   * delta run is a memmove of half of it, while a merge allocates and copies the whole base run,
   * so the merge dominates: with 1M base records, single adds ran fastest at a limit of about
   * 16k (bench/store.ts-style loop on LUBM(8), Node 20, 2 shared cores).
   */
  private deltaLimit(): number {
    return Math.min(this.maxDelta, Math.max(this.minDelta, Math.floor(this.baseCount / 64)));
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
   * Big typed-array allocations make V8 run full garbage collections (they count as external
   * memory), so a rebuild writes into the buffer of the base run before the previous one when
   * no cursor has read that, and it keeps the delta buffer and the tombstone bitset for reuse.
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
    let target = this.spare;
    // Headroom of 1/8 lets the next few rebuilds reuse this buffer as it grows.
    if (target.length < liveCount * RECORD_WORDS)
      target = allocateRecords(liveCount + (liveCount >>> 3));
    const written = mergeInto(this.base, this.baseCount, dead, pending, pendingCount, target);

    this.spare = this.baseShared ? EMPTY : this.base;
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
  /** Record column that holds s, p, o and g. */
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

function isSet(bits: Uint32Array, i: number): boolean {
  return bits.length > 0 && (bits[i >>> 5] & (1 << (i & 31))) !== 0;
}

/** Number of set bits in positions [from, to) of a bitset. */
function countSetBits(bits: Uint32Array, from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to;) {
    const word = i >>> 5;
    const end = Math.min(to, (word + 1) << 5);
    let v = bits[word];
    if (v !== 0) {
      // Keep only the bits from i to end - 1 of this word.
      v >>>= i & 31;
      const width = end - i;
      if (width < 32) v &= (1 << width) - 1;
      total += popcount(v >>> 0);
    }
    i = end;
  }
  return total;
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Compares record r of `records` with the key on its first `length` columns. */
function comparePrefix(
  records: Uint32Array,
  r: number,
  length: number,
  k0: number,
  k1: number,
  k2: number,
  k3: number,
): number {
  const w = r * RECORD_WORDS;
  let order = records[w] - k0;
  if (order !== 0 || length === 1) return order;
  order = records[w + 1] - k1;
  if (order !== 0 || length === 2) return order;
  order = records[w + 2] - k2;
  if (order !== 0 || length === 3) return order;
  return records[w + 3] - k3;
}

/** First record in [lo, hi) whose prefix is not less than the key; hi when there is none. */
function lowerBound(
  records: Uint32Array,
  lo: number,
  hi: number,
  length: number,
  k0: number,
  k1: number,
  k2: number,
  k3: number,
): number {
  if (length === 0) return lo;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePrefix(records, mid, length, k0, k1, k2, k3) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First record in [lo, hi) whose prefix is greater than the key; hi when there is none. */
function upperBound(
  records: Uint32Array,
  lo: number,
  hi: number,
  length: number,
  k0: number,
  k1: number,
  k2: number,
  k3: number,
): number {
  if (length === 0) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (comparePrefix(records, mid, length, k0, k1, k2, k3) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Position of the record equal to the key among the first `count` records, or -1. */
function findRecord(
  records: Uint32Array,
  count: number,
  k0: number,
  k1: number,
  k2: number,
  k3: number,
): number {
  const i = lowerBound(records, 0, count, 4, k0, k1, k2, k3);
  return i < count && comparePrefix(records, i, 4, k0, k1, k2, k3) === 0 ? i : -1;
}

/**
 * Merges the first `aCount` records of `a` with the first `bCount` records of `b` into a new
 * array with room for at least 64 records (see `mergeInto`).
 */
function mergeRecords(
  a: Uint32Array,
  aCount: number,
  aDead: Uint32Array,
  b: Uint32Array,
  bCount: number,
): Uint32Array {
  const out = allocateRecords(Math.max(aCount + bCount, 64));
  mergeInto(a, aCount, aDead, b, bCount, out);
  return out;
}

/**
 * Merges the first `aCount` records of `a` with the first `bCount` records of `b` into `out`,
 * which must have room for them, and returns the number of records written. Records of `a`
 * whose bit is set in `aDead` are dropped. On equal records the one from `b` is kept, which is
 * only reached for a dead `a` record.
 *
 * The merge gallops through `a` and copies each stretch of `a` between two `b` records in bulk,
 * so merging a small delta run into a large base run costs about one memcpy of the base run.
 */
function mergeInto(
  a: Uint32Array,
  aCount: number,
  aDead: Uint32Array,
  b: Uint32Array,
  bCount: number,
  out: Uint32Array,
): number {
  let i = 0;
  let w = 0;
  for (let j = 0; j < bCount; j++) {
    const end = gallop(a, i, aCount, b, j);
    w = copyLive(a, i, end, aDead, out, w);
    i = end;
    w = copyRecord(b, j, out, w);
  }
  w = copyLive(a, i, aCount, aDead, out, w);
  return w / RECORD_WORDS;
}

/**
 * Returns the first record position in [lo, hi) of `a` not less than record j of `b`, searching
 * with doubling steps from lo so that nearby answers cost few comparisons.
 */
function gallop(a: Uint32Array, lo: number, hi: number, b: Uint32Array, j: number): number {
  if (lo >= hi || compareRecords(a, lo, b, j) >= 0) return lo;
  // Invariant: record `below` of `a` is less than the key.
  let below = lo;
  let step = 1;
  let probe = lo + 1;
  while (probe < hi && compareRecords(a, probe, b, j) < 0) {
    below = probe;
    step *= 2;
    probe = below + step;
  }
  let low = below + 1;
  let high = Math.min(probe, hi);
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareRecords(a, mid, b, j) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Copies the records in [from, to) of `a` whose bit in `dead` is clear to word offset w of `out`,
 * in bulk runs; returns the next word offset.
 */
function copyLive(
  a: Uint32Array,
  from: number,
  to: number,
  dead: Uint32Array,
  out: Uint32Array,
  w: number,
): number {
  let i = from;
  while (i < to) {
    const stop = dead.length === 0 ? to : nextSetBit(dead, i, to);
    if (stop - i > 8) {
      out.set(a.subarray(i * RECORD_WORDS, stop * RECORD_WORDS), w);
      w += (stop - i) * RECORD_WORDS;
    } else {
      for (let k = i; k < stop; k++) w = copyRecord(a, k, out, w);
    }
    i = stop + 1;
  }
  return w;
}

/** Returns the first position in [from, to) whose bit is set, or `to`; skips zero words. */
function nextSetBit(bits: Uint32Array, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const word = bits[i >>> 5] >>> (i & 31);
    if (word === 0) {
      i = ((i >>> 5) + 1) << 5;
      continue;
    }
    return Math.min(to, i + (31 - Math.clz32(word & -word)));
  }
  return to;
}

/** Copies record i of `from` to word offset w of `to`; returns the next word offset. */
function copyRecord(from: Uint32Array, i: number, to: Uint32Array, w: number): number {
  const r = i * RECORD_WORDS;
  to[w] = from[r];
  to[w + 1] = from[r + 1];
  to[w + 2] = from[r + 2];
  to[w + 3] = from[r + 3];
  return w + RECORD_WORDS;
}
