/**
 * The in-memory quad store of the 7T core: six orderings of the same quad set, so every
 * bound/unbound pattern is one contiguous range found by binary search.
 *
 * Snapshot rule: a cursor returned by `match` returns the quads of the state at the time `match`
 * was called, however the store changes while it is open. The delta run and tombstone bitset
 * that a cursor reads are copied before the next in-place write (copy-on-write). The current base
 * run is never written, and a replaced base buffer is reused only when no cursor read it (see
 * quad-index.ts). `count`, `has` and `hasMany` read the current state.
 *
 * Which ordering serves a pattern: the bound positions must be a prefix of the ordering.
 *
 *   bound      ordering  prefix      bound      ordering  prefix
 *   (none)     SPOG      0           P O        POSG      2
 *   S          SPOG      1           P G        GPOS      2
 *   P          POSG      1           O G        GOSP      2
 *   O          OSPG      1           S P O      SPOG      3
 *   G          GSPO      1           S P G      GSPO      3
 *   S P        SPOG      2           S O G      GOSP      3
 *   S O        OSPG      2           P O G      GPOS      3
 *   S G        GSPO      2           S P O G    SPOG      4
 */
import { permuteQuads, radixSortRecords, dedupeSortedRecords, RECORD_WORDS } from './radix-sort.js';
import { QuadIndex, type QuadIndexOptions } from './quad-index.js';
import { ANY, DEFAULT_GRAPH_ID, type QuadCursor, type QuadSource, type TermId } from './types.js';

export type QuadStoreOptions = QuadIndexOptions;

const SPOG = 0;
const POSG = 1;
const OSPG = 2;
const GSPO = 3;
const GPOS = 4;
const GOSP = 5;

/** Record columns of each ordering, as quad positions (0 = s, 1 = p, 2 = o, 3 = g). */
const ORDERING_COLUMNS: readonly (readonly number[])[] = [
  [0, 1, 2, 3],
  [1, 2, 0, 3],
  [2, 0, 1, 3],
  [3, 0, 1, 2],
  [3, 1, 2, 0],
  [3, 2, 0, 1],
];

/** Ordering per bound mask (bit 1 = s, 2 = p, 4 = o, 8 = g), as in the table above. */
// prettier-ignore
const ORDERING_BY_MASK = [
  SPOG, SPOG, POSG, SPOG, OSPG, OSPG, POSG, SPOG,
  GSPO, GSPO, GPOS, GSPO, GOSP, GOSP, GPOS, SPOG,
];

/** Number of bound positions per bound mask: the length of the key prefix. */
const BOUND_COUNT = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/**
 * Build plan per ordering for a batch in `addMany`/`deleteMany`: the ordering whose sorted
 * records it starts from, and how many leading columns still need sorting. LSD radix sorting is
 * stable, so a batch already sorted by the trailing columns of the target ordering only needs
 * passes over the leading ones.
 *
 * When g varies within the batch, POSG and OSPG are sorted in full, and each G-first ordering
 * only sorts on g because its other columns are in order in the source (GSPO from SPOG, GPOS
 * from POSG, GOSP from OSPG).
 */
const BATCH_PLAN: readonly { from: number; leadingColumns: number }[] = [
  { from: SPOG, leadingColumns: 4 },
  { from: SPOG, leadingColumns: 4 },
  { from: SPOG, leadingColumns: 4 },
  { from: SPOG, leadingColumns: 1 },
  { from: POSG, leadingColumns: 1 },
  { from: OSPG, leadingColumns: 1 },
];

/**
 * Build plan for a batch whose quads all have the same g, as in a file loaded into one graph.
 * Then SPOG order is also (s, p, g) order, so OSPG only sorts on o. OSPG order is also (o, s, g)
 * order, so POSG only sorts on p. The G-first orderings need no pass at all.
 */
const SINGLE_GRAPH_BATCH_PLAN: readonly { from: number; leadingColumns: number }[] = [
  { from: SPOG, leadingColumns: 4 },
  { from: OSPG, leadingColumns: 1 },
  { from: SPOG, leadingColumns: 1 },
  { from: SPOG, leadingColumns: 0 },
  { from: POSG, leadingColumns: 0 },
  { from: OSPG, leadingColumns: 0 },
];

