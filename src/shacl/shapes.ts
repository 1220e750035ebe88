/**
 * The shapes compiler: finds every shape of a shapes graph (SHACL 2.1), reads its targets,
 * path, severity and messages, and compiles its parameters into constraint specs.
 */
import { InvalidArgumentError } from '../errors.js';
import { keyKind, TermKind } from '../rdf/terms.js';
import { compileCardinality } from './components/cardinality.js';
import { compileLogical } from './components/logical.js';
import { compileOther } from './components/other.js';
import { compilePropertyPair } from './components/property-pair.js';
import { compileShapeBased } from './components/shape-based.js';
import { compileStringBased } from './components/string-based.js';
import { compileValueRange } from './components/value-range.js';
import { compileValueType } from './components/value-type.js';
import { type GraphSource, KeyedGraph } from './graph.js';
import { isTrueParameter } from './literals.js';
import type { CompileContext, ComponentCompiler, ShapeDefinition } from './model.js';
import { readPath } from './paths.js';
import { RDF_TYPE, RDFS_CLASS, sh, SH_VIOLATION } from './vocabulary.js';

const COMPONENT_COMPILERS: readonly ComponentCompiler[] = [
  compileValueType,
  compileCardinality,
  compileValueRange,
  compileStringBased,
  compilePropertyPair,
  compileLogical,
  compileShapeBased,
  compileOther,
];

const TARGET_PREDICATES = ['targetNode', 'targetClass', 'targetSubjectsOf', 'targetObjectsOf'];
/** Parameters that compare value nodes with another property's values at the focus node. */
const COMPARISON_PARAMETERS = ['equals', 'disjoint', 'lessThan', 'lessThanOrEquals'];
/** Parameters whose values are shapes. */
const SHAPE_PARAMETERS = ['node', 'property', 'not', 'qualifiedValueShape'];
/** Parameters whose values are RDF lists of shapes. */
const SHAPE_LIST_PARAMETERS = ['and', 'or', 'xone'];

/** Reads every shape of a shapes graph, in the order they were found. */
export function compileShapeDefinitions(source: GraphSource): ShapeDefinition[] {
  const graph = new KeyedGraph(source);
  const indexes = new Map<string, number>();
  const pending: string[] = [];
  const shapeIndex = (key: string): number => {
    let index = indexes.get(key);
    if (index === undefined) {
      const kind = keyKind(key);
      if (kind !== TermKind.NamedNode && kind !== TermKind.BlankNode) {
        throw new InvalidArgumentError(
          `Invalid shapes graph: the literal ${key} is used as a shape`,
        );
      }
      index = indexes.size;
      indexes.set(key, index);
      pending.push(key);
    }
    return index;
  };

  for (const key of findShapes(graph)) shapeIndex(key);
  const shapes: ShapeDefinition[] = [];
  // Compiling a shape can find further shapes (through shapeIndex), which join `pending`.
  for (let next = 0; next < pending.length; next++) {
    shapes.push(compileShape(graph, pending[next]!, next, shapeIndex));
  }
  return shapes;
}

/** Returns the keys of every node that SHACL 2.1 makes a shape, in a stable order. */
function findShapes(graph: KeyedGraph): string[] {
  const found = new Set<string>();
  for (const type of [sh('NodeShape'), sh('PropertyShape')]) {
    for (const key of graph.subjects(RDF_TYPE, type)) found.add(key);
  }
  for (const predicate of TARGET_PREDICATES) {
    for (const key of graph.subjectsAndObjects(sh(predicate)).subjects) found.add(key);
  }
  for (const parameter of SHAPE_PARAMETERS) {
    for (const key of graph.subjectsAndObjects(sh(parameter)).objects) found.add(key);
  }
  for (const parameter of SHAPE_LIST_PARAMETERS) {
    for (const listKey of graph.subjectsAndObjects(sh(parameter)).objects) {
      for (const key of graph.list(listKey)) found.add(key);
    }
  }
  return [...found].sort();
}

function compileShape(
  graph: KeyedGraph,
  key: string,
  index: number,
  shapeIndex: (key: string) => number,
): ShapeDefinition {
  const pathKey = graph.object(key, sh('path'));
  const path = pathKey === undefined ? undefined : readPath(graph, pathKey);
  const deactivated = graph.objects(key, sh('deactivated')).some((value) => isTrueParameter(value));
  const severity = graph.object(key, sh('severity')) ?? SH_VIOLATION;
  if (keyKind(severity) !== TermKind.NamedNode) {
    throw new InvalidArgumentError(
      `Invalid shapes graph: sh:severity of ${key} must be an IRI, got ${severity}`,
    );
  }

  // Implicit class target: a node shape or property shape that is also an rdfs:Class.
  const types = graph.objects(key, RDF_TYPE);
  const isClass =
    types.includes(RDFS_CLASS) &&
    (types.includes(sh('NodeShape')) || types.includes(sh('PropertyShape')));
  const targets = {
    nodes: graph.objects(key, sh('targetNode')),
    classes: [...graph.objects(key, sh('targetClass')), ...(isClass ? [key] : [])],
    subjectsOf: graph.objects(key, sh('targetSubjectsOf')),
    objectsOf: graph.objects(key, sh('targetObjectsOf')),
  };

  const references = new Set<number>();
  const context: CompileContext = {
    graph,
    shapeKey: key,
    isPropertyShape: path !== undefined,
    values: (localName) => graph.objects(key, sh(localName)),
    shapeIndex: (referenced) => {
      const referencedIndex = shapeIndex(referenced);
      references.add(referencedIndex);
      return referencedIndex;
    },
  };
  const constraints = COMPONENT_COMPILERS.flatMap((compile) => compile(context));
  const comparedPredicates = COMPARISON_PARAMETERS.flatMap((parameter) =>
    graph.objects(key, sh(parameter)),
  );
  const closed = graph.objects(key, sh('closed')).some((value) => isTrueParameter(value));
  return {
    index,
    key,
    path,
    deactivated,
    severity,
    messages: graph.objects(key, sh('message')),
    targets,
    constraints,
    references: [...references],
    comparedPredicates,
    closed,
  };
}
