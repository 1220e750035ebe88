/**
 * Id-level reads of the data graph during one validation: objects, subjects and SHACL class
 * membership. With the union of all graphs (graph ANY) a triple in several graphs would be
 * seen once per graph, so results are deduplicated in that mode. A reader caches subclass
 * sets and class membership, so it must not outlive a change to the data.
 */
import { ANY, DEFAULT_GRAPH_ID, type QuadSource, type TermId } from '../store/types.js';
import type { TermTable } from './term-table.js';
import { RDF_TYPE, RDFS_SUBCLASS_OF } from './vocabulary.js';

/**
 * Triples per predicate above which reading a node's triples for a set of predicates uses one
 * index lookup per predicate instead of one scan of all the node's triples.
 */
const SCAN_LIMIT_PER_PREDICATE = 16;

export class DataReader {
  readonly terms: TermTable;
  readonly quads: QuadSource;
  /** Graph being validated: a graph id, or ANY for the union of all graphs. */
  readonly graph: TermId;
  /**
   * Graph that reads pass to the store. For the union of graphs over a store whose quads are
   * all in the default graph, reading the default graph gives the same triples without the
   * duplicates check.
   */
  private readonly readGraph: TermId;
  /** True when reads may return a triple once per graph, so results need deduplicating. */
  private readonly mayRepeat: boolean;
  readonly rdfType: TermId;
  readonly subClassOf: TermId;
  /** Class id → the ids of the class and all its subclasses (rdfs:subClassOf*, in the data). */
  private readonly subclassSets = new Map<TermId, Set<TermId>>();
  /** Class id → node → whether the node is an instance, cached for the reader's lifetime. */
  private readonly instanceChecks = new Map<TermId, Map<TermId, boolean>>();

  constructor(terms: TermTable, quads: QuadSource, graph: TermId = ANY) {
    this.terms = terms;
    this.quads = quads;
    this.graph = graph;
    const onlyDefaultGraph =
      graph === ANY && quads.count(ANY, ANY, ANY, DEFAULT_GRAPH_ID) === quads.size;
    this.readGraph = onlyDefaultGraph ? DEFAULT_GRAPH_ID : graph;
    this.mayRepeat = this.readGraph === ANY;
    this.rdfType = this.idOf(RDF_TYPE);
    this.subClassOf = this.idOf(RDFS_SUBCLASS_OF);
  }

  /** Returns the id of a term key. Terms the data lacks get local ids that match nothing. */
  idOf(key: string): TermId {
    return this.terms.id(key);
  }

  /** Returns the distinct objects of (subject, predicate, *). */
  objects(subject: TermId, predicate: TermId): TermId[] {
    if (subject < 0 || predicate < 0) return [];
    const cursor = this.quads.match(subject, predicate, ANY, this.readGraph);
    const values: TermId[] = [];
    while (cursor.next()) values.push(cursor.o);
    return this.mayRepeat ? distinct(values) : values;
  }

  /** Returns the distinct subjects of (*, predicate, object). */
  subjects(predicate: TermId, object: TermId): TermId[] {
    if (object < 0 || predicate < 0) return [];
    const cursor = this.quads.match(ANY, predicate, object, this.readGraph);
    const values: TermId[] = [];
    while (cursor.next()) values.push(cursor.s);
    return this.mayRepeat ? distinct(values) : values;
  }

  /** Returns true when (subject, predicate, object) is in the data graph. */
  has(subject: TermId, predicate: TermId, object: TermId): boolean {
    if (subject < 0 || predicate < 0 || object < 0) return false;
    return this.quads.count(subject, predicate, object, this.readGraph) > 0;
  }

  /** Returns true when some triple (subject, predicate, *) exists. */
  hasOut(subject: TermId, predicate: TermId): boolean {
    if (subject < 0 || predicate < 0) return false;
    return this.quads.count(subject, predicate, ANY, this.readGraph) > 0;
  }

  /** Returns true when some triple (*, predicate, object) exists. */
  hasIn(predicate: TermId, object: TermId): boolean {
    if (object < 0 || predicate < 0) return false;
    return this.quads.count(ANY, predicate, object, this.readGraph) > 0;
  }

