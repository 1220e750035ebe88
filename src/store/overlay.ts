/**
 * A transaction's working state: a frozen base plus the quads the transaction added and
 * removed so far. The operations of one SPARQL Update request read it, so each sees the
 * effect of the ones before it, while the store and every other reader still see the base.
 *
 * Invariants: `added` and the base are disjoint, and `removed` is a subset of the base. So
 * the quads present are (base − removed) ∪ added, and counts stay exact:
 * count = base.count − removed.count + added.count.
 */
import { ChainedCursor } from './cursors.js';
import { QuadBuffer } from './quad-buffer.js';
import { QuadStore } from './quad-store.js';
import { ANY, type QuadCursor, type QuadSource } from './types.js';

export class OverlayStore implements QuadSource {
  private readonly added = new QuadStore();
  private readonly removed = new QuadStore();

  constructor(private readonly base: QuadSource) {}

  get size(): number {
    return this.base.size - this.removed.size + this.added.size;
  }

  /** True when the transaction changed nothing so far. */
  get unchanged(): boolean {
    return this.added.size === 0 && this.removed.size === 0;
  }

  has(s: number, p: number, o: number, g: number): boolean {
    if (this.added.has(s, p, o, g)) return true;
    return this.base.has(s, p, o, g) && (this.removed.size === 0 || !this.removed.has(s, p, o, g));
  }

  count(s: number, p: number, o: number, g: number): number {
    return (
      this.base.count(s, p, o, g) - this.removed.count(s, p, o, g) + this.added.count(s, p, o, g)
    );
  }

  match(s: number, p: number, o: number, g: number): QuadCursor {
    const base = this.base.match(s, p, o, g);
    const fromBase = this.removed.size === 0 ? base : new WithoutCursor(base, this.removed);
    if (this.added.size === 0) return fromBase;
    return new ChainedCursor([fromBase, this.added.match(s, p, o, g)]);
  }

  hasMany(quads: Uint32Array): Uint8Array {
    const result = this.base.hasMany(quads);
    for (let i = 0, w = 0; i < result.length; i++, w += 4) {
      const s = quads[w];
      const p = quads[w + 1];
      const o = quads[w + 2];
      const g = quads[w + 3];
      if (result[i] === 1 && this.removed.size > 0 && this.removed.has(s, p, o, g)) result[i] = 0;
      else if (result[i] === 0 && this.added.has(s, p, o, g)) result[i] = 1;
    }
    return result;
  }

  /** Adds packed s,p,o,g quads; returns how many were not present before. */
  addMany(quads: Uint32Array): number {
    const before = this.size;
    // Quads of the base that this transaction removed come back by leaving `removed`.
    if (this.removed.size > 0) this.removed.deleteMany(quads);
    this.added.addMany(this.select(quads, this.base.hasMany(quads), 0));
    return this.size - before;
  }

  /** Deletes packed s,p,o,g quads; returns how many were present before. */
  deleteMany(quads: Uint32Array): number {
    const before = this.size;
    if (this.added.size > 0) this.added.deleteMany(quads);
    this.removed.addMany(this.select(quads, this.base.hasMany(quads), 1));
    return before - this.size;
  }

  /** Returns the quads this transaction adds to the base, packed. */
  additions(): Uint32Array {
    return collect(this.added.match(ANY, ANY, ANY, ANY));
  }

  /** Returns the quads this transaction deletes from the base, packed. */
  deletions(): Uint32Array {
    return collect(this.removed.match(ANY, ANY, ANY, ANY));
  }

  /** Returns the quads whose flag equals `flag`, packed. */
  private select(quads: Uint32Array, flags: Uint8Array, flag: number): Uint32Array {
    const out = new QuadBuffer();
    for (let i = 0, w = 0; i < flags.length; i++, w += 4) {
      if (flags[i] === flag) out.push(quads[w], quads[w + 1], quads[w + 2], quads[w + 3]);
    }
    return out.view();
  }
}

/** Packs every quad a cursor returns. */
export function collect(cursor: QuadCursor): Uint32Array {
  const out = new QuadBuffer();
  while (cursor.next()) out.push(cursor.s, cursor.p, cursor.o, cursor.g);
  return out.view();
}

/** The quads of `inner` that `excluded` does not contain. */
class WithoutCursor implements QuadCursor {
  s = 0;
  p = 0;
  o = 0;
  g = 0;

  constructor(
    private readonly inner: QuadCursor,
    private readonly excluded: QuadSource,
  ) {}

  next(): boolean {
    const inner = this.inner;
    while (inner.next()) {
      if (this.excluded.has(inner.s, inner.p, inner.o, inner.g)) continue;
      this.s = inner.s;
      this.p = inner.p;
      this.o = inner.o;
      this.g = inner.g;
      return true;
    }
    return false;
  }
}
