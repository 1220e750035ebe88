/**
 * Resolves the relative IRIs of SPARQL text before sparqljs reads it. sparqljs 3.7 resolves a
 * relative IRI by joining strings: it keeps dot segments (`<../x>` against
 * `http://b.org/dir/file` gives `http://b.org/dir/../x`) and reads `<//host/x>` as a path. The
 * SPARQL grammar specifies RFC 3986 resolution, which n3 applies to the quad data it parses, so
 * the same update text stored different IRIs depending on which parser read it.
 *
 * Each IRI reference (IRIREF) of the text outside strings and comments is resolved against
 * the base in force at its position: the caller's base, then each `BASE` declaration in turn,
 * itself resolved against the base before it. Absolute IRIs stay as written. Without any base
 * a relative IRI stays too, and sparqljs then reports that it cannot resolve it.
 */
import { resolve } from 'relative-to-absolute-iri';
import { commentEnd, HAS_SCHEME, iriEnd, skipString } from './query-text.js';
import type { SpanMap } from './span-map.js';

/** The BASE keyword, case-insensitive, as a whole word. */
const BASE_KEYWORD = /base(?![\w:-])/iy;
/** Characters that continue a name, so a keyword cannot start right after one. */
const NAME_CHARACTER = /[\w:?$@.-]/;
/** White space and comments between BASE and its IRI. */
const GAP = /(?:\s|#[^\n\r]*)*/y;

/**
 * Returns the text with every relative IRI reference written as the absolute IRI it denotes.
 * Each replaced IRI reference is recorded in `map`, when given.
 */
export function resolveRelativeIris(
  text: string,
  baseIri: string | undefined,
  map?: SpanMap,
): string {
  if (!text.includes('<')) return text;
  let base = baseIri;
  let result = '';
  let copiedTo = 0;
  /** Replaces the IRI reference at [start, end) by `iri`, unless it is already written so. */
  const write = (start: number, end: number, iri: string) => {
    if (iri === text.slice(start + 1, end - 1)) return;
    result += text.slice(copiedTo, start);
    map?.replaced(result.length, result.length + iri.length + 2, start, end);
    result += `<${iri}>`;
    copiedTo = end;
  };
  const resolved = (start: number, end: number): string => {
    const reference = text.slice(start + 1, end - 1);
    return base === undefined || HAS_SCHEME.test(reference) ? reference : resolve(reference, base);
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '#') {
      i = commentEnd(text, i);
    } else if (c === '\\') {
      // Outside strings and IRIs a backslash escapes one character of a local name.
      i += 2;
    } else if (c === '"' || c === "'") {
      i = skipString(text, i);
    } else if (c === '<') {
      const end = iriEnd(text, i);
      if (end > i) write(i, end, resolved(i, end));
      i = Math.max(end, i + 1);
    } else if ((c === 'b' || c === 'B') && !NAME_CHARACTER.test(text[i - 1] ?? ' ')) {
      BASE_KEYWORD.lastIndex = i;
      if (!BASE_KEYWORD.test(text)) {
        i++;
        continue;
      }
      GAP.lastIndex = BASE_KEYWORD.lastIndex;
      GAP.test(text);
      const start = GAP.lastIndex;
      const end = iriEnd(text, start);
      if (end > start) {
        const iri = resolved(start, end);
        write(start, end, iri);
        // A relative BASE without a base to resolve it against stays for sparqljs to report.
        if (HAS_SCHEME.test(iri)) base = iri;
      }
      i = Math.max(end, start);
    } else {
      i++;
    }
  }
  return copiedTo === 0 ? text : result + text.slice(copiedTo);
}
