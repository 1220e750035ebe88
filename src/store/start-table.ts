/**
 * A start table over a sorted base run: for each value of column 0, the position of its first
 * record, as in the row offsets of a CSR matrix. Term ids are dense integers from the
 * dictionary, so the table of the SPOG base run costs 4 bytes per id up to the largest
 * subject. An exact lookup then reads two offsets and searches the few records of one subject,
 * instead of binary searching the whole run.
 *
 * A table describes one base run. Its owner writes the next table into the same buffer only
 * when it replaces that base run and no snapshot shares it, so a snapshot can share both.
 */
import { RECORD_WORDS } from './radix-sort.js';
import { countSetBits, nextSetBit } from './record-runs.js';

/** RECORD_WORDS as a constant of this module (see radix-sort.ts). */
const WORDS = RECORD_WORDS;

const EMPTY = new Uint32Array(0);

/**
 * Table length allowed whatever the run size. A longer table is built only when it has at most
 * one entry per base record, so a table costs at most 4 bytes per record or 4 KiB, whichever
 * is more, plus the 1/8 headroom of a grown buffer.
 */
const MIN_TABLE_ENTRIES = 1024;

/**
 * Returns the number of entries the start table of a sorted run needs, or 0 when the run is
 * empty or its largest column-0 value is too large for a table (see MIN_TABLE_ENTRIES).
 */
export function startTableLength(records: Uint32Array, count: number): number {
  if (count === 0) return 0;
  return allowedLength(records[(count - 1) * WORDS] + 2, count);
}

function allowedLength(length: number, count: number): number {
  return length <= Math.max(count, MIN_TABLE_ENTRIES) ? length : 0;
}

/**
 * Returns a view of `length` entries of `storage` when it is long enough, else of a new buffer
 * with 1/8 more entries when `grow` is set, so later tables can reuse it as the largest id grows.
 */
function tableBuffer(storage: Uint32Array, length: number, grow: boolean): Uint32Array {
  if (storage.length >= length) return storage.subarray(0, length);
  return new Uint32Array(length + (grow ? length >>> 3 : 0)).subarray(0, length);
}

/**
 * Builds the start table of the first `count` records of a sorted run. The records whose
 * column 0 is v are the positions [table[v], table[v + 1]) for every v below table.length - 1,
 * and no record has a larger column-0 value. Returns an empty array when startTableLength is 0.
 * The table is written into `storage` when it is long enough (see tableBuffer).
 */
export function buildStartTable(
  records: Uint32Array,
  count: number,
  storage: Uint32Array,
  grow: boolean,
): Uint32Array {
  const length = startTableLength(records, count);
  if (length === 0) return EMPTY;
  const table = tableBuffer(storage, length, grow);
  let value = 0;
  for (let r = 0, w = 0; r < count; r++, w += WORDS) {
    const first = records[w];
    // Values without records start where the next larger value does.
    while (value <= first) table[value++] = r;
  }
  table[value] = count;
  return table;
}

/**
 * Returns the start table of the run that merging produces from a base run and a sorted run
 * of added records. The merge drops the base records whose bit is set in `dead` and inserts
 * the first `addedCount` records of `added`. `old` is the base run's table, and `baseCount` is
 * its record count.
 *
 * Each entry is the old one less the dead records before it plus the added records before it,
 * so the cost is one pass over the table and the added records, not over the merged run. The
 * table may be `old` itself or share its buffer through `storage`, because entry v is read
 * before it is written. Returns an empty array when the table would be too sparse.
 *
 * The table can have trailing entries equal to the merged count, when every base record of
 * the largest values was dead, and lookups of those values then find no records.
 */
export function updateStartTable(
  old: Uint32Array,
  baseCount: number,
  dead: Uint32Array,
  added: Uint32Array,
  addedCount: number,
  storage: Uint32Array,
  grow: boolean,
): Uint32Array {
  const deadCount = dead.length === 0 ? 0 : countSetBits(dead, 0, baseCount);
  const mergedCount = baseCount - deadCount + addedCount;
  const addedLength = addedCount === 0 ? 0 : added[(addedCount - 1) * WORDS] + 2;
  const length = allowedLength(Math.max(old.length, addedLength), mergedCount);
  if (length === 0 || mergedCount === 0) return EMPTY;
  const table = tableBuffer(storage, length, grow);
  let deadBefore = 0;
  let nextDead = deadCount === 0 ? baseCount : nextSetBit(dead, 0, baseCount);
  let addedBefore = 0;
  for (let value = 0; value < length; value++) {
    const oldStart = value < old.length ? old[value] : baseCount;
    while (nextDead < oldStart) {
      deadBefore++;
      nextDead = nextSetBit(dead, nextDead + 1, baseCount);
    }
    while (addedBefore < addedCount && added[addedBefore * WORDS] < value) addedBefore++;
    table[value] = oldStart - deadBefore + addedBefore;
  }
  return table;
}

/** Returns the capacity buffer behind a table built by buildStartTable. */
export function startTableStorage(table: Uint32Array): Uint32Array {
  return table.length === 0 ? EMPTY : new Uint32Array(table.buffer, table.byteOffset);
}

/**
 * Returns the position of the record equal to (column 0, k1, k2, k3) in [from, to), a range
 * whose records all share column 0, or -1.
 */
export function findInRange(
  records: Uint32Array,
  from: number,
  to: number,
  k1: number,
  k2: number,
  k3: number,
): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const w = mid * WORDS;
    // Comparing the words directly, instead of subtracting them as comparePrefix does, keeps
    // the values uint32 in V8's optimized code. It made LUBM(8) lookups about 9 % faster in
    // one A/B run with Node 20.
    const v1 = records[w + 1];
    if (v1 !== k1) {
      if (v1 < k1) lo = mid + 1;
      else hi = mid;
      continue;
    }
    const v2 = records[w + 2];
    if (v2 !== k2) {
      if (v2 < k2) lo = mid + 1;
      else hi = mid;
      continue;
    }
    const v3 = records[w + 3];
    if (v3 === k3) return mid;
    if (v3 < k3) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}
