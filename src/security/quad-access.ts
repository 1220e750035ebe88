/**
 * The authorisation check at the quad-access layer: a view of a dataset's quads that contains
 * only the graphs a principal may read. Query evaluation reads quads only through this view,
 * so a query cannot see, count or probe a graph it has no grant for, whatever its shape.
 */
import { ANY, type QuadCursor, type QuadSource, type TermDictionary } from '../store/types.js';
import type { GraphAccess } from './access.js';

const EMPTY_CURSOR: QuadCursor = { s: 0, p: 0, o: 0, g: 0, next: () => false };

/**
 * Returns `quads` itself when the principal may read the whole dataset, otherwise a view of
 * the named graphs in `access.graphs` (the default graph belongs to the whole dataset, so it is
 * hidden from graph-only grants).
 */
export function readableQuads(
  quads: QuadSource,
  dictionary: TermDictionary,
  access: GraphAccess,
): QuadSource {
  if (access.allGraphs) return quads;
  const allowed: number[] = [];
  for (const iri of access.graphs) {
    const id = dictionary.lookup(iri);
    if (id !== undefined) allowed.push(id);
  }
  return new GraphFilteredSource(quads, allowed);
}

/** A QuadSource restricted to a fixed list of graph ids. */
class GraphFilteredSource implements QuadSource {
  private readonly allowed: ReadonlySet<number>;

  constructor(
    private readonly quads: QuadSource,
    private readonly graphIds: readonly number[],
  ) {
    this.allowed = new Set(graphIds);
  }

  get size(): number {
    return this.count(ANY, ANY, ANY, ANY);
  }

  has(s: number, p: number, o: number, g: number): boolean {
    return this.allowed.has(g) && this.quads.has(s, p, o, g);
  }

  count(s: number, p: number, o: number, g: number): number {
    if (g !== ANY) return this.allowed.has(g) ? this.quads.count(s, p, o, g) : 0;
    let total = 0;
    for (const graph of this.graphIds) total += this.quads.count(s, p, o, graph);
    return total;
  }

  match(s: number, p: number, o: number, g: number): QuadCursor {
    if (g !== ANY) return this.allowed.has(g) ? this.quads.match(s, p, o, g) : EMPTY_CURSOR;
    // All cursors open now, so the chain reads one snapshot even if the store changes later.
    return new ChainedCursor(this.graphIds.map((graph) => this.quads.match(s, p, o, graph)));
  }

  hasMany(quads: Uint32Array): Uint8Array {
    const result = new Uint8Array(quads.length >>> 2);
    for (let i = 0; i < result.length; i++) {
      const base = i * 4;
      result[i] = this.has(quads[base], quads[base + 1], quads[base + 2], quads[base + 3]) ? 1 : 0;
    }
    return result;
  }
}

/** Runs cursors one after another. */
class ChainedCursor implements QuadCursor {
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
      this.current = this.cursors[this.index++];
    }
  }
}