/** Order in which `applyBatch` builds the orderings, so each plan's source exists first. */
const BUILD_ORDER = [SPOG, OSPG, POSG, GSPO, GPOS, GOSP];

const MAX_ID = 0xffff_ffff;

export class QuadStore implements QuadSource {
  private readonly indexes: QuadIndex[];
  private quadCount = 0;
  /** Scratch s, p, o, g, so that reordering a quad into an index's columns allocates nothing. */
  private readonly pattern = new Float64Array(4);

  constructor(options: QuadStoreOptions = {}) {
    this.indexes = ORDERING_COLUMNS.map((columns) => new QuadIndex(columns, options));
  }

  get size(): number {
    return this.quadCount;
  }

  /** Adds one quad; returns false when it was already present. */
  add(s: TermId, p: TermId, o: TermId, g: TermId): boolean {
    checkQuad(s, p, o, g);
    if (this.has(s, p, o, g)) return false;
    const q = this.setPattern(s, p, o, g);
    for (const index of this.indexes) {
      const c = index.columns;
      index.insert(q[c[0]], q[c[1]], q[c[2]], q[c[3]]);
    }
    this.quadCount++;
    return true;
  }

  /** Deletes one quad; returns false when it was not present. */
  delete(s: TermId, p: TermId, o: TermId, g: TermId): boolean {
    checkQuad(s, p, o, g);
    if (!this.has(s, p, o, g)) return false;
    const q = this.setPattern(s, p, o, g);
    for (const index of this.indexes) {
      const c = index.columns;
      index.remove(q[c[0]], q[c[1]], q[c[2]], q[c[3]]);
    }
    this.quadCount--;
    return true;
  }

  /**
   * Adds packed s,p,o,g quads; duplicates inside the batch or already in the store are skipped.
   * Returns the number of quads added. The argument is not modified.
   */
  addMany(quads: Uint32Array): number {
    const spog = this.sortedBatch(quads);
    const count = this.keepWhere(spog, false);
    if (count > 0) this.applyBatch(spog, count, true);
    return count;
  }

  /** Deletes packed s,p,o,g quads; returns the number of quads that were present and removed. */
  deleteMany(quads: Uint32Array): number {
    const spog = this.sortedBatch(quads);
    const count = this.keepWhere(spog, true);
    if (count > 0) this.applyBatch(spog, count, false);
    return count;
  }

  has(s: TermId, p: TermId, o: TermId, g: TermId): boolean {
    checkPattern(s, p, o, g);
    if (s === ANY || p === ANY || o === ANY || g === ANY) return this.count(s, p, o, g) > 0;
    return this.indexes[SPOG].has(s, p, o, g);
  }

  hasMany(quads: Uint32Array): Uint8Array {
    checkPacked(quads);
    const result = new Uint8Array(quads.length / RECORD_WORDS);
    const spog = this.indexes[SPOG];
    for (let i = 0, w = 0; w < quads.length; i++, w += RECORD_WORDS) {
      if (spog.has(quads[w], quads[w + 1], quads[w + 2], quads[w + 3])) result[i] = 1;
    }
    return result;
  }

  count(s: number, p: number, o: number, g: number): number {
    checkPattern(s, p, o, g);
    const mask = boundMask(s, p, o, g);
    const index = this.indexes[ORDERING_BY_MASK[mask]];
    if (mask === 0) return this.quadCount;
    const c = index.columns;
    const q = this.setPattern(s, p, o, g);
    return index.count(BOUND_COUNT[mask], q[c[0]], q[c[1]], q[c[2]], q[c[3]]);
  }

  match(s: number, p: number, o: number, g: number): QuadCursor {
    checkPattern(s, p, o, g);
    const mask = boundMask(s, p, o, g);
    const index = this.indexes[ORDERING_BY_MASK[mask]];
    const c = index.columns;
    const q = this.setPattern(s, p, o, g);
    return index.cursor(BOUND_COUNT[mask], q[c[0]], q[c[1]], q[c[2]], q[c[3]]);
  }

