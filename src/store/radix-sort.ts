/**
 * Sorting of packed quad records: 4 × uint32 per record, compared column by column
 * (lexicographic order, column 0 most significant). The quad indexes keep their runs in this
 * order, so sorting a batch once per ordering is the whole cost of a bulk load.
 *
 * The sort is an LSD radix sort over 16-bit digits. Each pass is stable and moves whole records,
 * so the memory traffic is sequential on the read side. A digit on which every record agrees
 * (for example the high half of every id below 2^16, or a graph column that is all 0) is skipped.
 * A full sort can take one counting pass on column 0 and an insertion sort per group of equal
 * column-0 values instead (see sortByFirstColumn). It does when column 0 spans at most 20 bits
 * and its groups are short, as the subjects of a parsed document are.
 */

/**
 * Number of uint32 words per record.
 *
 * Modules that index records in hot loops copy it into a constant of their own
 * (`const WORDS = RECORD_WORDS`). V8 reads an imported binding through a cell, with a check
 * that it is initialised, on every use. A module's own constant folds into the optimized code.
 * In the SPOG start-table search, with Node 20, the copy made batched lookups on LUBM(8) about
 * 14% faster (medians of five alternating process runs each).
 */
export const RECORD_WORDS = 4;

/** Below this many records an insertion sort beats zeroing a 65,536-bucket histogram. */
const INSERTION_SORT_MAX = 48;
const DIGIT_BUCKETS = 1 << 16;
/**
 * Maximum number of varying bits in column 0 for `sortByFirstColumn`, whose histogram has one
 * count per value: 2^20 counts take 4 MiB.
 */
const FIRST_COLUMN_MAX_BITS = 20;
/**
 * Maximum number of column-0 groups longer than INSERTION_SORT_MAX for `sortByFirstColumn`,
 * because each such group is radix sorted on its own with a histogram of its own.
 */
const MAX_LONG_GROUPS = 64;
/**
 * Maximum mean number of record moves per record that the insertion sorts of
 * `sortByFirstColumn` may expect, a group of n records in random order needing n(n - 1)/4.
 * LUBM(8) in document order expects 1.88, and its statements sorted in 34 to 47 ms against 61
 * to 75 ms with LSD passes alone (medians of 8 alternating runs, 4 repeats). Above the limit LSD
 * passes are faster: 10^6 records in random order within groups of 16 (3.75 moves) took 59 ms
 * against 55 ms, and groups of 32 took 71 ms against 52 ms (Node.js 20, 2-vCPU VM).
 */
const MAX_MOVES_PER_RECORD = 3;

/**
 * Allocates space for `count` records without zero-filling it (every caller writes each word it
 * reads later). Buffer.allocUnsafe gives a large request its own ArrayBuffer, so the view starts
 * at offset 0 and is not shared with Node's small-buffer pool.
 */
export function allocateRecords(count: number): Uint32Array {
  const bytes = count * RECORD_WORDS * 4;
  if (bytes < 64 * 1024) return new Uint32Array(count * RECORD_WORDS);
  const buffer = Buffer.allocUnsafe(bytes);
  return new Uint32Array(buffer.buffer, buffer.byteOffset, count * RECORD_WORDS);
}

/**
 * Compares record `i` of `a` with record `j` of `b`; returns a negative number, 0 or a positive
 * number like a sort comparator.
 */
export function compareRecords(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  const x = i * RECORD_WORDS;
  const y = j * RECORD_WORDS;
  return a[x] - b[y] || a[x + 1] - b[y + 1] || a[x + 2] - b[y + 2] || a[x + 3] - b[y + 3];
}

/**
 * Copies `count` packed s,p,o,g quads into a new array in which record column j is quad position `columns[j]` (0 = s, 1 = p, 2 = o, 3 = g).
 */
export function permuteQuads(
  quads: Uint32Array,
  columns: readonly number[],
  count = quads.length / RECORD_WORDS,
): Uint32Array {
  const out = allocateRecords(count);
  const [c0, c1, c2, c3] = columns;
  for (let r = 0, end = count * RECORD_WORDS; r < end; r += RECORD_WORDS) {
    out[r] = quads[r + c0];
    out[r + 1] = quads[r + c1];
    out[r + 2] = quads[r + c2];
    out[r + 3] = quads[r + c3];
  }
  return out;
}

/**
 * Sorts the records of `records` ascending and returns the sorted array, which is either
 * `records` itself or a new array of the same length (the caller must use the return value).
 *
 * Only columns 0 to `leadingColumns - 1` are sorted on. The caller promises that the records are
 * already in order by the remaining trailing columns, as happens when GSPO is built from an
 * SPOG-sorted batch: LSD sorting is stable, so sorting on the graph column alone finishes it.
 * Records already in order, such as a segment written sorted, cost one comparison pass.
 */
