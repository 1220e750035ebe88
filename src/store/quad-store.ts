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
import {
  checkPacked,
  checkQuad,
  GOSP,
  GPOS,
  GSPO,
  ORDERING_COLUMNS,
  OSPG,
  POSG,
  SPOG,
} from './orderings.js';
import { QuadIndex, type QuadIndexOptions } from './quad-index.js';
import { QuadReader } from './quad-reader.js';
import { QuadStoreSnapshot } from './snapshot.js';
import { DEFAULT_GRAPH_ID, type TermId } from './types.js';

/** RECORD_WORDS as a constant of this module (see radix-sort.ts). */
const WORDS = RECORD_WORDS;

export type QuadStoreOptions = QuadIndexOptions;

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

/** The orderings that lead with g, kept only once a quad of a named graph arrives. */
const GRAPH_FIRST = [GSPO, GPOS, GOSP];

export class QuadStore extends QuadReader {
  private readonly indexes: QuadIndex[];
  private quadCount = 0;
  /**
   * True while every quad ever added is in the default graph. The G-first orderings then stay
   * empty, which halves the index memory of a store without named graphs, and the reads answer
   * graph patterns from the other three orderings. The first quad of a named graph builds them.
   */
  private defaultOnly = true;

  constructor(options: QuadStoreOptions = {}) {
    super();
    this.indexes = ORDERING_COLUMNS.map((columns) => new QuadIndex(columns, options));
  }

  get size(): number {
    return this.quadCount;
  }

  protected ordering(which: number): QuadIndex {
    return this.indexes[which];
  }

  protected get defaultGraphOnly(): boolean {
    return this.defaultOnly;
  }

  /** Adds one quad; returns false when it was already present. */
  add(s: TermId, p: TermId, o: TermId, g: TermId): boolean {
    checkQuad(s, p, o, g);
    if (this.has(s, p, o, g)) return false;
    if (g !== DEFAULT_GRAPH_ID && this.defaultOnly) this.buildGraphOrderings();
    const q = this.setPattern(s, p, o, g);
    for (const index of this.maintained()) {
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
    for (const index of this.maintained()) {
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
    if (count > 0 && this.defaultOnly && !allInDefaultGraph(spog, count)) {
      this.buildGraphOrderings();
    }
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

  /**
   * Returns a read-only view of the current state in O(1): later writes to this store never
   * show in it. Writes after a snapshot copy the delta runs and tombstones they touch once.
   */
  snapshot(): QuadStoreSnapshot {
    return new QuadStoreSnapshot(
      this.indexes.map((index) => index.snapshot()),
      this.quadCount,
      this.defaultOnly,
    );
  }

  clear(): void {
    for (const index of this.indexes) index.clear();
    this.quadCount = 0;
    this.defaultOnly = true;
  }

  /** The orderings that writes must update. */
  private maintained(): QuadIndex[] {
    return this.defaultOnly
      ? this.indexes.filter((_, i) => !GRAPH_FIRST.includes(i))
      : this.indexes;
  }

  /** Builds the G-first orderings from SPOG, before the first quad of a named graph. */
  private buildGraphOrderings(): void {
    const all = new Uint32Array(this.quadCount * WORDS);
    const cursor = this.indexes[SPOG].cursor(0, 0, 0, 0, 0);
    for (let w = 0; cursor.next(); w += WORDS) {
      all[w] = cursor.s;
      all[w + 1] = cursor.p;
      all[w + 2] = cursor.o;
      all[w + 3] = cursor.g;
    }
    for (const ordering of GRAPH_FIRST) {
      const records = radixSortRecords(permuteQuads(all, ORDERING_COLUMNS[ordering]));
      this.indexes[ordering].insertSorted(records, this.quadCount);
    }
    this.defaultOnly = false;
  }

  /** Returns the batch as sorted, distinct SPOG records in a new array. */
  private sortedBatch(quads: Uint32Array): Uint32Array {
    checkPacked(quads);
    const records = radixSortRecords(permuteQuads(quads, ORDERING_COLUMNS[SPOG]));
    const distinct = dedupeSortedRecords(records);
    return records.subarray(0, distinct * WORDS);
  }

  /**
   * Compacts the sorted SPOG records to those whose presence in the store equals `present`,
   * in place; returns how many remain at the front.
   */
  private keepWhere(records: Uint32Array, present: boolean): number {
    const count = records.length / WORDS;
    // An empty store contains none of them, as on the first load of a data dir.
    if (this.quadCount === 0) return present ? 0 : count;
    // One batched lookup, which reads the start table ahead of its searches, instead of one
    // has() per record.
    const found = new Uint8Array(count);
    this.indexes[SPOG].hasMany(records, found);
    const expected = present ? 1 : 0;
    let kept = 0;
    for (let i = 0, r = 0; i < count; i++, r += WORDS) {
      if (found[i] !== expected) continue;
      if (kept !== r) records.copyWithin(kept, r, r + WORDS);
      kept += WORDS;
    }
    return kept / WORDS;
  }

  /** Inserts or removes sorted, distinct SPOG records (all absent, or all present) everywhere. */
  private applyBatch(spog: Uint32Array, count: number, insert: boolean): void {
    const records = spog.subarray(0, count * WORDS);
    const plan = isSingleGraph(records) ? SINGLE_GRAPH_BATCH_PLAN : BATCH_PLAN;
    const sorted: Uint32Array[] = [];
    for (const ordering of BUILD_ORDER) {
      if (this.defaultOnly && GRAPH_FIRST.includes(ordering)) continue;
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

function allInDefaultGraph(records: Uint32Array, count: number): boolean {
  for (let w = 3; w < count * WORDS; w += WORDS) {
    if (records[w] !== DEFAULT_GRAPH_ID) return false;
  }
  return true;
}

function isSingleGraph(records: Uint32Array): boolean {
  const g = records[3];
  for (let w = 7; w < records.length; w += WORDS) if (records[w] !== g) return false;
  return true;
}
