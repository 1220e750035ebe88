/**
 * Converts the errors of the SPARQL parser (sparqljs, made with Jison) to KgErrors. A syntax
 * error gets the line and column of the unexpected token in the text the client sent. A text
 * nested too deeply to parse gets a limit error.
 */
import { KgError, SparqlSyntaxError } from '../errors.js';
import { LINE_END, type RewriteTrail } from './span-map.js';

/** Converts an error of sparqljs: a stack overflow is a limit, anything else a syntax error. */
export function parserErrorOf(error: unknown, text: string, trail: RewriteTrail): KgError {
  return error instanceof RangeError ? tooComplex(error) : syntaxErrorOf(error, text, trail);
}

interface JisonError {
  message: string;
  hash?: {
    text?: string;
    line?: number;
    expected?: string[];
    loc?: { first_line: number; first_column: number; last_line: number; last_column: number };
  };
}

/**
 * Turns a stack overflow (a very long chain of UNION, OPTIONAL or operators, which the parser
 * and translator handle recursively) into a client error instead of a 500.
 */
export function tooComplex(cause: RangeError): KgError {
  return new KgError(
    'LIMIT_EXCEEDED',
    'The request is too large or too deeply nested to parse; split it into smaller requests or simplify it',
    { cause },
  );
}

/**
 * Converts a sparqljs (Jison) error. Its `loc` can be the token before the unexpected one, so
 * the column is that of the unexpected text when it occurs on the line after `loc`. The line
 * and column are then mapped from `source`, the text sparqljs read, to the text as sent.
 */
function syntaxErrorOf(error: unknown, source: string, trail: RewriteTrail): SparqlSyntaxError {
  const jison = error as JisonError;
  const loc = jison.hash?.loc;
  if (loc === undefined) {
    const message = error instanceof Error ? error.message : String(error);
    // sparqljs reports semantic errors (unknown prefix, relative IRI without base) as plain
    // Errors, and on a few valid queries it fails with a TypeError of its own.
    const prefix =
      error instanceof TypeError
        ? 'The SPARQL parser failed on this query'
        : 'Invalid SPARQL query';
    return new SparqlSyntaxError(`${prefix}: ${message}`, undefined, error);
  }

  const text = jison.hash?.text ?? '';
  let line = loc.first_line;
  let column = loc.first_column + 1;
  // The lexer's line (0-based) is where the unexpected text ends, so the text is on one of the
  // lines from the end of `loc` to that one.
  const lastLine = Math.max(loc.last_line, (jison.hash?.line ?? 0) + 1);
  const lines = source.split(LINE_END);
  for (let current = loc.last_line; text !== '' && current <= lastLine; current++) {
    const index = lines[current - 1]?.indexOf(
      text,
      current === loc.last_line ? loc.last_column : 0,
    );
    if (index === undefined || index < 0) continue;
    line = current;
    column = index + 1;
    break;
  }
  ({ line, column } = trail.locate(source, { line, column }));

  const found = text !== '' ? `"${text}"` : 'end of input';
  const expected = (jison.hash?.expected ?? []).map((token) => token.replace(/'/g, ''));
  const shown = expected.slice(0, 8).join(', ') + (expected.length > 8 ? ', ...' : '');
  const hint = expected.length > 0 ? `; expected one of ${shown}` : '';
  return new SparqlSyntaxError(
    `Invalid SPARQL query at line ${line}, column ${column}: unexpected ${found}${hint}`,
    { line, column },
    error,
  );
}