export function radixSortRecords(records: Uint32Array, leadingColumns = RECORD_WORDS): Uint32Array {
  const count = records.length / RECORD_WORDS;
  if (leadingColumns === 0) return records;
  if (count <= INSERTION_SORT_MAX) {
    insertionSortRecords(records, count);
    return records;
  }
  if (isSortedOn(records, leadingColumns)) return records;

  const varying = varyingBits(records, leadingColumns);
  if (leadingColumns === RECORD_WORDS) {
    const sorted = sortByFirstColumn(records, count, varying[0]);
    if (sorted !== undefined) return sorted;
  }

  let source = records;
  let target: Uint32Array | undefined;
  const histogram = new Uint32Array(DIGIT_BUCKETS);
  for (let column = leadingColumns - 1; column >= 0; column--) {
    for (let shift = 0; shift <= 16; shift += 16) {
      if (((varying[column] >>> shift) & 0xffff) === 0) continue;
      target ??= allocateRecords(count);
      scatterByDigit(source, target, column, shift, histogram);
      const swap = source;
      source = target;
      target = swap;
    }
  }
  return source;
}

/**
 * Sorts the records on all columns with one counting pass on column 0, whose values then index
 * the histogram directly, and one sort per group of records that share a column-0 value. A
 * parsed document has few statements per subject (LUBM(8): 1,001,420 statements about 163,553
 * subjects), so insertion sorts of short groups replace the LSD passes of the other columns.
 * Returns undefined, having changed nothing, when column 0 does not vary or has more than
 * FIRST_COLUMN_MAX_BITS varying bits. It does the same when more than MAX_LONG_GROUPS groups
 * are long, or when the insertion sorts would cost more than LSD passes.
 */
function sortByFirstColumn(
  records: Uint32Array,
  count: number,
  varyingFirst: number,
): Uint32Array | undefined {
  if (varyingFirst === 0) return undefined;
  // Bits outside the varying span are equal in every record, so they can be shifted away.
  const shift = 31 - Math.clz32(varyingFirst & -varyingFirst);
  const bits = 32 - Math.clz32(varyingFirst >>> shift);
  if (bits > FIRST_COLUMN_MAX_BITS) return undefined;
  const mask = (1 << bits) - 1;
  const buckets = mask + 1;

  // starts[k + 1] counts the records of group k, and after the prefix sum starts[k] is the
  // index of group k's first record.
  const starts = new Uint32Array(buckets + 1);
  for (let r = 0; r < records.length; r += RECORD_WORDS) {
    starts[((records[r] >>> shift) & mask) + 1]++;
  }
  let longGroups = 0;
  // Four times the expected number of insertion-sort moves, n(n - 1) per group of n records.
  let moves = 0;
  for (let k = 1; k <= buckets; k++) {
    const size = starts[k];
    if (size > INSERTION_SORT_MAX) longGroups++;
    else moves += size * (size - 1);
  }
  if (longGroups > MAX_LONG_GROUPS || moves > 4 * MAX_MOVES_PER_RECORD * count) return undefined;
  for (let k = 1; k <= buckets; k++) starts[k] += starts[k - 1];

  const target = allocateRecords(count);
  const next = starts.slice(0, buckets);
  for (let r = 0; r < records.length; r += RECORD_WORDS) {
    const group = (records[r] >>> shift) & mask;
    const w = next[group] * RECORD_WORDS;
    next[group]++;
    target[w] = records[r];
    target[w + 1] = records[r + 1];
    target[w + 2] = records[r + 2];
    target[w + 3] = records[r + 3];
  }

  for (let k = 0; k < buckets; k++) {
    const size = starts[k + 1] - starts[k];
    if (size < 2) continue;
    const group = target.subarray(starts[k] * RECORD_WORDS, starts[k + 1] * RECORD_WORDS);
    if (size <= INSERTION_SORT_MAX) {
      insertionSortRecords(group, size);
      continue;
    }
    const sorted = radixSortRecords(group);
    if (sorted !== group) group.set(sorted);
  }
  return target;
}

/** Returns true when no record is before the one preceding it on the leading columns. */
function isSortedOn(records: Uint32Array, leadingColumns: number): boolean {
  for (let r = RECORD_WORDS; r < records.length; r += RECORD_WORDS) {
    const previous = r - RECORD_WORDS;
    for (let column = 0; column < leadingColumns; column++) {
      const before = records[previous + column];
      const after = records[r + column];
      if (before < after) break;
      if (before > after) return false;
    }
  }
  return true;
}

