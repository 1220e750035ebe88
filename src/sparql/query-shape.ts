/**
 * A linear pre-check of query text, run before the SPARQL parser. sparqljs's parser and the
 * translation after it recurse once per nesting level. The parser's time also grows faster
 * than linearly with nesting: with sparqljs 3.7.4 on a 2-core machine, 1,500 nested groups
 * took 2.4 s to parse and 3,000 took 15 s. Without this check a 12 KB query of nested braces
 * could stall the server before any query timeout starts.
 */
import { KgError } from '../errors.js';
import { commentEnd, skipString } from './query-text.js';

/** Deepest nesting of `{`, `(` and `[` a query may have; real queries stay far below. */
export const MAX_QUERY_NESTING = 128;

/**
 * Throws a LIMIT_EXCEEDED KgError when brackets outside string literals and comments nest deeper
 * than MAX_QUERY_NESTING. Unbalanced brackets are left for the parser to report.
 */
export function checkQueryNesting(text: string): void {
  let depth = 0;
  let deepest = 0;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === '#') {
      i = commentEnd(text, i);
      continue;
    }
    if (char === '"' || char === "'") {
      i = skipString(text, i);
      continue;
    }
    if (char === '\\') {
      // A local-name escape (`ex:a\'b`): the escaped character opens nothing.
      i += 2;
      continue;
    }
    if (char === '<') {
      i = skipIri(text, i);
      continue;
    }
    if (char === '{' || char === '(' || char === '[') {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > MAX_QUERY_NESTING) {
        throw new KgError(
          'LIMIT_EXCEEDED',
          `Query nesting is deeper than ${MAX_QUERY_NESTING} levels of {}, () or []; ` +
            'flatten the nested groups or expressions',
        );
      }
    } else if (char === '}' || char === ')' || char === ']') {
      depth = Math.max(0, depth - 1);
    }
    i++;
  }
}

/**
 * Returns the index after an IRI reference `<...>` starting at `start`, or start + 1 when the
 * `<` is a comparison operator (an IRI contains no spaces and ends with `>` on the same line).
 */
function skipIri(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i]!;
    if (char === '>') return i + 1;
    if (char === ' ' || char === '\n' || char === '\t' || char === '\r' || char === '<') break;
  }
  return start + 1;
}