  /** Returns the distinct graph ids other than the default graph, ascending. */
  graphs(): Uint32Array {
    const all = this.indexes[GSPO].distinctFirstColumn();
    return all.length > 0 && all[0] === DEFAULT_GRAPH_ID ? all.subarray(1) : all;
  }

  clear(): void {
    for (const index of this.indexes) index.clear();
    this.quadCount = 0;
  }

  private setPattern(s: number, p: number, o: number, g: number): Float64Array {
    const q = this.pattern;
    q[0] = s;
    q[1] = p;
    q[2] = o;
    q[3] = g;
    return q;
  }

  /** Returns the batch as sorted, distinct SPOG records in a new array. */
  private sortedBatch(quads: Uint32Array): Uint32Array {
    checkPacked(quads);
    const records = radixSortRecords(permuteQuads(quads, ORDERING_COLUMNS[SPOG]));
    const distinct = dedupeSortedRecords(records);
    return records.subarray(0, distinct * RECORD_WORDS);
  }

  /**
   * Compacts the sorted SPOG records to those whose presence in the store equals `present`,
   * in place; returns how many remain at the front.
   */
  private keepWhere(records: Uint32Array, present: boolean): number {
    const spog = this.indexes[SPOG];
    let kept = 0;
    for (let r = 0; r < records.length; r += RECORD_WORDS) {
      if (spog.has(records[r], records[r + 1], records[r + 2], records[r + 3]) !== present)
        continue;
      if (kept !== r) records.copyWithin(kept, r, r + RECORD_WORDS);
      kept += RECORD_WORDS;
    }
    return kept / RECORD_WORDS;
  }

  /** Inserts or removes sorted, distinct SPOG records (all absent, or all present) everywhere. */
  private applyBatch(spog: Uint32Array, count: number, insert: boolean): void {
    const records = spog.subarray(0, count * RECORD_WORDS);
    const plan = isSingleGraph(records) ? SINGLE_GRAPH_BATCH_PLAN : BATCH_PLAN;
    const sorted: Uint32Array[] = [];
    for (const ordering of BUILD_ORDER) {
      const { from, leadingColumns } = plan[ordering];
      let batch = records;
      if (ordering !== SPOG) {
        const fromColumns = ORDERING_COLUMNS[from];
        const columns = ORDERING_COLUMNS[ordering].map((position) => fromColumns.indexOf(position));
        batch = radixSortRecords(permuteQuads(sorted[from], columns, count), leadingColumns);
      }
      sorted[ordering] = batch;
      if (insert) this.indexes[ordering].insertSorted(batch, count);
      else this.indexes[ordering].removeMany(batch, count);
    }
    this.quadCount += insert ? count : -count;
  }
}

function isSingleGraph(records: Uint32Array): boolean {
  const g = records[3];
  for (let w = 7; w < records.length; w += RECORD_WORDS) if (records[w] !== g) return false;
  return true;
}

function boundMask(s: number, p: number, o: number, g: number): number {
  return (s !== ANY ? 1 : 0) | (p !== ANY ? 2 : 0) | (o !== ANY ? 4 : 0) | (g !== ANY ? 8 : 0);
}

function isId(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_ID;
}

function checkQuad(s: number, p: number, o: number, g: number): void {
  if (!isId(s) || !isId(p) || !isId(o) || !isId(g)) {
    throw new RangeError(
      `Invalid quad (${s}, ${p}, ${o}, ${g}): every position must be a uint32 term id`,
    );
  }
}

function isIdOrAny(value: number): boolean {
  return value === ANY || isId(value);
}

function checkPattern(s: number, p: number, o: number, g: number): void {
  if (!isIdOrAny(s) || !isIdOrAny(p) || !isIdOrAny(o) || !isIdOrAny(g)) {
    throw new RangeError(
      `Invalid quad pattern (${s}, ${p}, ${o}, ${g}): each position must be a uint32 term ` +
        `id or ANY (-1)`,
    );
  }
}

function checkPacked(quads: Uint32Array): void {
  if (quads.length % RECORD_WORDS !== 0) {
    throw new RangeError(
      `Invalid packed quads: length ${quads.length} is not a multiple of 4 (s, p, o, g per quad)`,
    );
  }
}
