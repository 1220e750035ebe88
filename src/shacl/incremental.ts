/**
 * Focus nodes a write can affect, for validating a transaction on its delta only.
 *
 * A validation reads a triple (s, p, o) at one of its ends. It reads it at s when a path
 * follows p forward, when p is rdf:type (sh:class, class targets), when sh:equals or a related
 * parameter names p, or when a closed shape validates s. It reads it at o when an inverse path
 * follows p or a sh:targetObjectsOf names p. A focus node is affected when such a read node is reachable from it over
 * the path predicates, in at most as many steps as the longest chain of nested paths. The walk
 * goes backwards from the read nodes over the current data. A deleted triple on the way is
 * itself a changed triple, so its read node starts a walk too.
 * rdfs:subClassOf changes can alter the instances of any class, so they make everything
 * affected.
 *
 * Use on write, after applying the delta: when the result has `all`, replace the stored
 * results with a full `validate`. Otherwise drop the stored results whose targetNode is in
 * `nodes` and add the results of validateFocusNodes over `nodes`.
 */
import { ANY, type TermId } from '../store/types.js';
import { DataReader } from './data-reader.js';
import type { ShapeDefinition } from './model.js';
import { pathLength, pathPredicates } from './paths.js';
import type { ShapesProgram } from './program.js';
import { isTargetNode } from './targets.js';
import type { DataGraph } from './validator.js';
import { RDF_TYPE, RDFS_SUBCLASS_OF } from './vocabulary.js';

/** Quads added and deleted by a write, packed s,p,o,g. */
export interface QuadDelta {
  readonly adds: Uint32Array;
  readonly deletes: Uint32Array;
}

export interface AffectedFocusNodes {
  /** True when every focus node may be affected, so everything needs `validate`. */
  readonly all: boolean;
  /**
   * Nodes to revalidate with validateFocusNodes when `all` is false, ascending. It includes
   * nodes that stopped being focus nodes, so their earlier results can be dropped.
   */
  readonly nodes: Uint32Array;
}

export interface AffectedOptions {
  /** Maximum nodes the walk may visit before it returns `all` instead (default 100,000). */
  maxNodes?: number;
}

/** Predicate IRIs the shapes read, by how they read them, computed once per program. */
interface ReadAnalysis {
  readonly forward: readonly string[];
  readonly inverse: readonly string[];
  /** Predicates read at the subject only: rdf:type and the compared predicates. */
  readonly atSubject: readonly string[];
  readonly subjectTargets: readonly string[];
  readonly objectTargets: readonly string[];
  readonly anyClosed: boolean;
  /** Maximum number of path steps between a focus node and a read node, or Infinity. */
  readonly maxSteps: number;
}

const DEFAULT_MAX_NODES = 100_000;
/** Words per packed quad: s, p, o, g. */
const RECORD_WORDS = 4;
const analyses = new WeakMap<ShapesProgram, ReadAnalysis>();

/**
 * Returns the focus nodes whose validation results may differ after `delta` was applied to
 * `data`. Call it on the data after the write. Over-approximates: nodes in the result may
 * turn out unchanged.
 */
