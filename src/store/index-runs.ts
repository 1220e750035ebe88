/**
 * The arrays that hold one ordering of the quad set, and the reads over them: membership,
 * prefix counts, cursors and distinct first-column values.
 *
 * A QuadIndex owns one mutable IndexRuns and writes to it. A snapshot is a frozen copy of the
 * seven fields: the index marks the arrays as shared when it takes one and copies an array
 * before its next in-place write (see quad-index.ts), so the copy keeps reading the state at
 * the time it was taken.
 */
import { allocateRecords, compareRecords, radixSortRecords, RECORD_WORDS } from './radix-sort.js';
import {
  comparePrefix,
  countSetBits,
  findRecord,
  isSet,
  lowerBound,
  lowerBoundFrom,
  upperBound,
  upperBoundFrom,
} from './record-runs.js';
import { findInRange } from './start-table.js';
import type { QuadCursor, TermId } from './types.js';

/** RECORD_WORDS as a constant of this module (see radix-sort.ts). */
const WORDS = RECORD_WORDS;

const EMPTY = new Uint32Array(0);

/** Without a start table, batches at least this large are sorted and merged with the runs. */
const SORTED_PROBES_MIN = 64;

/**
 * Distance, in probes, at which a lookup through a start table reads a probe's range and loads
 * its middle record, the first record its binary search reads. On LUBM(8), 8 and 16 gave the
 * same rate and 4 was slower. A power of two, because it sizes a ring indexed by a mask.
 */
const LOOKAHEAD = 16;
/** Ranges, as [from, to) pairs, of the next LOOKAHEAD probes. Lookups run one at a time. */
const aheadRanges = new Uint32Array(LOOKAHEAD * 2);
/** Receives the words a lookup loads ahead, so that the compiler cannot drop the loads. */
const loadedAhead = { value: 0 };

export class IndexRuns {
  /** Sorted records in the first baseCount slots; never written while it is a base run. */
  base: Uint32Array = EMPTY;
  baseCount = 0;
  /**
   * Start table of the base run (see start-table.ts), or empty when the owner keeps none for
   * this ordering or the column-0 values are too sparse for one.
   */
  starts: Uint32Array = EMPTY;
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

  /** Returns a copy of the seven fields; the caller must mark the arrays as shared. */
  copy(): IndexRuns {
    const runs = new IndexRuns();
    runs.base = this.base;
    runs.baseCount = this.baseCount;
    runs.starts = this.starts;
    runs.tombstones = this.tombstones;
    runs.tombstoneCount = this.tombstoneCount;
    runs.delta = this.delta;
    runs.deltaCount = this.deltaCount;
    return runs;
  }

  has(k0: number, k1: number, k2: number, k3: number): boolean {
    const i = this.findBase(k0, k1, k2, k3);
    if (i >= 0 && (this.tombstoneCount === 0 || !isSet(this.tombstones, i))) return true;
    return this.deltaCount > 0 && findRecord(this.delta, this.deltaCount, k0, k1, k2, k3) >= 0;
  }

  /** Position of the base record equal to the key, tombstoned or not, or -1. */
  findBase(k0: number, k1: number, k2: number, k3: number): number {
    const starts = this.starts;
    if (starts.length === 0) return findRecord(this.base, this.baseCount, k0, k1, k2, k3);
    if (k0 >= starts.length - 1) return -1;
    return findInRange(this.base, starts[k0], starts[k0 + 1], k1, k2, k3);
  }

  /**
   * Sets found[i] to 1 when record i of `records` (packed, in this ordering's column order) is
   * live, and leaves the other bytes as they are.
   *
   * With a start table, each probe costs two offset reads and a search among the records of
   * one column-0 value, in any probe order. Without one, a batch of SORTED_PROBES_MIN or more
   * probes that share column 3 is radix sorted and merged with the runs. Other batches are
   * binary searched one probe at a time.
   */
  hasMany(records: Uint32Array, found: Uint8Array): void {
    const count = records.length / WORDS;
    if (this.starts.length > 0) {
      this.hasEachByStarts(records, found);
      return;
    }
    const k3 = count > 0 ? records[3] : 0;
    let sameK3 = count >= SORTED_PROBES_MIN;
    for (let w = 3; sameK3 && w < records.length; w += WORDS) sameK3 = records[w] === k3;
    if (!sameK3) {
      for (let i = 0, w = 0; i < count; i++, w += WORDS) {
        if (this.has(records[w], records[w + 1], records[w + 2], records[w + 3])) found[i] = 1;
      }
      return;
    }
    // All probes share column 3, so that column can carry each probe's position while a radix
    // sort on the first three orders them.
    const probes = allocateRecords(count);
    for (let i = 0, w = 0; i < count; i++, w += WORDS) {
      probes[w] = records[w];
      probes[w + 1] = records[w + 1];
      probes[w + 2] = records[w + 2];
      probes[w + 3] = i;
    }
    this.hasSorted(radixSortRecords(probes, 3), count, k3, found);
  }

