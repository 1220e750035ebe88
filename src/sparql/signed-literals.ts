/**
 * Works around a sparqljs 3.7 defect: it parses the literal `+5` as "5", dropping the sign.
 * Where such a literal is an RDF term (in a triple pattern, an RDF collection, a template, quad
 * data or a VALUES row), `rewriteSignedLiterals` spells it out as a typed literal with the same
 * lexical form, which sparqljs keeps. Inside an expression it is left alone: there `+`
 * may be the addition operator (`?a +1`), and a signed literal has the value of the unsigned
 * one. Telling the two apart needs the context of each parenthesis, which `findSignedLiterals`
 * tracks with a stack of brackets and a few keywords.
 */
import { XSD } from '../rdf/terms.js';
import { commentEnd, iriEnd, skipString } from './query-text.js';
import type { SpanMap } from './span-map.js';

/** A numeric literal with a leading `+`: its text span and whether it is in an expression. */
interface SignedLiteral {
  start: number;
  end: number;
  inExpression: boolean;
}

/**
 * Returns the query with every `+`-signed numeric literal outside expressions written as
 * `"+…"^^<xsd type>`. Strings, IRIs and comments are left alone. Each rewritten literal is
 * recorded in `map`, when given.
 */
export function rewriteSignedLiterals(query: string, map?: SpanMap): string {
  // Most queries have no `+` at all, and then the scan can find nothing.
  if (!query.includes('+')) return query;
  const found = findSignedLiterals(query).filter((literal) => !literal.inExpression);
  if (found.length === 0) return query;
  let result = '';
  let from = 0;
  for (const { start, end } of found) {
    const lexical = query.slice(start, end);
    const typed = `"${lexical}"^^<${XSD}${numericType(lexical)}>`;
    result += query.slice(from, start);
    map?.replaced(result.length, result.length + typed.length, start, end);
    result += typed;
    from = end;
  }
  return result + query.slice(from);
}

/** Returns the XSD datatype local name of a numeric token (SPARQL INTEGER, DECIMAL or DOUBLE). */
function numericType(lexical: string): string {
  if (/[eE]/.test(lexical)) return 'double';
  return lexical.includes('.') ? 'decimal' : 'integer';
}

/** Returns the index after the numeric token that starts with the sign at `start`. */
function numberEnd(query: string, start: number): number {
  const isDigit = (at: number) => query.charCodeAt(at) >= 48 && query.charCodeAt(at) <= 57;
  const digitsEnd = (from: number) => {
    let at = from;
    while (at < query.length && isDigit(at)) at++;
    return at;
  };
  /** Returns the end of an exponent starting at `at`, or -1 when none starts there. */
  const exponentEnd = (at: number) => {
    if (query[at] !== 'e' && query[at] !== 'E') return -1;
    let next = at + 1;
    if (query[next] === '+' || query[next] === '-') next++;
    const end = digitsEnd(next);
    return end > next ? end : -1;
  };
  let i = digitsEnd(start + 1);
  const hasIntegerDigits = i > start + 1;
  // A dot belongs to the number when a digit follows, or an exponent after integer digits
  // (`+1.e3` is a DOUBLE); otherwise it ends the triple.
  if (query[i] === '.' && isDigit(i + 1)) i = digitsEnd(i + 1);
  else if (query[i] === '.' && hasIntegerDigits && exponentEnd(i + 1) > 0) i++;
  const exponent = exponentEnd(i);
  return exponent > 0 ? exponent : i;
}

/**
 * An open bracket of the query. A `group` is a `{ }` or `[ ]` block, or the query's top
 * level: triple patterns, templates, quad data or clauses. An `expression` is a parenthesis
 * of an expression or an argument list. A `list` is any other parenthesis: an RDF collection,
 * a VALUES row or variable list, or a property path group, all made of RDF terms.
 */
interface Frame {
  kind: 'group' | 'expression' | 'list';
  /** The bracket that opened the frame; the top level has none. */
  open: '{' | '[' | '(' | '';
  /**
   * The kind of frame a parenthesis at this level opens: a list after `terms`, an expression
   * after `expressions` (the SELECT, GROUP BY, ORDER BY and HAVING clauses), a VALUES row
   * after `values`.
   */
  clause: 'terms' | 'expressions' | 'values';
  /** True after FILTER or BIND, until the next parenthesis or `{` (FILTER EXISTS). */
  expressionNext: boolean;
}