export function affectedFocusNodes(
  program: ShapesProgram,
  data: DataGraph,
  delta: QuadDelta,
  options: AffectedOptions = {},
): AffectedFocusNodes {
  const analysis = analyse(program);
  const bound = program.bind(data.dictionary);
  const reader = new DataReader(bound.terms, data.quads, data.graph ?? ANY);
  const ids = (keys: readonly string[]): Set<TermId> =>
    new Set(keys.map((key) => bound.terms.id(key)));
  const forward = ids(analysis.forward);
  const inverse = ids(analysis.inverse);
  const atSubject = ids(analysis.atSubject);
  const subjectTargets = ids(analysis.subjectTargets);
  const objectTargets = ids(analysis.objectTargets);
  const subClassOf = bound.terms.id(RDFS_SUBCLASS_OF);

  /** Nodes whose target status may have changed, returned even when they are no longer targets. */
  const targetChanges = new Set<TermId>();
  const readNodes = new Set<TermId>();
  for (const quads of [delta.adds, delta.deletes]) {
    for (let w = 0; w < quads.length; w += RECORD_WORDS) {
      const [s, p, o, g] = [quads[w]!, quads[w + 1]!, quads[w + 2]!, quads[w + 3]!];
      if (reader.graph !== ANY && g !== reader.graph) continue;
      if (p === subClassOf) return { all: true, nodes: new Uint32Array(0) };
      if (subjectTargets.has(p)) targetChanges.add(s);
      if (objectTargets.has(p)) targetChanges.add(o);
      if (analysis.anyClosed || forward.has(p) || atSubject.has(p)) readNodes.add(s);
      if (inverse.has(p)) readNodes.add(o);
    }
  }

  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  const reached = new Set<TermId>([...readNodes, ...targetChanges]);
  let frontier = [...reached];
  for (let step = 0; step < analysis.maxSteps && frontier.length > 0; step++) {
    const next: TermId[] = [];
    const visit = (node: TermId): void => {
      if (reached.has(node)) return;
      reached.add(node);
      next.push(node);
    };
    for (const node of frontier) {
      for (const s of reader.subjectsByAny(forward, node)) visit(s);
      for (const o of reader.objectsByAny(node, inverse)) visit(o);
      if (reached.size > maxNodes) return { all: true, nodes: new Uint32Array(0) };
    }
    frontier = next;
  }
  if (reached.size > maxNodes) return { all: true, nodes: new Uint32Array(0) };

  const targeted = bound.shapes.filter((shape) => shape.targeted && !shape.definition.deactivated);
  const nodes: TermId[] = [];
  for (const node of reached) {
    if (targetChanges.has(node)) {
      nodes.push(node);
      continue;
    }
    const types = reader.typesOf(node);
    if (targeted.some((shape) => isTargetNode(reader, shape.targets, node, types))) {
      nodes.push(node);
    }
  }
  return { all: false, nodes: Uint32Array.from(nodes).sort() };
}

function analyse(program: ShapesProgram): ReadAnalysis {
  let analysis = analyses.get(program);
  if (analysis !== undefined) return analysis;
  const forward = new Set<string>();
  const inverse = new Set<string>();
  const atSubject = new Set<string>([RDF_TYPE]);
  const subjectTargets = new Set<string>();
  const objectTargets = new Set<string>();
  let anyClosed = false;
  for (const shape of program.shapes) {
    if (shape.path !== undefined) pathPredicates(shape.path, forward, inverse);
    for (const predicate of shape.comparedPredicates) atSubject.add(predicate);
    for (const predicate of shape.targets.subjectsOf) subjectTargets.add(predicate);
    for (const predicate of shape.targets.objectsOf) objectTargets.add(predicate);
    // rdf:type triples change class targets at their subject.
    if (shape.targets.classes.length > 0) subjectTargets.add(RDF_TYPE);
    if (shape.closed) anyClosed = true;
  }
  analysis = {
    forward: [...forward],
    inverse: [...inverse],
    atSubject: [...atSubject],
    subjectTargets: [...subjectTargets],
    objectTargets: [...objectTargets],
    anyClosed,
    maxSteps: maxSteps(program.shapes),
  };
  analyses.set(program, analysis);
  return analysis;
}

/** Returns the longest chain of path steps through nested shapes, Infinity for cycles or `*` paths. */
function maxSteps(shapes: readonly ShapeDefinition[]): number {
  const memo = new Map<number, number>();
  const visiting = new Set<number>();
  const stepsOf = (index: number): number => {
    const known = memo.get(index);
    if (known !== undefined) return known;
    if (visiting.has(index)) return Infinity;
    visiting.add(index);
    const shape = shapes[index]!;
    const own = shape.path === undefined ? 0 : pathLength(shape.path);
    let nested = 0;
    for (const reference of shape.references) nested = Math.max(nested, stepsOf(reference));
    visiting.delete(index);
    const total = own + nested;
    memo.set(index, total);
    return total;
  };
  let result = 0;
  for (const shape of shapes) result = Math.max(result, stepsOf(shape.index));
  return result;
}