/**
 * Returns, per leading column, the bits in which some records differ: OR xor AND over the
 * column. A digit is worth a pass only when it has such a bit. Several leading columns are read
 * in one pass, because each record's four words share a cache line.
 */
function varyingBits(records: Uint32Array, leadingColumns: number): Uint32Array {
  if (leadingColumns === 1) {
    let or = 0;
    let and = 0xffffffff;
    for (let r = 0; r < records.length; r += RECORD_WORDS) {
      or |= records[r];
      and &= records[r];
    }
    return Uint32Array.of(or ^ and, 0, 0, 0);
  }

  let or0 = 0;
  let or1 = 0;
  let or2 = 0;
  let or3 = 0;
  let and0 = 0xffffffff;
  let and1 = 0xffffffff;
  let and2 = 0xffffffff;
  let and3 = 0xffffffff;
  for (let r = 0; r < records.length; r += RECORD_WORDS) {
    or0 |= records[r];
    and0 &= records[r];
    or1 |= records[r + 1];
    and1 &= records[r + 1];
    or2 |= records[r + 2];
    and2 &= records[r + 2];
    or3 |= records[r + 3];
    and3 &= records[r + 3];
  }
  const varying = Uint32Array.of(or0 ^ and0, or1 ^ and1, or2 ^ and2, or3 ^ and3);
  varying.fill(0, leadingColumns);
  return varying;
}

/** Runs one stable counting-sort pass on the 16-bit digit at `shift` of `column`. */
function scatterByDigit(
  source: Uint32Array,
  target: Uint32Array,
  column: number,
  shift: number,
  histogram: Uint32Array,
): void {
  histogram.fill(0);
  for (let r = column; r < source.length; r += RECORD_WORDS) {
    histogram[(source[r] >>> shift) & 0xffff]++;
  }
  // Turn counts into starting word offsets in `target`.
  let offset = 0;
  for (let bucket = 0; bucket < DIGIT_BUCKETS; bucket++) {
    const n = histogram[bucket];
    histogram[bucket] = offset;
    offset += n * RECORD_WORDS;
  }
  for (let r = 0; r < source.length; r += RECORD_WORDS) {
    const bucket = (source[r + column] >>> shift) & 0xffff;
    const w = histogram[bucket];
    histogram[bucket] = w + RECORD_WORDS;
    target[w] = source[r];
    target[w + 1] = source[r + 1];
    target[w + 2] = source[r + 2];
    target[w + 3] = source[r + 3];
  }
}

function insertionSortRecords(records: Uint32Array, count: number): void {
  for (let i = 1; i < count; i++) {
    const x = i * RECORD_WORDS;
    const a = records[x];
    const b = records[x + 1];
    const c = records[x + 2];
    const d = records[x + 3];
    let j = i - 1;
    while (j >= 0) {
      const y = j * RECORD_WORDS;
      const order =
        records[y] - a || records[y + 1] - b || records[y + 2] - c || records[y + 3] - d;
      if (order <= 0) break;
      // Plain stores, because a copyWithin call per step made 10^6 records in groups of 48
      // take 252 ms to sort instead of 89 ms.
      records[y + 4] = records[y];
      records[y + 5] = records[y + 1];
      records[y + 6] = records[y + 2];
      records[y + 7] = records[y + 3];
      j--;
    }
    const z = (j + 1) * RECORD_WORDS;
    records[z] = a;
    records[z + 1] = b;
    records[z + 2] = c;
    records[z + 3] = d;
  }
}

/**
 * Removes adjacent duplicate records from the first `count` records of a sorted array, in place,
 * and returns how many distinct records remain at its front.
 */
export function dedupeSortedRecords(
  records: Uint32Array,
  count = records.length / RECORD_WORDS,
): number {
  if (count === 0) return 0;
  // Up to the first repeat every record stays where it is, so nothing is written.
  let i = 1;
  while (i < count && !sameRecord(records, i, i - 1)) i++;
  let kept = i;
  for (; i < count; i++) {
    if (sameRecord(records, i, kept - 1)) continue;
    const x = i * RECORD_WORDS;
    const w = kept * RECORD_WORDS;
    records[w] = records[x];
    records[w + 1] = records[x + 1];
    records[w + 2] = records[x + 2];
    records[w + 3] = records[x + 3];
    kept++;
  }
  return kept;
}

function sameRecord(records: Uint32Array, i: number, j: number): boolean {
  const x = i * RECORD_WORDS;
  const y = j * RECORD_WORDS;
  return (
    records[x] === records[y] &&
    records[x + 1] === records[y + 1] &&
    records[x + 2] === records[y + 2] &&
    records[x + 3] === records[y + 3]
  );
}
