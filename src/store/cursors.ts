/** Cursor building blocks shared by the views over a QuadSource (graph grants, FROM datasets). */
import type { QuadCursor, TermId } from './types.js';

/** A cursor that matches nothing. It is immutable, so every caller can share it. */
export const EMPTY_CURSOR: QuadCursor = Object.freeze({
  s: 0,
  p: 0,
  o: 0,
  g: 0,
  next: () => false,
});

/**
 * Runs cursors one after another. The caller opens them all up front, so under the store's
 * snapshot rule the chain reads one state even if the store changes while it is consumed.
 */
export class ChainedCursor implements QuadCursor {
  s = 0;
  p = 0;
  o = 0;
  g = 0;
  private index = 0;
  private current: QuadCursor = EMPTY_CURSOR;

  constructor(private readonly cursors: readonly QuadCursor[]) {}

  next(): boolean {
    for (;;) {
      if (this.current.next()) {
        this.s = this.current.s;
        this.p = this.current.p;
        this.o = this.current.o;
        this.g = this.current.g;
        return true;
      }
      if (this.index >= this.cursors.length) return false;
      this.current = this.cursors[this.index++]!;
    }
  }
}

/** A cursor over one given quad, for a lookup whose four positions are all ids. */
export class SingleQuadCursor implements QuadCursor {
  private done = false;

  constructor(
    public s: TermId,
    public p: TermId,
    public o: TermId,
    public g: TermId,
  ) {}

  next(): boolean {
    if (this.done) return false;
    this.done = true;
    return true;
  }
}

/** Batch ASK through single `has` calls, for views that have no faster way. */
export function hasEach(
  has: (s: number, p: number, o: number, g: number) => boolean,
  quads: Uint32Array,
): Uint8Array {
  const result = new Uint8Array(quads.length >>> 2);
  for (let i = 0; i < result.length; i++) {
    const base = i * 4;
    result[i] = has(quads[base]!, quads[base + 1]!, quads[base + 2]!, quads[base + 3]!) ? 1 : 0;
  }
  return result;
}
