/**
 * Searching and merging sorted runs of packed quad records (see radix-sort.ts for the record
 * layout), plus the tombstone bitset helpers the quad indexes use.
 */
import { allocateRecords, compareRecords, RECORD_WORDS } from './radix-sort.js';

/** RECORD_WORDS as a constant of this module (see radix-sort.ts). */
const WORDS = RECORD_WORDS;

export function isSet(bits: Uint32Array, i: number): boolean {
  return bits.length > 0 && (bits[i >>> 5] & (1 << (i & 31))) !== 0;
}

/** Number of set bits in positions [from, to) of a bitset. */
export function countSetBits(bits: Uint32Array, from: number, to: number): number {
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
export function comparePrefix(
  records: Uint32Array,
  r: number,
  length: number,
  k0: number,
  k1: number,
  k2: number,
  k3: number,
): number {
  const w = r * WORDS;
  let order = records[w] - k0;
  if (order !== 0 || length === 1) return order;
  order = records[w + 1] - k1;
  if (order !== 0 || length === 2) return order;
  order = records[w + 2] - k2;
  if (order !== 0 || length === 3) return order;
  return records[w + 3] - k3;
}

/** First record in [lo, hi) whose prefix is not less than the key; hi when there is none. */
export function lowerBound(
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
export function upperBound(
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

/**
 * lowerBound for a key at or after `lo`: steps that double from `lo` find a record not less
 * than the key, and a binary search ends inside the last step. The cost is O(log d) for the
 * distance d to the answer instead of O(log (hi - lo)), which suits keys met in ascending order.
 */
export function lowerBoundFrom(
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
  let from = lo;
  let probe = lo;
  let step = 1;
  while (probe < hi && comparePrefix(records, probe, length, k0, k1, k2, k3) < 0) {
    from = probe + 1;
    probe = lo + step;
    step *= 2;
  }
  return lowerBound(records, from, Math.min(probe, hi), length, k0, k1, k2, k3);
}

/**
 * upperBound for a search whose matching records, if any, start at `lo`, with the doubling
 * steps of lowerBoundFrom. The cost is O(log m) for m matching records, so a short range at
 * the start of a long one costs a few comparisons.
 */
export function upperBoundFrom(
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
  let from = lo;
  let probe = lo;
  let step = 1;
  while (probe < hi && comparePrefix(records, probe, length, k0, k1, k2, k3) <= 0) {
    from = probe + 1;
    probe = lo + step;
    step *= 2;
  }
  return upperBound(records, from, Math.min(probe, hi), length, k0, k1, k2, k3);
}

/** Position of the record equal to the key among the first `count` records, or -1. */
export function findRecord(
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
export function mergeRecords(
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
export function mergeInto(
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
  return w / WORDS;
}

/**
 * Returns the first record position in [lo, hi) of `a` not less than record j of `b`, searching
 * with doubling steps from lo so that nearby positions cost few comparisons.
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
 * Copies the records in [from, to) of `a` whose bit in `dead` is clear to word offset w of `out`.
 * Each run of live records goes in one bulk copy. Returns the next word offset.
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
      out.set(a.subarray(i * WORDS, stop * WORDS), w);
      w += (stop - i) * WORDS;
    } else {
      for (let k = i; k < stop; k++) w = copyRecord(a, k, out, w);
    }
    i = stop + 1;
  }
  return w;
}

/** Returns the first position in [from, to) whose bit is set, or `to`; skips zero words. */
export function nextSetBit(bits: Uint32Array, from: number, to: number): number {
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
  const r = i * WORDS;
  to[w] = from[r];
  to[w + 1] = from[r + 1];
  to[w + 2] = from[r + 2];
  to[w + 3] = from[r + 3];
  return w + WORDS;
}
