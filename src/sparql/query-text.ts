/**
 * Scanning helpers for SPARQL text that work around parser defects before or after sparqljs
 * runs: they only need to step over string literals, never to tokenise a whole query.
 */

/** An IRI with a scheme, which sparqljs and n3 take as it is written. */
export const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** An IRI as the SPARQL grammar's IRIREF token reads it. */
// eslint-disable-next-line no-control-regex -- IRIREF excludes the control characters
const IRIREF = /<[^<>"{}|^`\\\u0000-\u0020]*>/y;

/**
 * Returns the index after the IRI that starts at `start`, or `start` when the `<` there opens
 * no IRI (in an expression it may be less-than).
 */
export function iriEnd(text: string, start: number): number {
  IRIREF.lastIndex = start;
  return IRIREF.test(text) ? IRIREF.lastIndex : start;
}

/**
 * Returns the index after the comment that starts with the `#` at `start`: past its line end,
 * which is a line feed or a carriage return, as in the SPARQL grammar and sparqljs.
 */
export function commentEnd(text: string, start: number): number {
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0a || code === 0x0d) return i + 1;
  }
  return text.length;
}

/** Returns the index after the string literal starting at `start` (short or long form). */
export function skipString(text: string, start: number): number {
  const quote = text[start]!;
  const long = text.startsWith(quote.repeat(3), start);
  const delimiter = long ? quote.repeat(3) : quote;
  let i = start + delimiter.length;
  while (i < text.length) {
    if (text[i] === '\\') {
      i += 2;
      continue;
    }
    if (text.startsWith(delimiter, i)) return i + delimiter.length;
    // A short string cannot span lines, so stop there and let the parser report it.
    if (!long && (text[i] === '\n' || text[i] === '\r')) return i;
    i++;
  }
  return text.length;
}

/**
 * Returns the index after a comment, string literal, IRI or local-name escape starting at `i`,
 * or `i` when none starts there. Only for text where `<` always opens an IRI: templates and quad data, not
 * expressions, where it is less-than.
 */
export function skipOpaque(text: string, i: number): number {
  const c = text[i];
  if (c === '#') return commentEnd(text, i);
  // Outside strings and IRIs a backslash escapes one character of a local name (`ex:a\'b`).
  if (c === '\\') return Math.min(text.length, i + 2);
  if (c === '"' || c === "'") return skipString(text, i);
  if (c === '<') {
    const end = text.indexOf('>', i);
    return end < 0 ? text.length : end + 1;
  }
  return i;
}
