/**
 * A guard for a sparqljs 3.7 defect: it parses the literal `+5` as "5", dropping the sign.
 * In expressions that is harmless (the values are equal), but in a triple pattern it matches
 * the wrong RDF term, so such queries are rejected instead of answered wrongly.
 */
import { UnsupportedFeatureError } from '../errors.js';

/**
 * Throws UnsupportedFeatureError when a numeric literal with a leading `+` appears outside
 * parentheses, which is where triple patterns (as opposed to FILTER and ORDER BY expressions)
 * put their terms. Strings, IRIs and comments are skipped.
 * NOTE: a signed literal inside an RDF collection `( +5 )` in a triple pattern is not caught.
 */
export function rejectSignedPatternLiterals(query: string): void {
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
      depth === 0 &&
      /[0-9.]/.test(query[i + 1] ?? '') &&
      !/[\w)\]]/.test(query[i - 1] ?? '')
    ) {
      throw new UnsupportedFeatureError('numeric literal with a leading + in a triple pattern');
    } else {
      i++;
    }
  }
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
