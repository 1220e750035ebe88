/**
 * SHACL property paths (SHACL 2.3.1): reading them from the shapes graph, evaluating them over
 * the data graph and writing them back as RDF for sh:resultPath.
 */
import type * as RDF from '@rdfjs/types';
import { InvalidArgumentError } from '../errors.js';
import { factory, keyKind, TermKind } from '../rdf/terms.js';
import type { TermId } from '../store/types.js';
import type { DataReader } from './data-reader.js';
import { distinct } from './data-reader.js';
import type { KeyedGraph } from './graph.js';
import { RDF_FIRST, RDF_NIL, RDF_REST, sh } from './vocabulary.js';

export type PathExpression =
  | { readonly kind: 'predicate'; readonly iri: string }
  | { readonly kind: 'inverse'; readonly path: PathExpression }
  | { readonly kind: 'sequence'; readonly paths: readonly PathExpression[] }
  | { readonly kind: 'alternative'; readonly paths: readonly PathExpression[] }
  | {
      readonly kind: 'zeroOrMore' | 'oneOrMore' | 'zeroOrOne';
      readonly path: PathExpression;
    };

/** A path with its predicate IRIs resolved to data ids (local ids for IRIs the data lacks). */
export type BoundPath =
  | { readonly kind: 'predicate'; readonly id: TermId }
  | { readonly kind: 'inverse'; readonly path: BoundPath }
  | { readonly kind: 'sequence'; readonly paths: readonly BoundPath[] }
  | { readonly kind: 'alternative'; readonly paths: readonly BoundPath[] }
  | { readonly kind: 'zeroOrMore' | 'oneOrMore' | 'zeroOrOne'; readonly path: BoundPath };

/** Maximum nesting of path expressions, against cyclic or hostile shapes graphs. */
const MAX_PATH_DEPTH = 32;

const UNARY_PATHS = [
  ['inversePath', 'inverse'],
  ['zeroOrMorePath', 'zeroOrMore'],
  ['oneOrMorePath', 'oneOrMore'],
  ['zeroOrOnePath', 'zeroOrOne'],
] as const;

/** Reads the path whose node is `node`. Throws InvalidArgumentError for a malformed path. */
export function readPath(graph: KeyedGraph, node: string, depth = 0): PathExpression {
  if (depth > MAX_PATH_DEPTH) {
    throw new InvalidArgumentError(
      `Invalid shapes graph: the path at ${node} is nested too deeply`,
    );
  }
  const kind = keyKind(node);
  if (kind === TermKind.NamedNode) return { kind: 'predicate', iri: node };
  if (kind !== TermKind.BlankNode) {
    throw new InvalidArgumentError(`Invalid shapes graph: ${node} is not a valid property path`);
  }
  if (graph.objects(node, RDF_FIRST).length > 0) {
    const paths = graph.list(node).map((member) => readPath(graph, member, depth + 1));
    if (paths.length < 2) {
      throw new InvalidArgumentError(
        `Invalid shapes graph: the sequence path ${node} needs at least two members`,
      );
    }
    return { kind: 'sequence', paths };
  }
  const alternatives = graph.object(node, sh('alternativePath'));
  if (alternatives !== undefined) {
    const paths = graph.list(alternatives).map((member) => readPath(graph, member, depth + 1));
    if (paths.length < 2) {
      throw new InvalidArgumentError(
        `Invalid shapes graph: the alternative path ${node} needs at least two members`,
      );
    }
    return { kind: 'alternative', paths };
  }
  for (const [localName, pathKind] of UNARY_PATHS) {
    const inner = graph.object(node, sh(localName));
    if (inner !== undefined) return { kind: pathKind, path: readPath(graph, inner, depth + 1) };
  }
  throw new InvalidArgumentError(`Invalid shapes graph: ${node} is not a valid property path`);
}

/** Resolves the predicate IRIs of a path with `resolve` (key → data id). */
export function bindPath(path: PathExpression, resolve: (key: string) => TermId): BoundPath {
  switch (path.kind) {
    case 'predicate':
      return { kind: 'predicate', id: resolve(path.iri) };
    case 'sequence':
    case 'alternative':
      return { kind: path.kind, paths: path.paths.map((inner) => bindPath(inner, resolve)) };
    default:
      return { kind: path.kind, path: bindPath(path.path, resolve) };
  }
}

/** Returns the distinct value nodes of `path` from `focus`. */
export function evaluatePath(reader: DataReader, path: BoundPath, focus: TermId): TermId[] {
  switch (path.kind) {
    case 'predicate':
      return reader.objects(focus, path.id);
    case 'inverse':
      if (path.path.kind === 'predicate') return reader.subjects(path.path.id, focus);
      return evaluateInverse(reader, path.path, focus);
    case 'sequence': {
      let current = [focus];
      for (const step of path.paths) {
        const next: TermId[] = [];
        for (const node of current)
          for (const value of evaluatePath(reader, step, node)) next.push(value);
        current = distinct(next);
        if (current.length === 0) break;
      }
      return current;
    }
    case 'alternative': {
      const all: TermId[] = [];
      for (const step of path.paths)
        for (const value of evaluatePath(reader, step, focus)) all.push(value);
      return distinct(all);
    }
    case 'zeroOrOne':
      return distinct([focus, ...evaluatePath(reader, path.path, focus)]);
    case 'zeroOrMore':
    case 'oneOrMore':
      return closure(reader, path.path, focus, path.kind === 'zeroOrMore');
  }
}

