/**
 * The facts a reasoning run reads: the default graph of some base stores, minus the facts a
 * deletion run took out, plus the facts the run derived so far. Runs build the next state in
 * `added` and `removed` only, so the base stores stay unchanged until a plan is committed.
 */
import { QuadStore } from '../store/quad-store.js';
import { ANY, DEFAULT_GRAPH_ID, type TermId } from '../store/types.js';

/** Receives one matching triple; returning true stops the iteration. */
export type TripleVisitor = (s: TermId, p: TermId, o: TermId) => boolean | void;

export interface FactView {
  /** Calls `visit` per triple matching the pattern (ids or ANY); returns true when it stopped. */
  match(s: number, p: number, o: number, visit: TripleVisitor): boolean;
  has(s: TermId, p: TermId, o: TermId): boolean;
  /** Returns false when no fact has predicate p (and, for rdf:type, object o unless ANY). */
  mayMatch(p: TermId, o: number): boolean;
}

const G = DEFAULT_GRAPH_ID;

/** Upper bound on memoised lookup results per view; past it the memo starts again empty. */
const MAX_MEMO_ENTRIES = 100_000;

/**
 * Terms whose lookups a view memoises: schema predicates (rdfs:subClassOf, owl:onProperty,
 * rdf:first, ...) and, for rdf:type, schema classes (owl:TransitiveProperty, ...).
 */
export interface MemoTerms {
  type: TermId;
  predicates: ReadonlySet<TermId>;
  typeObjects: ReadonlySet<TermId>;
}

/**
 * The view a run reads and extends. Lookups of schema terms (see MemoTerms) are memoised,
 * because rules repeat the same schema lookups (the domain of p, the superclasses of c) for
 * every data fact. Data lookups are not, because derivations change them all the time. Facts
 * must be added through `add`, which drops the memoised lookups the new fact could change.
 */
export class LayeredView implements FactView {
  /** Memoised results per predicate (rdf:type lookups are keyed by object instead). */
  private readonly memo = new Map<number, Map<number | string, Uint32Array>>();
  private readonly typeMemo = new Map<number, Map<number | string, Uint32Array>>();
  /** Whether any rdf:type fact has the object; a cached false is dropped when one is added. */
  private readonly typeObjectSeen = new Map<number, boolean>();
  private memoEntries = 0;
  /** Whether any fact has the predicate; a cached false is dropped when one is added. */
  private readonly predicateSeen = new Map<number, boolean>();
  /** Increases whenever `mayMatch` turns from false to true for some pattern. */
  schemaGeneration = 0;

  /**
   * @param base stores whose default graphs are the starting state. A fact in two of them (or
   *   in `added` too) is matched twice, which only repeats rule instances.
   * @param removed facts taken out of `base`, or undefined when nothing is
   * @param memoTerms terms whose lookups are memoised
   * @param added facts the run derived
   */
  constructor(
    readonly base: readonly QuadStore[],
    readonly removed: QuadStore | undefined,
    private readonly memoTerms: MemoTerms,
    readonly added: QuadStore = new QuadStore(),
  ) {}

  /** Adds a fact to `added`; the caller checked that the view does not have it. */
  add(s: TermId, p: TermId, o: TermId): void {
    this.added.add(s, p, o, G);
    if (this.predicateSeen.get(p) === false) this.schemaGeneration++;
    this.predicateSeen.set(p, true);
    if (p === this.memoTerms.type) {
      if (this.typeObjectSeen.get(o) === false) this.schemaGeneration++;
      this.typeObjectSeen.set(o, true);
      this.typeMemo.delete(o);
    } else this.memo.delete(p);
  }

  has(s: TermId, p: TermId, o: TermId): boolean {
    if (this.added.size > 0 && this.added.has(s, p, o, G)) return true;
    for (const store of this.base) {
      if (store.size > 0 && store.has(s, p, o, G)) {
        return this.removed === undefined || !this.removed.has(s, p, o, G);
      }
    }
    return false;
  }