/** A keyword or the prefix of a prefixed name, with the character after it. */
const WORD = /[A-Za-z][A-Za-z0-9_-]*/y;
/**
 * Characters after which a letter continues a name or a language tag instead of starting a
 * keyword. A dot is not one of them, so `?o.FILTER` is read as FILTER.
 */
const NAME_CHARACTER = /[\w:?$@-]/;

/** The opening bracket of each closing one. */
const OPENING_BRACKET: Readonly<Record<string, string>> = { '}': '{', ']': '[', ')': '(' };

/** Keywords that change what a parenthesis at their level opens. */
const CLAUSE_KEYWORDS: Readonly<Record<string, Frame['clause']>> = {
  SELECT: 'expressions',
  GROUP: 'expressions',
  ORDER: 'expressions',
  HAVING: 'expressions',
  VALUES: 'values',
  WHERE: 'terms',
  LIMIT: 'terms',
  OFFSET: 'terms',
};

/** Returns the kind of the frame a `(` opens inside `frame`, and notes that it was used. */
function parenthesisKind(frame: Frame): Frame['kind'] {
  if (frame.kind !== 'group') return frame.kind;
  if (frame.expressionNext) {
    frame.expressionNext = false;
    return 'expression';
  }
  return frame.clause === 'expressions' ? 'expression' : 'list';
}

/**
 * Returns the `+`-signed numeric literals of the query, each with whether it is inside an
 * expression. Text that is not valid SPARQL gets some result without an error, and sparqljs then
 * reports the syntax error.
 */
function findSignedLiterals(query: string): SignedLiteral[] {
  const found: SignedLiteral[] = [];
  const stack: Frame[] = [{ kind: 'group', open: '', clause: 'terms', expressionNext: false }];
  let i = 0;
  while (i < query.length) {
    const frame = stack[stack.length - 1]!;
    const c = query[i]!;
    if (c === '#') {
      i = commentEnd(query, i);
    } else if (c === '\\') {
      // A local-name escape (`ex:a\'b`): the escaped character opens nothing.
      i += 2;
    } else if (c === '"' || c === "'") {
      i = skipString(query, i);
    } else if (c === '<' && iriEnd(query, i) > i) {
      i = iriEnd(query, i);
    } else if (c === '?' || c === '$') {
      // A variable: its name is no keyword.
      i++;
      while (i < query.length && /\w/.test(query[i]!)) i++;
    } else if (c === '{' || c === '[') {
      const inner = frame.kind === 'group' && frame.clause === 'values' ? 'values' : 'terms';
      frame.expressionNext = false;
      if (c === '{' && frame.kind === 'group') frame.clause = 'terms';
      stack.push({ kind: 'group', open: c, clause: inner, expressionNext: false });
      i++;
    } else if (c === '(') {
      stack.push({ kind: parenthesisKind(frame), open: c, clause: 'terms', expressionNext: false });
      i++;
    } else if (c === '}' || c === ']' || c === ')') {
      if (stack.length > 1 && frame.open === OPENING_BRACKET[c]) stack.pop();
      i++;
    } else if (/[A-Za-z]/.test(c) && !NAME_CHARACTER.test(query[i - 1] ?? ' ')) {
      WORD.lastIndex = i;
      const word = WORD.exec(query)![0];
      i += word.length;
      if (query[i] === ':' || frame.kind !== 'group') continue;
      const keyword = word.toUpperCase();
      if (keyword === 'FILTER' || keyword === 'BIND') frame.expressionNext = true;
      const clause = CLAUSE_KEYWORDS[keyword];
      if (clause !== undefined) frame.clause = clause;
    } else if (
      // NOTE: a `+` right after a name character, `)` or `]` is not read as a sign, because
      // it may be a path operator or an exponent sign. So `(1+2)` still loses the sign, and
      // `(1 +2)` keeps it.
      c === '+' &&
      /[0-9]/.test(query[query[i + 1] === '.' ? i + 2 : i + 1] ?? '') &&
      !/[\w)\]]/.test(query[i - 1] ?? '')
    ) {
      const end = numberEnd(query, i);
      found.push({ start: i, end, inExpression: frame.kind === 'expression' });
      i = end;
    } else {
      i++;
    }
  }
  return found;
}
