/**
 * A guard for a sparqljs 3.7 defect: it parses the literal `+5` as "5", dropping the sign.
 * In expressions that is harmless because the values are equal. In a triple pattern it would
 * match a different RDF term, so such queries raise UnsupportedFeatureError instead.
 */
import { UnsupportedFeatureError } from '../errors.js';
import { RDF_NS } from '../rdf/terms.js';
import type { Expression, Operator } from './algebra.js';
import { isNumericDatatype } from './expressions/numeric.js';
import { valueFromKey } from './expressions/values.js';
import type { ParsedQuery, TemplateTerm } from './query.js';

/** Positions of numeric literals with a leading `+` in a query text. */
export interface SignedLiterals {
  /** Outside parentheses, where only triple patterns and templates put terms. */
  readonly outsideParentheses: boolean;
  /** Anywhere: in expressions, or in RDF collections `( ... )` of triple patterns. */
  readonly anywhere: boolean;
}

/**
 * Throws UnsupportedFeatureError when a numeric literal with a leading `+` may be a term of a
 * triple pattern: outside parentheses, or anywhere when a pattern contains an RDF collection
 * with a numeric member (`hasNumericCollectionMember`). Strings, IRIs and comments are skipped.
 */
export function rejectSignedPatternLiterals(
  query: string,
  hasNumericCollectionMember: () => boolean,
): void {
  const found = findSignedLiterals(query);
  if (found.outsideParentheses || (found.anywhere && hasNumericCollectionMember())) {
    throw new UnsupportedFeatureError('numeric literal with a leading + in a triple pattern');
  }
}

function findSignedLiterals(query: string): SignedLiterals {
  let anywhere = false;
  let depth = 0;
  let i = 0;
  while (i < query.length) {
    const c = query[i]!;
    if (c === '#') {
      const end = query.indexOf('\n', i);
      i = end < 0 ? query.length : end + 1;
    } else if (c === '"' || c === "'") {
      i = skipString(query, i);
    } else if (c === '<' && depth === 0) {
      const end = query.indexOf('>', i);
      i = end < 0 ? query.length : end + 1;
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      depth = Math.max(0, depth - 1);
      i++;
    } else if (
      c === '+' &&
      /[0-9.]/.test(query[i + 1] ?? '') &&
      !/[\w)\]]/.test(query[i - 1] ?? '')
    ) {
      if (depth === 0) return { outsideParentheses: true, anywhere: true };
      anywhere = true;
      i++;
    } else {
      i++;
    }
  }
  return { outsideParentheses: false, anywhere };
}

/** Returns the index after the string literal starting at `start` (short or long form). */
function skipString(query: string, start: number): number {
  const quote = query[start]!;
  const long = query.startsWith(quote.repeat(3), start);
  const delimiter = long ? quote.repeat(3) : quote;
  let i = start + delimiter.length;
  while (i < query.length) {
    if (query[i] === '\\') {
      i += 2;
      continue;
    }
    if (query.startsWith(delimiter, i)) return i + delimiter.length;
    if (!long && query[i] === '\n') return i;
    i++;
  }
  return query.length;
}

const RDF_FIRST = `${RDF_NS}first`;

function isNumericMember(predicate: TemplateTerm, object: TemplateTerm): boolean {
  if (!('key' in predicate) || predicate.key !== RDF_FIRST || !('key' in object)) return false;
  return isNumericDatatype(valueFromKey(object.key).datatype);
}

/**
 * True when a triple pattern (also inside EXISTS) or the CONSTRUCT template has an rdf:first
 * triple with a numeric literal object: a member of an RDF collection.
 */
export function hasNumericCollectionMember(query: ParsedQuery): boolean {
  const stack: Operator[] = [query.algebra];
  const pushExists = (expression: Expression | undefined): void => {
    if (expression === undefined) return;
    if (expression.type === 'exists') stack.push(expression.pattern);
    else if (expression.type === 'call') expression.args.forEach(pushExists);
    else if (expression.type === 'cast') pushExists(expression.arg);
  };
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'bgp') {
      if (node.patterns.some((pattern) => isNumericMember(pattern.predicate, pattern.object)))
        return true;
      node.filters.forEach(pushExists);
      continue;
    }
    if (node.type === 'filter' || node.type === 'extend') pushExists(node.expression);
    if (node.type === 'leftjoin') pushExists(node.expression);
    if (node.type === 'orderby')
      node.conditions.forEach((condition) => pushExists(condition.expression));
    if ('input' in node) stack.push(node.input);
    if ('left' in node) stack.push(node.left, node.right);
  }
  return query.template.some((triple) => isNumericMember(triple.predicate, triple.object));
}
