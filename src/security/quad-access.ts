/**
 * The authorisation check at the quad-access layer: a view of a dataset's quads that contains
 * only the graphs a principal may read. Query evaluation reads quads only through this view,
 * so a query cannot see, count or probe a graph it has no grant for, whatever its shape.
 */
import { ChainedCursor, EMPTY_CURSOR, hasEach } from '../store/cursors.js';
import { ANY, type QuadCursor, type QuadSource, type TermDictionary } from '../store/types.js';
import type { GraphAccess } from './access.js';

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
    return hasEach((s, p, o, g) => this.has(s, p, o, g), quads);
  }
}
