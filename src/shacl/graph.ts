/**
 * Read access to an RDF graph held as term ids: the data graph being validated and the shapes
 * graph being compiled both use it. Reads cover one named graph, or the union of all graphs
 * when `graph` is ANY, in which case a triple stored in several graphs counts once.
 */
import type * as RDF from '@rdfjs/types';
import { InvalidArgumentError } from '../errors.js';
import { termKey } from '../rdf/terms.js';
import { MemoryDictionary } from '../store/dictionary.js';
import { QuadStore } from '../store/quad-store.js';
import { ANY, type QuadSource, type TermDictionary, type TermId } from '../store/types.js';
import { RDF_FIRST, RDF_NIL, RDF_REST } from './vocabulary.js';

/** A data or shapes graph: a dictionary, its quads and the graph to read (default: all graphs). */
export interface GraphSource {
  readonly dictionary: TermDictionary;
  readonly quads: QuadSource;
  /** Graph id to read, or ANY (the default) for the union of all graphs. */
  readonly graph?: TermId;
}

/** Id that stands for a term missing from the shapes dictionary. */
const MISSING_ID = -2;

/** Maximum length of an RDF list in a shapes graph, against cyclic or runaway lists. */
const MAX_LIST_LENGTH = 100_000;

/** Builds an in-memory GraphSource from RDF/JS quads, as tests and the CLI need for a file. */
export function graphFromQuads(quads: Iterable<RDF.Quad>): GraphSource {
  const dictionary = new MemoryDictionary();
  const store = new QuadStore();
  const packed: number[] = [];
  for (const quad of quads) {
    packed.push(
      dictionary.intern(termKey(quad.subject)),
      dictionary.intern(termKey(quad.predicate)),
      dictionary.intern(termKey(quad.object)),
      dictionary.intern(termKey(quad.graph)),
    );
  }
  store.addMany(Uint32Array.from(packed));
  return { dictionary, quads: store };
}

/** Key-based reads over a GraphSource, for compiling shapes (not for the hot validation path). */
export class KeyedGraph {
  private readonly dictionary: TermDictionary;
  private readonly quads: QuadSource;
  private readonly graph: TermId;

  constructor(source: GraphSource) {
    this.dictionary = source.dictionary;
    this.quads = source.quads;
    this.graph = source.graph ?? ANY;
  }

  private id(key: string): TermId {
    return this.dictionary.lookup(key) ?? MISSING_ID;
  }

  /** Returns the distinct object keys of (subject, predicate, *). */
  objects(subject: string, predicate: string): string[] {
    const s = this.id(subject);
    const p = this.id(predicate);
    if (s === MISSING_ID || p === MISSING_ID) return [];
    return this.collect(this.quads.match(s, p, ANY, this.graph), 'o');
  }

  /** Returns the distinct subject keys of (*, predicate, object). */
  subjects(predicate: string, object: string): string[] {
    const p = this.id(predicate);
    const o = this.id(object);
    if (p === MISSING_ID || o === MISSING_ID) return [];
    return this.collect(this.quads.match(ANY, p, o, this.graph), 's');
  }

  /** Returns the distinct subject and object keys of (*, predicate, *). */
  subjectsAndObjects(predicate: string): { subjects: string[]; objects: string[] } {
    const p = this.id(predicate);
    if (p === MISSING_ID) return { subjects: [], objects: [] };
    const subjects = new Set<TermId>();
    const objects = new Set<TermId>();
    const cursor = this.quads.match(ANY, p, ANY, this.graph);
    while (cursor.next()) {
      subjects.add(cursor.s);
      objects.add(cursor.o);
    }
    return {
      subjects: [...subjects].map((id) => this.dictionary.key(id)),
      objects: [...objects].map((id) => this.dictionary.key(id)),
    };
  }

  /** Returns the only object of (subject, predicate, *), or undefined. Throws when there are several. */
  object(subject: string, predicate: string): string | undefined {
    const values = this.objects(subject, predicate);
    if (values.length > 1) {
      throw new InvalidArgumentError(
        `Invalid shapes graph: ${subject} has ${values.length} values for ${predicate}, expected at most one`,
      );
    }
    return values[0];
  }

  /** Reads the members of an RDF list. Throws InvalidArgumentError for a malformed list. */
  list(head: string): string[] {
    const members: string[] = [];
    const seen = new Set<string>();
    let node = head;
    while (node !== RDF_NIL) {
      if (seen.has(node) || members.length >= MAX_LIST_LENGTH) {
        throw new InvalidArgumentError(
          `Invalid shapes graph: the RDF list at ${head} is cyclic or too long`,
        );
      }
      seen.add(node);
      const first = this.objects(node, RDF_FIRST);
      const rest = this.objects(node, RDF_REST);
      if (first.length !== 1 || rest.length !== 1) {
        throw new InvalidArgumentError(
          `Invalid shapes graph: ${node} in the RDF list at ${head} needs exactly one rdf:first and one rdf:rest`,
        );
      }
      members.push(first[0]!);
      node = rest[0]!;
    }
    return members;
  }

  private collect(
    cursor: { next(): boolean; s: TermId; o: TermId },
    position: 's' | 'o',
  ): string[] {
    const ids = new Set<TermId>();
    while (cursor.next()) ids.add(position === 's' ? cursor.s : cursor.o);
    return [...ids].map((id) => this.dictionary.key(id));
  }
}