  match(s: number, p: number, o: number, visit: TripleVisitor): boolean {
    if (p === ANY) return this.matchStores(s, p, o, visit);
    if (!this.hasPredicate(p)) return false;
    const isType = p === this.memoTerms.type;
    const memoised = isType
      ? o !== ANY && this.memoTerms.typeObjects.has(o)
      : this.memoTerms.predicates.has(p);
    if (!memoised) return this.matchStores(s, p, o, visit);
    const table = isType ? this.typeMemo : this.memo;
    const tableKey = isType ? o : p;
    let entries = table.get(tableKey);
    if (entries === undefined) {
      entries = new Map();
      table.set(tableKey, entries);
    }
    const key = memoKey(s, o);
    let results = entries.get(key);
    if (results === undefined) {
      const found: number[] = [];
      this.matchStores(s, p, o, (fs, fp, fo) => {
        found.push(fs, fp, fo);
      });
      results = Uint32Array.from(found);
      if (++this.memoEntries > MAX_MEMO_ENTRIES) this.clearMemo();
      entries.set(key, results);
    }
    for (let i = 0; i < results.length; i += 3) {
      if (visit(results[i]!, results[i + 1]!, results[i + 2]!) === true) return true;
    }
    return false;
  }

  private clearMemo(): void {
    this.memo.clear();
    this.typeMemo.clear();
    this.memoEntries = 0;
  }

  /**
   * Returns false when no fact can match a pattern with predicate `p` and object `o` (ANY, or
   * a constant), so a rule with that pattern cannot fire. True means only "maybe".
   */
  mayMatch(p: TermId, o: number): boolean {
    if (p !== this.memoTerms.type || o === ANY) return this.hasPredicate(p);
    let seen = this.typeObjectSeen.get(o);
    if (seen === undefined) {
      seen = this.added.count(ANY, p, o, G) > 0;
      for (const store of this.base) seen ||= store.count(ANY, p, o, G) > 0;
      this.typeObjectSeen.set(o, seen);
    }
    return seen;
  }

  private hasPredicate(p: TermId): boolean {
    let seen = this.predicateSeen.get(p);
    if (seen === undefined) {
      seen = this.added.count(ANY, p, ANY, G) > 0;
      for (const store of this.base) seen ||= store.count(ANY, p, ANY, G) > 0;
      this.predicateSeen.set(p, seen);
    }
    return seen;
  }

  private matchStores(s: number, p: number, o: number, visit: TripleVisitor): boolean {
    const removed = this.removed !== undefined && this.removed.size > 0 ? this.removed : undefined;
    for (const store of this.base) {
      if (store.size === 0) continue;
      const cursor = store.match(s, p, o, G);
      while (cursor.next()) {
        if (removed !== undefined && removed.has(cursor.s, cursor.p, cursor.o, G)) continue;
        if (visit(cursor.s, cursor.p, cursor.o) === true) return true;
      }
    }
    if (this.added.size > 0) {
      const cursor = this.added.match(s, p, o, G);
      while (cursor.next()) if (visit(cursor.s, cursor.p, cursor.o) === true) return true;
    }
    return false;
  }
}

/**
 * Returns a memo key for the s and o of a lookup (term ids or ANY). Numbers cover the common
 * cases without building a string: s with o unbound (s ≥ -1), and o alone (-2 - o ≤ -2).
 */
function memoKey(s: number, o: number): number | string {
  if (o === ANY) return s;
  if (s === ANY) return -2 - o;
  return `${s} ${o}`;
}

/** Returns the default-graph triples of a store as packed s,p,o,g quads. */
export function packDefaultGraph(store: QuadStore): Uint32Array {
  const packed = new Uint32Array(store.count(ANY, ANY, ANY, G) * 4);
  const cursor = store.match(ANY, ANY, ANY, G);
  let w = 0;
  while (cursor.next()) {
    packed[w++] = cursor.s;
    packed[w++] = cursor.p;
    packed[w++] = cursor.o;
    packed[w++] = G;
  }
  return packed;
}
