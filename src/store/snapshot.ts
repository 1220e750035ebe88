/**
 * A frozen view of a QuadStore: the quads present when `QuadStore.snapshot()` was called,
 * whatever is written afterwards. A query reads one snapshot from start to end, so it never
 * sees part of a write that commits while it runs.
 *
 * Taking a snapshot costs six small objects. It keeps the arrays it reads alive until it is
 * garbage, and the store's next write to each of those arrays copies it first.
 */
import type { IndexCursor, IndexRuns } from './index-runs.js';
import { ORDERING_COLUMNS } from './orderings.js';
import { QuadReader, type OrderingReader } from './quad-reader.js';

class FrozenOrdering implements OrderingReader {
  constructor(
    readonly columns: readonly number[],
    private readonly runs: IndexRuns,
  ) {}

  has(k0: number, k1: number, k2: number, k3: number): boolean {
    return this.runs.has(k0, k1, k2, k3);
  }

  hasMany(records: Uint32Array, found: Uint8Array): void {
    this.runs.hasMany(records, found);
  }

  count(prefixLength: number, k0: number, k1: number, k2: number, k3: number): number {
    return this.runs.count(prefixLength, k0, k1, k2, k3);
  }

  cursor(prefixLength: number, k0: number, k1: number, k2: number, k3: number): IndexCursor {
    return this.runs.cursor(this.columns, prefixLength, k0, k1, k2, k3);
  }

  distinctFirstColumn(): Uint32Array {
    return this.runs.distinctFirstColumn();
  }
}

export class QuadStoreSnapshot extends QuadReader {
  private readonly orderings: FrozenOrdering[];

  /** `runs` holds one frozen IndexRuns per ordering, in ORDERING_COLUMNS order. */
  constructor(
    runs: readonly IndexRuns[],
    private readonly quadCount: number,
    private readonly defaultOnly: boolean,
  ) {
    super();
    this.orderings = runs.map((r, i) => new FrozenOrdering(ORDERING_COLUMNS[i], r));
  }

  get size(): number {
    return this.quadCount;
  }

  protected ordering(which: number): OrderingReader {
    return this.orderings[which];
  }

  protected get defaultGraphOnly(): boolean {
    return this.defaultOnly;
  }
}
