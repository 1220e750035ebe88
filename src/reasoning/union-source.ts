/**
 * The quads a query over a reasoning dataset reads: asserted ∪ inferred. The inferred store
 * never contains an asserted quad, so sizes and counts add up exactly.
 */
import { ChainedCursor } from '../store/cursors.js';
import type { QuadCursor, QuadSource, TermId } from '../store/types.js';

export class UnionQuadSource implements QuadSource {
  constructor(
    private readonly asserted: QuadSource,
    private readonly inferred: QuadSource,
  ) {}

  get size(): number {
    return this.asserted.size + this.inferred.size;
  }

  has(s: TermId, p: TermId, o: TermId, g: TermId): boolean {
    return this.asserted.has(s, p, o, g) || this.inferred.has(s, p, o, g);
  }

  count(s: number, p: number, o: number, g: number): number {
    return this.asserted.count(s, p, o, g) + this.inferred.count(s, p, o, g);
  }

  match(s: number, p: number, o: number, g: number): QuadCursor {
    if (this.inferred.size === 0) return this.asserted.match(s, p, o, g);
    return new ChainedCursor([this.asserted.match(s, p, o, g), this.inferred.match(s, p, o, g)]);
  }

  hasMany(quads: Uint32Array): Uint8Array {
    const result = this.asserted.hasMany(quads);
    const inferred = this.inferred.hasMany(quads);
    for (let i = 0; i < result.length; i++) result[i]! |= inferred[i]!;
    return result;
  }
}