  /**
   * Looks probes up through the start table in one pass. Before it searches probe i, it reads
   * the range of probe i + LOOKAHEAD into a ring and loads that range's middle record. These
   * loads have no data-dependent branch, so the CPU overlaps their cache misses with the
   * searches of earlier probes. On LUBM(8) with Node 20 on 2 shared cores, this was about 1.15
   * times as fast as three passes over chunks of 512 probes (ranges, first records, searches).
   */
  private hasEachByStarts(records: Uint32Array, found: Uint8Array): void {
    const base = this.base;
    const starts = this.starts;
    const limit = starts.length - 1;
    const lastRecord = this.baseCount - 1;
    const tombstones = this.tombstoneCount > 0 ? this.tombstones : EMPTY;
    const delta = this.delta;
    const deltaCount = this.deltaCount;
    const ring = aheadRanges;
    const probeCount = records.length / WORDS;
    let touched = 0;

    // A column-0 value beyond the table gets the empty range at its end.
    for (let i = 0; i < LOOKAHEAD && i < probeCount; i++) {
      const k0 = Math.min(records[i * WORDS], limit);
      ring[i * 2] = starts[k0];
      ring[i * 2 + 1] = k0 < limit ? starts[k0 + 1] : starts[k0];
    }

    for (let i = 0, w = 0; i < probeCount; i++, w += WORDS) {
      const slot = (i & (LOOKAHEAD - 1)) * 2;
      const from = ring[slot];
      const to = ring[slot + 1];
      if (i + LOOKAHEAD < probeCount) {
        const ahead = Math.min(records[w + LOOKAHEAD * WORDS], limit);
        const aheadFrom = starts[ahead];
        const aheadTo = ahead < limit ? starts[ahead + 1] : aheadFrom;
        ring[slot] = aheadFrom;
        ring[slot + 1] = aheadTo;
        touched ^= base[Math.min((aheadFrom + aheadTo) >>> 1, lastRecord) * WORDS];
      }
      const k1 = records[w + 1];
      const k2 = records[w + 2];
      const k3 = records[w + 3];
      const r = findInRange(base, from, to, k1, k2, k3);
      if (r >= 0 && !isSet(tombstones, r)) {
        found[i] = 1;
      } else if (deltaCount > 0 && findRecord(delta, deltaCount, records[w], k1, k2, k3) >= 0) {
        found[i] = 1;
      }
    }
    loadedAhead.value = touched;
  }

  /**
   * Batched membership for probes sorted ascending on their first three columns. Probe k is
   * the record (k0, k1, k2) of `probes` plus `k3` for the last column; word 3 of each probe
   * contains its position in the caller's order, where a found probe's `found` byte is set to 1.
   * Both runs are walked forward once with galloping searches, so nearby probes cost a few
   * comparisons each instead of a full binary search.
   */
  private hasSorted(probes: Uint32Array, probeCount: number, k3: number, found: Uint8Array): void {
    let b = 0;
    let d = 0;
    for (let k = 0, w = 0; k < probeCount; k++, w += WORDS) {
      const k0 = probes[w]!;
      const k1 = probes[w + 1]!;
      const k2 = probes[w + 2]!;
      b = lowerBoundFrom(this.base, b, this.baseCount, 4, k0, k1, k2, k3);
      if (
        b < this.baseCount &&
        comparePrefix(this.base, b, 4, k0, k1, k2, k3) === 0 &&
        (this.tombstoneCount === 0 || !isSet(this.tombstones, b))
      ) {
        found[probes[w + 3]!] = 1;
        continue;
      }
      if (this.deltaCount === 0) continue;
      d = lowerBoundFrom(this.delta, d, this.deltaCount, 4, k0, k1, k2, k3);
      if (d < this.deltaCount && comparePrefix(this.delta, d, 4, k0, k1, k2, k3) === 0) {
        found[probes[w + 3]!] = 1;
      }
    }
  }

  /** Number of live records whose first `prefixLength` columns equal k0..k3. */
  count(prefixLength: number, k0: number, k1: number, k2: number, k3: number): number {
    const to = this.baseRangeEnd(prefixLength, k0);
    const from = this.baseRangeStart(prefixLength, k0, to);
    const lo = lowerBound(this.base, from, to, prefixLength, k0, k1, k2, k3);
    const hi = upperBoundFrom(this.base, lo, to, prefixLength, k0, k1, k2, k3);
    const dlo = lowerBound(this.delta, 0, this.deltaCount, prefixLength, k0, k1, k2, k3);
    const dhi = upperBoundFrom(this.delta, dlo, this.deltaCount, prefixLength, k0, k1, k2, k3);
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
    const to = this.baseRangeEnd(prefixLength, k0);
    const from = this.baseRangeStart(prefixLength, k0, to);
    const lo = lowerBound(this.base, from, to, prefixLength, k0, k1, k2, k3);
    const hi = upperBoundFrom(this.base, lo, to, prefixLength, k0, k1, k2, k3);
    const dlo = lowerBound(this.delta, 0, this.deltaCount, prefixLength, k0, k1, k2, k3);
    const dhi = upperBoundFrom(this.delta, dlo, this.deltaCount, prefixLength, k0, k1, k2, k3);
    const tombstones = this.tombstoneCount > 0 && hi > lo ? this.tombstones : undefined;
    opened?.(hi > lo, tombstones !== undefined, dhi > dlo);
    return new IndexCursor(columns, this.base, lo, hi, tombstones, this.delta, dlo, dhi);
  }

  /**
   * End of the base records that can match a key prefix: the end of column-0 value k0's
   * records when the prefix binds column 0 and a start table exists, else the run's end.
   */
  private baseRangeEnd(prefixLength: number, k0: number): number {
    const starts = this.starts;
    if (prefixLength === 0 || starts.length === 0) return this.baseCount;
    return k0 < starts.length - 1 ? starts[k0 + 1] : this.baseCount;
  }

  /** Start of the base records that can match a key prefix, given `end` from baseRangeEnd. */
  private baseRangeStart(prefixLength: number, k0: number, end: number): number {
    const starts = this.starts;
    if (prefixLength === 0 || starts.length === 0) return 0;
    return k0 < starts.length - 1 ? starts[k0] : end;
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
      const fromBase = b < this.baseCount ? this.base[b * WORDS] : Infinity;
      const fromDelta = d < this.deltaCount ? this.delta[d * WORDS] : Infinity;
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
        this.load(this.base, i * WORDS);
      } else {
        this.load(this.delta, this.deltaPosition++ * WORDS);
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
