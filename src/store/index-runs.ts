/**
 * The arrays that hold one ordering of the quad set, and the reads over them: membership,
 * prefix counts, cursors and distinct first-column values.
 *
 * A QuadIndex owns one mutable IndexRuns and writes to it. A snapshot is a frozen copy of the
 * six fields: the index marks the arrays as shared when it takes one and copies an array
 * before its next in-place write (see quad-index.ts), so the copy keeps reading the state at
 * the time it was taken.
 */
import { compareRecords, RECORD_WORDS } from './radix-sort.js';
import {
  comparePrefix,
  countSetBits,
  findRecord,
  isSet,
  lowerBound,
  upperBound,
} from './record-runs.js';
import type { QuadCursor, TermId } from './types.js';

const EMPTY = new Uint32Array(0);

/**
 * Returns the first record at or after `from`, among the first `count`, that is not less than
 * the key. Doubling steps find a range and a binary search ends inside it, so the cost is
 * O(log distance).
 */
function gallop(
  records: Uint32Array,
  from: number,
  count: number,
  k0: number,
  k1: number,
  k2: number,
  k3: number,
): number {
  let lo = from;
  let step = 1;
  let hi = from;
  while (hi < count && comparePrefix(records, hi, 4, k0, k1, k2, k3) < 0) {
    lo = hi + 1;
    hi = from + step;
    step *= 2;
  }
  return lowerBound(records, lo, Math.min(hi, count), 4, k0, k1, k2, k3);
}

export class IndexRuns {
  /** Sorted records in the first baseCount slots; never written while it is a base run. */
  base: Uint32Array = EMPTY;
  baseCount = 0;
  /** Bit i set: base record i is deleted. Empty or at least (baseCount + 31) >> 5 words. */
  tombstones: Uint32Array = EMPTY;
  tombstoneCount = 0;
  /** Sorted records in the first deltaCount slots; the rest is spare capacity. */
  delta: Uint32Array = EMPTY;
  deltaCount = 0;

  /** Number of live records. */
  get size(): number {
    return this.baseCount - this.tombstoneCount + this.deltaCount;
  }

  /** Returns a copy of the six fields; the caller must mark the arrays as shared. */
  copy(): IndexRuns {
    const runs = new IndexRuns();
    runs.base = this.base;
    runs.baseCount = this.baseCount;
    runs.tombstones = this.tombstones;
    runs.tombstoneCount = this.tombstoneCount;
    runs.delta = this.delta;
    runs.deltaCount = this.deltaCount;
    return runs;
  }

  has(k0: number, k1: number, k2: number, k3: number): boolean {
    const i = findRecord(this.base, this.baseCount, k0, k1, k2, k3);
    if (i >= 0 && (this.tombstoneCount === 0 || !isSet(this.tombstones, i))) return true;
    return findRecord(this.delta, this.deltaCount, k0, k1, k2, k3) >= 0;
  }

  /**
   * Batched membership for probes sorted ascending on their first three columns. Probe k is
   * the record (k0, k1, k2) of `probes` plus `k3` for the last column; word 3 of each probe
   * contains its position in the caller's order, where a found probe's `found` byte is set to 1.
   * Both runs are walked forward once with galloping searches, so nearby probes cost a few
   * comparisons each instead of a full binary search.
   */
  hasSorted(probes: Uint32Array, probeCount: number, k3: number, found: Uint8Array): void {
    let b = 0;
    let d = 0;
    for (let k = 0, w = 0; k < probeCount; k++, w += RECORD_WORDS) {
      const k0 = probes[w]!;
      const k1 = probes[w + 1]!;
      const k2 = probes[w + 2]!;
      b = gallop(this.base, b, this.baseCount, k0, k1, k2, k3);
      if (
        b < this.baseCount &&
        comparePrefix(this.base, b, 4, k0, k1, k2, k3) === 0 &&
        (this.tombstoneCount === 0 || !isSet(this.tombstones, b))
      ) {
        found[probes[w + 3]!] = 1;
        continue;
      }
      if (this.deltaCount === 0) continue;
      d = gallop(this.delta, d, this.deltaCount, k0, k1, k2, k3);
      if (d < this.deltaCount && comparePrefix(this.delta, d, 4, k0, k1, k2, k3) === 0) {
        found[probes[w + 3]!] = 1;
      }
    }
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

  /**
   * Opens a cursor over the live records whose first `prefixLength` columns equal k0..k3.
   * `opened` learns which arrays the cursor reads, so the owner can mark them as shared.
   */
  cursor(
    columns: readonly number[],
    prefixLength: number,
    k0: number,
    k1: number,
    k2: number,
    k3: number,
    opened?: (base: boolean, tombstones: boolean, delta: boolean) => void,
  ): IndexCursor {
    const lo = lowerBound(this.base, 0, this.baseCount, prefixLength, k0, k1, k2, k3);
    const hi = upperBound(this.base, lo, this.baseCount, prefixLength, k0, k1, k2, k3);
    const dlo = lowerBound(this.delta, 0, this.deltaCount, prefixLength, k0, k1, k2, k3);
    const dhi = upperBound(this.delta, dlo, this.deltaCount, prefixLength, k0, k1, k2, k3);
    const tombstones = this.tombstoneCount > 0 && hi > lo ? this.tombstones : undefined;
    opened?.(hi > lo, tombstones !== undefined, dhi > dlo);
    return new IndexCursor(columns, this.base, lo, hi, tombstones, this.delta, dlo, dhi);
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
      // On a tie the base copy is tombstoned (a quad is never live in both runs), so the delta
      // copy wins.
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
