/**
 * The RDF dataset of a query (SPARQL 1.1 section 13): FROM and FROM NAMED in the query, or
 * the protocol's default-graph-uri and named-graph-uri, which take precedence over them.
 * The dataset is a QuadSource view of the store, so BGPs, paths and DESCRIBE all read the
 * same graphs.
 */
import {
  ANY,
  DEFAULT_GRAPH_ID,
  type QuadCursor,
  type QuadSource,
  type TermDictionary,
  type TermId,
} from '../store/types.js';
import { ChainedCursor, EMPTY_CURSOR, hasEach } from '../store/cursors.js';

/** Graph IRIs of a query's dataset. */
export interface DatasetGraphs {
  /** Graphs whose RDF merge is the default graph. */
  readonly defaultGraphs: readonly string[];
  /** The named graphs that GRAPH ranges over. */
  readonly namedGraphs: readonly string[];
}

/**
 * Returns the dataset a query runs on, or undefined for the store's own dataset. Protocol
 * graphs replace both FROM and FROM NAMED, as the SPARQL 1.1 Protocol requires. A query with
 * only FROM NAMED gets an empty default graph, and one with only FROM gets no named graphs.
 */
export function datasetGraphsOf(
  query: { readonly defaultGraphs?: readonly string[]; readonly namedGraphs?: readonly string[] },
  options: { readonly defaultGraphs?: string[]; readonly namedGraphs?: string[] },
): DatasetGraphs | undefined {
  if (options.defaultGraphs !== undefined || options.namedGraphs !== undefined) {
    return {
      defaultGraphs: options.defaultGraphs ?? [],
      namedGraphs: options.namedGraphs ?? [],
    };
  }
  if (query.defaultGraphs !== undefined || query.namedGraphs !== undefined) {
    return { defaultGraphs: query.defaultGraphs ?? [], namedGraphs: query.namedGraphs ?? [] };
  }
  return undefined;
}

/**
 * A QuadSource over a dataset built from a store's graphs. Graph DEFAULT_GRAPH_ID is the
 * merge of the default graphs: a triple in several of them is reported once. Other graph
 * ids are visible only when they are named graphs of the dataset. Graph IRIs the
 * dictionary does not know are empty graphs.
 */
export class DatasetView implements QuadSource {
  private readonly defaultIds: readonly TermId[];
  private readonly namedIds: ReadonlySet<TermId>;

  constructor(
    private readonly source: QuadSource,
    dictionary: TermDictionary,
    graphs: DatasetGraphs,
  ) {
    const idsOf = (iris: readonly string[]): TermId[] => {
      const ids: TermId[] = [];
      for (const iri of iris) {
        const id = dictionary.lookup(iri);
        if (id !== undefined && id !== DEFAULT_GRAPH_ID && !ids.includes(id)) ids.push(id);
      }
      return ids;
    };
    this.defaultIds = idsOf(graphs.defaultGraphs);
    this.namedIds = new Set(idsOf(graphs.namedGraphs));
  }

  get size(): number {
    return this.count(ANY, ANY, ANY, ANY);
  }

  has(s: TermId, p: TermId, o: TermId, g: TermId): boolean {
    if (g === DEFAULT_GRAPH_ID) return this.defaultIds.some((id) => this.source.has(s, p, o, id));
    return this.namedIds.has(g) && this.source.has(s, p, o, g);
  }

  /**
   * Counts matching quads.
   * NOTE: for a default graph merged from several graphs this is an upper bound, because a
   * triple in two of them counts twice. The BGP and path planners use it only as an estimate,
   * and the empty-graph checks only compare it with zero.
   */
  count(s: number, p: number, o: number, g: number): number {
    let total = 0;
    if (g === ANY || g === DEFAULT_GRAPH_ID) {
      for (const id of this.defaultIds) total += this.source.count(s, p, o, id);
    }
    if (g === ANY) {
      for (const id of this.namedIds) total += this.source.count(s, p, o, id);
    } else if (g !== DEFAULT_GRAPH_ID && this.namedIds.has(g)) {
      total += this.source.count(s, p, o, g);
    }
    return total;
  }

  match(s: number, p: number, o: number, g: number): QuadCursor {
    if (g === DEFAULT_GRAPH_ID) return this.mergedDefault(s, p, o);
    if (g !== ANY) return this.namedIds.has(g) ? this.source.match(s, p, o, g) : EMPTY_CURSOR;
    const cursors = [this.mergedDefault(s, p, o)];
    for (const id of this.namedIds) cursors.push(this.source.match(s, p, o, id));
    return new ChainedCursor(cursors);
  }

  hasMany(quads: Uint32Array): Uint8Array {
    return hasEach((s, p, o, g) => this.has(s, p, o, g), quads);
  }

  /**
   * Matches in the merged default graph: each default graph in turn, skipping a triple that
   * an earlier default graph contains, and reporting every quad in DEFAULT_GRAPH_ID.
   */
  private mergedDefault(s: number, p: number, o: number): QuadCursor {
    const ids = this.defaultIds;
    const source = this.source;
    let index = -1;
    let inner: QuadCursor = EMPTY_CURSOR;
    const cursor: QuadCursor = {
      s: 0,
      p: 0,
      o: 0,
      g: DEFAULT_GRAPH_ID,
      next(): boolean {
        for (;;) {
          while (!inner.next()) {
            if (++index >= ids.length) return false;
            inner = source.match(s, p, o, ids[index]!);
          }
          let seenEarlier = false;
          for (let j = 0; j < index && !seenEarlier; j++)
            seenEarlier = source.has(inner.s, inner.p, inner.o, ids[j]!);
          if (seenEarlier) continue;
          cursor.s = inner.s;
          cursor.p = inner.p;
          cursor.o = inner.o;
          return true;
        }
      },
    };
    return cursor;
  }
}
