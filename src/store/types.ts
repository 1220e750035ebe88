/**
 * The contract between the 7T core and everything that reads it (the SPARQL evaluator,
 * serialisers, storage). Everything here works on uint32 term ids; strings appear only in
 * the dictionary.
 */

/** A term id from the dictionary. Store ids are below LOCAL_ID_BASE. */
export type TermId = number;

/** The id of the default graph; every dictionary assigns it first. */
export const DEFAULT_GRAPH_ID = 0;

/** Wildcard for an unbound position in a quad pattern. */
export const ANY = -1;

/**
 * First id a query may give to a term it computes (BIND, CONCAT, ...) and that is not in the
 * store. Keeping store ids below 2^31 lets one uint32 column hold both kinds unambiguously.
 */
export const LOCAL_ID_BASE = 0x8000_0000;

/** Maps RDF terms, by their term key (see rdf/terms.ts), to dense ids and back. */
export interface TermDictionary {
  /** Number of ids assigned, including the default graph. */
  readonly size: number;
  /** Returns the id of a term key, or undefined when the term was never interned. */
  lookup(key: string): TermId | undefined;
  /** Returns the id of a term key, assigning the next free id on first sight. */
  intern(key: string): TermId;
  /** Returns the term key of an id; throws RangeError for an id never assigned. */
  key(id: TermId): string;
}

/**
 * A cursor over the quads matching a pattern. `next()` advances and returns false at the end;
 * after a true return, s/p/o/g hold the current quad. The cursor allocates nothing per quad.
 */
export interface QuadCursor {
  s: TermId;
  p: TermId;
  o: TermId;
  g: TermId;
  next(): boolean;
}

/**
 * Read access to a set of quads. Each argument is a term id or ANY. Being a set, a source
 * matches at most one quad when no argument is ANY: the one `has` reports.
 */
export interface QuadSource {
  readonly size: number;
  has(s: TermId, p: TermId, o: TermId, g: TermId): boolean;
  /** Exact number of quads matching the pattern, in O(log n) when nothing is deleted. */
  count(s: number, p: number, o: number, g: number): number;
  match(s: number, p: number, o: number, g: number): QuadCursor;
  /**
   * Batch ASK: `quads` contains packed s,p,o,g quadruples; result[i] is 1 when quad i is present.
   */
  hasMany(quads: Uint32Array): Uint8Array;
}
