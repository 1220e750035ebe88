/**
 * Works around a sparqljs 3.7 defect: it parses the literal `+5` as "5", dropping the sign.
 * Outside parentheses, where a term can only be part of a triple pattern, a template, quad
 * data or VALUES, `rewriteSignedLiterals` spells such a literal out as a typed literal with the
 * same lexical form, which sparqljs keeps. Inside parentheses the sign is harmless in
 * expressions (the values are equal); in an RDF collection of a triple pattern it would match
 * a different RDF term, so `rejectSignedPatternLiterals` refuses that case.
 */
import { UnsupportedFeatureError } from '../errors.js';
import { RDF_NS, XSD } from '../rdf/terms.js';
import type { Expression, Operator } from './algebra.js';
import { isNumericDatatype } from './expressions/numeric.js';
import { valueFromKey } from './expressions/values.js';
import type { ParsedQuery, TemplateTerm } from './query.js';
import { skipString } from './query-text.js';

/** A numeric literal with a leading `+`: its text span and whether it is inside parentheses. */
interface SignedLiteral {
  start: number;
  end: number;
  inParentheses: boolean;
}

/**
 * Returns the query with every `+`-signed numeric literal outside parentheses written as
 * `"+…"^^<xsd type>`. Strings, IRIs and comments are left alone.
 */
export function rewriteSignedLiterals(query: string): string {
  const found = findSignedLiterals(query).filter((literal) => !literal.inParentheses);
  if (found.length === 0) return query;
  let result = '';
  let from = 0;
  for (const { start, end } of found) {
    const lexical = query.slice(start, end);
    result += `${query.slice(from, start)}"${lexical}"^^<${XSD}${numericType(lexical)}>`;
    from = end;
  }
  return result + query.slice(from);
}

/**
 * Throws UnsupportedFeatureError when a numeric literal with a leading `+` inside parentheses
 * may be a member of an RDF collection in a triple pattern (`hasNumericCollectionMember`).
 * Run it on the rewritten text, so literals outside parentheses are no longer counted.
 */
export function rejectSignedPatternLiterals(
  query: string,
  hasNumericCollectionMember: () => boolean,
): void {
  const found = findSignedLiterals(query);
  if (found.length > 0 && hasNumericCollectionMember()) {
    throw new UnsupportedFeatureError(
      'numeric literal with a leading + in an RDF collection of a triple pattern',
    );
  }
}

/** Returns the XSD datatype local name of a numeric token (SPARQL INTEGER, DECIMAL or DOUBLE). */
function numericType(lexical: string): string {
  if (/[eE]/.test(lexical)) return 'double';
  return lexical.includes('.') ? 'decimal' : 'integer';
}

/** Returns the index after the numeric token that starts with the sign at `start`. */
function numberEnd(query: string, start: number): number {
  let i = start + 1;
  const digits = () => {
    while (i < query.length && query.charCodeAt(i) >= 48 && query.charCodeAt(i) <= 57) i++;
  };
  digits();
  // A dot belongs to the number only when a digit follows; otherwise it ends the triple.
  if (query[i] === '.' && /[0-9]/.test(query[i + 1] ?? '')) {
    i++;
    digits();
  }
  if (/[eE]/.test(query[i] ?? '')) {
    const exponentStart = i;
    i++;
    if (query[i] === '+' || query[i] === '-') i++;
    const before = i;
    digits();
    if (i === before) i = exponentStart;
  }
  return i;
}

function findSignedLiterals(query: string): SignedLiteral[] {
  const found: SignedLiteral[] = [];
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
      /[0-9]/.test(query[query[i + 1] === '.' ? i + 2 : i + 1] ?? '') &&
      !/[\w)\]]/.test(query[i - 1] ?? '')
    ) {
      const end = numberEnd(query, i);
      found.push({ start: i, end, inParentheses: depth > 0 });
      i = end;
    } else {
      i++;
    }
  }
  return found;
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
