/**
 * The reads of a quad set stored in the six orderings: membership, counts, cursors and named
 * graphs. The live QuadStore and its frozen snapshots share them and differ only in where the
 * orderings come from.
 */
import { EMPTY_CURSOR } from './cursors.js';
import type { IndexCursor } from './index-runs.js';
import {
  BOUND_COUNT,
  boundMask,
  checkPacked,
  checkPattern,
  GSPO,
  ORDERING_BY_MASK,
  SPOG,
} from './orderings.js';
import { RECORD_WORDS } from './radix-sort.js';
import { ANY, DEFAULT_GRAPH_ID, type QuadCursor, type QuadSource, type TermId } from './types.js';

/** One ordering as the reads need it; keys are in the ordering's column order. */
export interface OrderingReader {
  /** Quad position (0 = s, 1 = p, 2 = o, 3 = g) of each record column. */
  readonly columns: readonly number[];
  has(k0: number, k1: number, k2: number, k3: number): boolean;
  /** See IndexRuns.hasMany. */
  hasMany(records: Uint32Array, found: Uint8Array): void;
  count(prefixLength: number, k0: number, k1: number, k2: number, k3: number): number;
  cursor(prefixLength: number, k0: number, k1: number, k2: number, k3: number): IndexCursor;
  distinctFirstColumn(): Uint32Array;
}

export abstract class QuadReader implements QuadSource {
  /** Scratch s, p, o, g, so that reordering a quad into an index's columns allocates nothing. */
  private readonly pattern = new Float64Array(4);

  abstract get size(): number;

  /** Returns the ordering with the given number (SPOG, POSG, ... in orderings.ts). */
  protected abstract ordering(which: number): OrderingReader;

  /**
   * True when every quad is in the default graph and the G-first orderings are empty; reads
   * then answer a pattern with g = DEFAULT_GRAPH_ID as if g were unbound.
   */
  protected abstract get defaultGraphOnly(): boolean;

  has(s: TermId, p: TermId, o: TermId, g: TermId): boolean {
    checkPattern(s, p, o, g);
    if (g !== ANY && this.defaultGraphOnly) {
      if (g !== DEFAULT_GRAPH_ID) return false;
      if (s === ANY || p === ANY || o === ANY) return this.count(s, p, o, ANY) > 0;
    }
    if (s === ANY || p === ANY || o === ANY || g === ANY) return this.count(s, p, o, g) > 0;
    return this.ordering(SPOG).has(s, p, o, g);
  }

  hasMany(quads: Uint32Array): Uint8Array {
    checkPacked(quads);
    const result = new Uint8Array(quads.length / RECORD_WORDS);
    // Packed s, p, o, g quads are already records in SPOG column order.
    this.ordering(SPOG).hasMany(quads, result);
    return result;
  }

  count(s: number, p: number, o: number, g: number): number {
    checkPattern(s, p, o, g);
    if (g !== ANY && this.defaultGraphOnly) {
      if (g !== DEFAULT_GRAPH_ID) return 0;
      g = ANY;
    }
    const mask = boundMask(s, p, o, g);
    if (mask === 0) return this.size;
    const index = this.ordering(ORDERING_BY_MASK[mask]);
    const c = index.columns;
    const q = this.setPattern(s, p, o, g);
    return index.count(BOUND_COUNT[mask], q[c[0]], q[c[1]], q[c[2]], q[c[3]]);
  }

  match(s: number, p: number, o: number, g: number): QuadCursor {
    checkPattern(s, p, o, g);
    if (g !== ANY && this.defaultGraphOnly) {
      if (g !== DEFAULT_GRAPH_ID) return EMPTY_CURSOR;
      // A full pattern keeps SPOG; with g dropped, any other pattern reads S, P or O first.
      if (s === ANY || p === ANY || o === ANY) g = ANY;
    }
    const mask = boundMask(s, p, o, g);
    const index = this.ordering(ORDERING_BY_MASK[mask]);
    const c = index.columns;
    const q = this.setPattern(s, p, o, g);
    return index.cursor(BOUND_COUNT[mask], q[c[0]], q[c[1]], q[c[2]], q[c[3]]);
  }

  /** Returns the distinct graph ids other than the default graph, ascending. */
  graphs(): Uint32Array {
    if (this.defaultGraphOnly) return new Uint32Array(0);
    const all = this.ordering(GSPO).distinctFirstColumn();
    return all.length > 0 && all[0] === DEFAULT_GRAPH_ID ? all.subarray(1) : all;
  }

  protected setPattern(s: number, p: number, o: number, g: number): Float64Array {
    const q = this.pattern;
    q[0] = s;
    q[1] = p;
    q[2] = o;
    q[3] = g;
    return q;
  }
}
