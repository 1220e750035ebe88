/**
 * Scanning helpers for SPARQL text that work around parser defects before or after sparqljs
 * runs: they only need to step over string literals, never to tokenise a whole query.
 */

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
    if (!long && text[i] === '\n') return i;
    i++;
  }
  return text.length;
}
