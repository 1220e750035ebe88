/**
 * Translates sparqljs property paths (SPARQL 1.1 section 18.2.2.4). A predicate that is an
 * IRI, an inverse IRI or a sequence of those becomes plain triple patterns of the enclosing
 * BGP, joined through hidden slots. Every other path becomes one Path operator, so that blank
 * nodes of the triple stay in a single BGP and closures keep their set semantics.
 */
import type * as RDF from '@rdfjs/types';
import type * as Sparql from 'sparqljs';
import { SparqlSyntaxError } from '../errors.js';
import { termKey } from '../rdf/terms.js';
import type {
  GraphTarget,
  Operator,
  PathExpression,
  PatternTerm,
  TriplePattern,
} from './algebra.js';

/** The callbacks that turn terms into pattern positions and create hidden join slots. */
export interface PathTranslationHooks {
  readonly termOf: (term: RDF.Term) => PatternTerm;
  readonly newHiddenSlot: () => number;
}

/** The triple patterns and Path operators of a block of triples. */
export interface TranslatedTriples {
  readonly patterns: TriplePattern[];
  readonly paths: Operator[];
}

/** Translates the triples of one block. `graph` is the active graph of its Path operators. */
export function translateTriples(
  triples: readonly Sparql.Triple[],
  graph: GraphTarget,
  hooks: PathTranslationHooks,
): TranslatedTriples {
  const result: TranslatedTriples = { patterns: [], paths: [] };
  for (const triple of triples) {
    // Slots are taken in subject, predicate, object order: SELECT * lists variables by first use.
    const subject = hooks.termOf(triple.subject);
    const predicate = triple.predicate;
    if (!('type' in predicate && predicate.type === 'path')) {
      const predicateTerm = hooks.termOf(predicate as RDF.Term);
      result.patterns.push({
        subject,
        predicate: predicateTerm,
        object: hooks.termOf(triple.object),
      });
      continue;
    }
    const object = hooks.termOf(triple.object);
    addPath(subject, pathExpressionOf(predicate), object, graph, hooks, result);
  }
  return result;
}

/**
 * Adds `subject path object`: links and sequences of links become triple patterns, anything
 * else one Path operator. A sequence is the join of its steps through a fresh slot, which is
 * bag semantics, the same as the spec's translation of P1/P2.
 */
function addPath(
  subject: PatternTerm,
  path: PathExpression,
  object: PatternTerm,
  graph: GraphTarget,
  hooks: PathTranslationHooks,
  into: TranslatedTriples,
): void {
  if (path.type === 'link') {
    into.patterns.push({ subject, predicate: { key: path.key }, object });
    return;
  }
  if (path.type === 'inverse' && path.path.type === 'link') {
    into.patterns.push({ subject: object, predicate: { key: path.path.key }, object: subject });
    return;
  }
  if (path.type === 'sequence') {
    const middle = { slot: hooks.newHiddenSlot() };
    addPath(subject, path.left, middle, graph, hooks, into);
    addPath(middle, path.right, object, graph, hooks, into);
    return;
  }
  into.paths.push({ type: 'path', subject, path, object, graph });
}

/**
 * Converts a sparqljs path to a PathExpression with inverses pushed down to links and negated
 * property sets: ^(a/b) is ^b/^a, ^(a|b) is ^a|^b and ^(p*) is (^p)*.
 */
export function pathExpressionOf(path: Sparql.PropertyPath | RDF.Term): PathExpression {
  return normalise(rawExpressionOf(path), false);
}

function rawExpressionOf(path: Sparql.PropertyPath | RDF.Term): PathExpression {
  if (!('type' in path && path.type === 'path')) {
    const term = path as RDF.Term;
    if (term.termType !== 'NamedNode')
      throw new SparqlSyntaxError(`Invalid property path: ${term.termType} is not an IRI`);
    return { type: 'link', key: termKey(term) };
  }
  const items = path.items as (Sparql.PropertyPath | RDF.Term)[];
  switch (path.pathType) {
    case '/':
      return items
        .map(rawExpressionOf)
        .reduce((left, right) => ({ type: 'sequence', left, right }));
    case '|':
      return items
        .map(rawExpressionOf)
        .reduce((left, right) => ({ type: 'alternative', left, right }));
    case '^':
      return { type: 'inverse', path: rawExpressionOf(items[0]!) };
    case '*':
      return { type: 'zeroOrMore', path: rawExpressionOf(items[0]!) };
    case '+':
      return { type: 'oneOrMore', path: rawExpressionOf(items[0]!) };
    case '?':
      return { type: 'zeroOrOne', path: rawExpressionOf(items[0]!) };
    case '!':
      return negatedSetOf(items[0]!);
    default:
      throw new SparqlSyntaxError(
        `Invalid property path operator ${(path as { pathType: string }).pathType}`,
      );
  }
}

/**
 * Translates !(...) as the spec does: forward IRIs give NPS(forward), inverse ones
 * ^NPS(inverse), and a set with both kinds the alternative of the two.
 */
function negatedSetOf(
  inner: Sparql.PropertyPath | RDF.Term | (Sparql.PropertyPath | RDF.Term)[],
): PathExpression {
  // sparqljs 3.7 parses the empty set !() as an empty array.
  const members = Array.isArray(inner)
    ? inner
    : 'type' in inner && inner.type === 'path' && inner.pathType === '|'
      ? (inner.items as (Sparql.PropertyPath | RDF.Term)[])
      : [inner];
  const forward: string[] = [];
  const inverse: string[] = [];
  for (const member of members) {
    const expression = rawExpressionOf(member);
    if (expression.type === 'link') forward.push(expression.key);
    else if (expression.type === 'inverse' && expression.path.type === 'link')
      inverse.push(expression.path.key);
    else throw new SparqlSyntaxError('Invalid negated property set: members must be IRIs or ^IRIs');
  }
  const direct: PathExpression = { type: 'negatedSet', keys: forward };
  const reverse: PathExpression = {
    type: 'inverse',
    path: { type: 'negatedSet', keys: inverse },
  };
  if (inverse.length === 0) return direct;
  if (forward.length === 0) return reverse;
  return { type: 'alternative', left: direct, right: reverse };
}

/** Pushes inversion down to links and negated sets. `inverted` says whether an odd number of ^ encloses `path`. */
function normalise(path: PathExpression, inverted: boolean): PathExpression {
  switch (path.type) {
    case 'link':
    case 'negatedSet':
      return inverted ? { type: 'inverse', path } : path;
    case 'inverse':
      return normalise(path.path, !inverted);
    case 'sequence': {
      const left = normalise(path.left, inverted);
      const right = normalise(path.right, inverted);
      return inverted ? { type: 'sequence', left: right, right: left } : { ...path, left, right };
    }
    case 'alternative':
      return {
        ...path,
        left: normalise(path.left, inverted),
        right: normalise(path.right, inverted),
      };
    case 'zeroOrMore':
    case 'oneOrMore':
    case 'zeroOrOne':
      return { ...path, path: normalise(path.path, inverted) };
  }
}
