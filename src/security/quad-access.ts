/**
 * The authorisation check at the quad-access layer: a view of a dataset's quads that contains
 * only the graphs a principal may read. Query evaluation reads quads only through this view,
 * so a query cannot see, count or probe a graph it has no grant for, whatever its shape.
 */
import { ChainedCursor, EMPTY_CURSOR, hasEach } from '../store/cursors.js';
import { AccessDeniedError } from '../errors.js';
import {
  ANY,
  DEFAULT_GRAPH_ID,
  type QuadCursor,
  type QuadSource,
  type TermDictionary,
} from '../store/types.js';
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

/** The writes of a transaction, as the update executor and the graph store call them. */
export interface QuadWriter {
  insert(quads: Uint32Array): number;
  delete(quads: Uint32Array): number;
}

/**
 * Returns a writer that refuses, with AccessDeniedError, a batch that touches a graph the
 * principal may not write (inserts) or delete from (deletes). The refusal comes before any
 * quad of the batch is applied, and the caller's transaction then fails whole.
 */
export function guardedWriter(
  writer: QuadWriter,
  dictionary: TermDictionary,
  access: { write: GraphAccess; delete: GraphAccess },
  dataset: string,
): QuadWriter {
  const check = (quads: Uint32Array, graphs: GraphAccess, action: string): void => {
    if (graphs.allGraphs) return;
    const allowed = new Set<number>();
    for (const iri of graphs.graphs) {
      const id = dictionary.lookup(iri);
      if (id !== undefined) allowed.add(id);
    }
    for (let w = 3; w < quads.length; w += 4) {
      const graph = quads[w]!;
      if (allowed.has(graph)) continue;
      const name =
        graph === DEFAULT_GRAPH_ID ? 'the default graph' : `graph <${dictionary.key(graph)}>`;
      throw new AccessDeniedError(`No permission to ${action} ${name} of dataset ${dataset}`);
    }
  };
  return {
    insert(quads) {
      check(quads, access.write, 'write to');
      return writer.insert(quads);
    },
    delete(quads) {
      check(quads, access.delete, 'delete from');
      return writer.delete(quads);
    },
  };
}