  /** Returns the class and its subclasses by rdfs:subClassOf*, computed once per reader. */
  subclassesOf(classId: TermId): Set<TermId> {
    let set = this.subclassSets.get(classId);
    if (set !== undefined) return set;
    set = new Set<TermId>();
    if (classId >= 0) {
      set.add(classId);
      const pending = [classId];
      // Each class enters `pending` once, so the walk ends even on subclass cycles.
      while (pending.length > 0) {
        const current = pending.pop()!;
        for (const sub of this.subjects(this.subClassOf, current)) {
          if (!set.has(sub)) {
            set.add(sub);
            pending.push(sub);
          }
        }
      }
    }
    this.subclassSets.set(classId, set);
    return set;
  }

  /**
   * Returns the distinct subjects of triples (*, p, object) with p in `predicates`. One scan of
   * the object's incoming triples serves all predicates unless the object has many of them.
   */
  subjectsByAny(predicates: ReadonlySet<TermId>, object: TermId): TermId[] {
    if (object < 0 || predicates.size === 0) return [];
    const incoming = this.quads.count(ANY, ANY, object, this.readGraph);
    if (incoming === 0) return [];
    if (incoming > SCAN_LIMIT_PER_PREDICATE * predicates.size) {
      const all: TermId[] = [];
      for (const predicate of predicates)
        for (const s of this.subjects(predicate, object)) all.push(s);
      return distinct(all);
    }
    const subjects: TermId[] = [];
    const cursor = this.quads.match(ANY, ANY, object, this.readGraph);
    while (cursor.next()) if (predicates.has(cursor.p)) subjects.push(cursor.s);
    return distinct(subjects);
  }

  /** Returns the distinct objects of triples (subject, p, *) with p in `predicates`. */
  objectsByAny(subject: TermId, predicates: ReadonlySet<TermId>): TermId[] {
    if (subject < 0 || predicates.size === 0) return [];
    const outgoing = this.quads.count(subject, ANY, ANY, this.readGraph);
    if (outgoing === 0) return [];
    if (outgoing > SCAN_LIMIT_PER_PREDICATE * predicates.size) {
      const all: TermId[] = [];
      for (const predicate of predicates)
        for (const o of this.objects(subject, predicate)) all.push(o);
      return distinct(all);
    }
    const objects: TermId[] = [];
    const cursor = this.quads.match(subject, ANY, ANY, this.readGraph);
    while (cursor.next()) if (predicates.has(cursor.p)) objects.push(cursor.o);
    return distinct(objects);
  }

  /** Returns the distinct rdf:type values of a node. */
  typesOf(node: TermId): TermId[] {
    return this.objects(node, this.rdfType);
  }

  /** Returns the distinct (predicate, object) pairs of the triples whose subject is `subject`. */
  outgoing(subject: TermId): [TermId, TermId][] {
    if (subject < 0) return [];
    const pairs: [TermId, TermId][] = [];
    const seen = this.mayRepeat ? new Set<string>() : undefined;
    const cursor = this.quads.match(subject, ANY, ANY, this.readGraph);
    while (cursor.next()) {
      if (seen !== undefined) {
        const key = `${cursor.p} ${cursor.o}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      pairs.push([cursor.p, cursor.o]);
    }
    return pairs;
  }

  /** Returns true when `node` is a SHACL instance of the class: rdf:type/rdfs:subClassOf*. */
  isInstanceOf(node: TermId, classId: TermId): boolean {
    if (node < 0 || this.rdfType < 0) return false;
    let known = this.instanceChecks.get(classId);
    if (known === undefined) {
      known = new Map();
      this.instanceChecks.set(classId, known);
    }
    let instance = known.get(node);
    if (instance === undefined) {
      instance = this.hasInstanceType(this.typesOf(node), classId);
      known.set(node, instance);
    }
    return instance;
  }

  /** Returns true when one of `types` (a node's rdf:type values) is the class or a subclass. */
  hasInstanceType(types: readonly TermId[], classId: TermId): boolean {
    if (types.length === 0) return false;
    const classes = this.subclassesOf(classId);
    for (const type of types) if (classes.has(type)) return true;
    return false;
  }

  /** Returns every SHACL instance of the class. */
  instancesOf(classId: TermId): TermId[] {
    const instances: TermId[] = [];
    for (const c of this.subclassesOf(classId)) {
      const cursor = this.quads.match(ANY, this.rdfType, c, this.readGraph);
      while (cursor.next()) instances.push(cursor.s);
    }
    return distinct(instances);
  }
}

/** Removes repeated ids, keeping the first occurrence of each. */
export function distinct(values: TermId[]): TermId[] {
  if (values.length < 2) return values;
  if (values.length === 2) return values[0] === values[1] ? [values[0]!] : values;
  return [...new Set(values)];
}