/**
 * Inverse of a complex path: the nodes from which `path` reaches `focus`. Sequences and
 * alternatives distribute over inversion, so only inverse predicates need index lookups.
 */
function evaluateInverse(reader: DataReader, path: BoundPath, focus: TermId): TermId[] {
  switch (path.kind) {
    case 'predicate':
      return reader.subjects(path.id, focus);
    case 'inverse':
      return evaluatePath(reader, path.path, focus);
    case 'sequence':
      return evaluatePath(
        reader,
        { kind: 'sequence', paths: [...path.paths].reverse().map(invert) },
        focus,
      );
    case 'alternative':
      return evaluatePath(reader, { kind: 'alternative', paths: path.paths.map(invert) }, focus);
    default:
      return evaluatePath(reader, { kind: path.kind, path: invert(path.path) }, focus);
  }
}

function invert(path: BoundPath): BoundPath {
  return path.kind === 'inverse' ? path.path : { kind: 'inverse', path };
}

/** Returns the nodes that one or more (or zero or more) steps of `step` reach, expanding each node once. */
function closure(
  reader: DataReader,
  step: BoundPath,
  focus: TermId,
  includeFocus: boolean,
): TermId[] {
  const seen = new Set<TermId>();
  const result: TermId[] = [];
  if (includeFocus) {
    seen.add(focus);
    result.push(focus);
  }
  const expanded = new Set<TermId>([focus]);
  const pending = [focus];
  while (pending.length > 0) {
    const node = pending.pop()!;
    for (const next of evaluatePath(reader, step, node)) {
      if (!seen.has(next)) {
        seen.add(next);
        result.push(next);
      }
      if (!expanded.has(next)) {
        expanded.add(next);
        pending.push(next);
      }
    }
  }
  return result;
}

/** Collects the predicate IRIs a path reads, split by the direction they are traversed in. */
export function pathPredicates(
  path: PathExpression,
  forward: Set<string>,
  inverse: Set<string>,
  inverted = false,
): void {
  switch (path.kind) {
    case 'predicate':
      (inverted ? inverse : forward).add(path.iri);
      return;
    case 'inverse':
      pathPredicates(path.path, forward, inverse, !inverted);
      return;
    case 'sequence':
    case 'alternative':
      for (const inner of path.paths) pathPredicates(inner, forward, inverse, inverted);
      return;
    default:
      pathPredicates(path.path, forward, inverse, inverted);
  }
}

/** Returns the number of triples a path can traverse, or Infinity for `*` and `+` paths. */
export function pathLength(path: PathExpression): number {
  switch (path.kind) {
    case 'predicate':
      return 1;
    case 'inverse':
    case 'zeroOrOne':
      return pathLength(path.path);
    case 'sequence':
      return path.paths.reduce((total, inner) => total + pathLength(inner), 0);
    case 'alternative':
      return Math.max(...path.paths.map(pathLength));
    default:
      return Infinity;
  }
}

/**
 * Writes a path as RDF: an IRI for a predicate path, otherwise new blank nodes from
 * `newBlankNode` with the SHACL path vocabulary. Returns the path's node and adds the triples
 * to `out`.
 */
export function pathToRdf(
  path: PathExpression,
  out: RDF.Quad[],
  newBlankNode: () => RDF.BlankNode,
): RDF.NamedNode | RDF.BlankNode {
  const { namedNode, quad } = factory;
  if (path.kind === 'predicate') return namedNode(path.iri);
  if (path.kind === 'sequence') return listToRdf(path.paths, out, newBlankNode);
  const node = newBlankNode();
  if (path.kind === 'alternative') {
    const list = listToRdf(path.paths, out, newBlankNode);
    out.push(quad(node, namedNode(sh('alternativePath')), list));
    return node;
  }
  const localName = UNARY_PATHS.find(([, kind]) => kind === path.kind)![0];
  out.push(quad(node, namedNode(sh(localName)), pathToRdf(path.path, out, newBlankNode)));
  return node;
}

function listToRdf(
  paths: readonly PathExpression[],
  out: RDF.Quad[],
  newBlankNode: () => RDF.BlankNode,
): RDF.NamedNode | RDF.BlankNode {
  const { namedNode, quad } = factory;
  let rest: RDF.NamedNode | RDF.BlankNode = namedNode(RDF_NIL);
  for (let i = paths.length - 1; i >= 0; i--) {
    const cell = newBlankNode();
    out.push(quad(cell, namedNode(RDF_FIRST), pathToRdf(paths[i]!, out, newBlankNode)));
    out.push(quad(cell, namedNode(RDF_REST), rest));
    rest = cell;
  }
  return rest;
}
