/**
 * The dataset a WITH clause gives the WHERE clause of DELETE/INSERT: the named graph of WITH
 * serves as the default graph, and the named graphs stay as they are.
 */
import { ChainedCursor } from '../../store/cursors.js';
import {
  ANY,
  DEFAULT_GRAPH_ID,
  type QuadCursor,
  type QuadSource,
  type TermId,
} from '../../store/types.js';

export class WithGraphView implements QuadSource {
  constructor(
    private readonly source: QuadSource,
    private readonly graph: TermId,
  ) {}

  get size(): number {
    return this.count(ANY, ANY, ANY, ANY);
  }

  has(s: number, p: number, o: number, g: number): boolean {
    return this.source.has(s, p, o, g === DEFAULT_GRAPH_ID ? this.graph : g);
  }

  count(s: number, p: number, o: number, g: number): number {
    if (g === DEFAULT_GRAPH_ID) return this.source.count(s, p, o, this.graph);
    if (g !== ANY) return this.source.count(s, p, o, g);
    return (
      this.source.count(s, p, o, this.graph) +
      this.source.count(s, p, o, ANY) -
      this.source.count(s, p, o, DEFAULT_GRAPH_ID)
    );
  }

  match(s: number, p: number, o: number, g: number): QuadCursor {
    if (g === DEFAULT_GRAPH_ID)
      return new RenamedGraphCursor(this.source.match(s, p, o, this.graph));
    if (g !== ANY) return this.source.match(s, p, o, g);
    return new ChainedCursor([
      new RenamedGraphCursor(this.source.match(s, p, o, this.graph)),
      new NamedOnlyCursor(this.source.match(s, p, o, ANY)),
    ]);
  }

  hasMany(quads: Uint32Array): Uint8Array {
    const copy = quads.slice();
    for (let w = 3; w < copy.length; w += 4) if (copy[w] === DEFAULT_GRAPH_ID) copy[w] = this.graph;
    return this.source.hasMany(copy);
  }
}

/** Reports the quads of one graph as quads of the default graph. */
class RenamedGraphCursor implements QuadCursor {
  s = 0;
  p = 0;
  o = 0;
  g = DEFAULT_GRAPH_ID;

  constructor(private readonly inner: QuadCursor) {}

  next(): boolean {
    if (!this.inner.next()) return false;
    this.s = this.inner.s;
    this.p = this.inner.p;
    this.o = this.inner.o;
    return true;
  }
}

/** Skips the quads of the default graph. */
class NamedOnlyCursor implements QuadCursor {
  s = 0;
  p = 0;
  o = 0;
  g = 0;

  constructor(private readonly inner: QuadCursor) {}

  next(): boolean {
    const inner = this.inner;
    while (inner.next()) {
      if (inner.g === DEFAULT_GRAPH_ID) continue;
      this.s = inner.s;
      this.p = inner.p;
      this.o = inner.o;
      this.g = inner.g;
      return true;
    }
    return false;
  }
}
