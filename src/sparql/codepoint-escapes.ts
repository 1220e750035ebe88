/**
 * SPARQL codepoint escapes (`\uXXXX` and `\UXXXXXXXX`, SPARQL 1.1 section 19.2), which the
 * specification processes before parsing, so that `<\u0078>` is the IRI `<x>`. sparqljs 3.7
 * rejects them outside string literals, so parseQuery decodes them first.
 */
import { SparqlSyntaxError } from '../errors.js';
import { commentEnd, skipString } from './query-text.js';
import type { SpanMap } from './span-map.js';

const ESCAPE = /\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})/g;

/** The escapes of LF and CR, which end a comment. */
const ESCAPED_LINE_END = /\\u000[AaDd]|\\U0000000[AaDd]/;

/** An IRIREF whose characters may include codepoint escapes. */
// IRIREF excludes the control characters U+0000 to U+0020, so the class must name them.
// eslint-disable-next-line no-control-regex
const IRI_WITH_ESCAPES = /<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>/y;

/**
 * Decodes the codepoint escapes of a query outside string literals and comments. Escapes
 * inside string literals are left to the parser, which decodes them as part of the string,
 * so `"\u0022"` stays a string that contains a quote instead of ending the literal. In a
 * comment, only an escaped line end is decoded, because it ends the comment.
 * Throws SparqlSyntaxError for an escape above U+10FFFF. Each decoded escape is recorded in
 * `map`, when given, so that parser errors can point into the text as sent.
 */
export function decodeCodepointEscapes(text: string, map?: SpanMap): string {
  if (!/\\[uU]/.test(text)) return text;
  let out = '';
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    let end: number;
    if (char === '"' || char === "'") {
      end = skipString(text, i);
    } else if (char === '#') {
      end = commentEnd(text, i);
      // Escapes are decoded before parsing, so an escaped line end ends the comment too. The
      // search stays inside the comment, so that many comments cost linear time.
      const escaped = ESCAPED_LINE_END.exec(text.slice(i, end));
      if (escaped !== null) {
        const at = i + escaped.index;
        out = appendDecoded(out, text, start, i, map) + text.slice(i, at);
        start = at;
        i = at + escaped[0].length;
        continue;
      }
    } else if (char === '\\' && text[i + 1] !== 'u' && text[i + 1] !== 'U') {
      // Outside strings and IRIs, any other backslash escapes one character of a local name
      // (`ex:a\'b`), which must not open a string.
      i += 2;
      continue;
    } else if (char === '<') {
      // A `#` inside an IRI does not start a comment, so IRIs are skipped as a whole.
      IRI_WITH_ESCAPES.lastIndex = i;
      end = IRI_WITH_ESCAPES.test(text) ? IRI_WITH_ESCAPES.lastIndex : i + 1;
      out = appendDecoded(appendDecoded(out, text, start, i, map), text, i, end, map);
      start = end;
      i = end;
      continue;
    } else {
      i++;
      continue;
    }
    out = appendDecoded(out, text, start, i, map) + text.slice(i, end);
    start = end;
    i = end;
  }
  return appendDecoded(out, text, start, text.length, map);
}

/** Returns `out` followed by characters [from, to) of `text` with their escapes decoded. */
function appendDecoded(
  out: string,
  text: string,
  from: number,
  to: number,
  map: SpanMap | undefined,
): string {
  // The search runs on the span alone: on the whole text, each of the many spans of a long
  // query would scan on to the next escape, which made the decoding quadratic.
  const span = text.slice(from, to);
  if (!span.includes('\\')) return out + span;
  let result = out;
  let copied = 0;
  ESCAPE.lastIndex = 0;
  for (let match = ESCAPE.exec(span); match !== null; match = ESCAPE.exec(span)) {
    const end = match.index + match[0].length;
    const decoded = decodeEscape(match[0], match[1], match[2]);
    result += span.slice(copied, match.index);
    map?.replaced(result.length, result.length + decoded.length, from + match.index, from + end);
    result += decoded;
    copied = end;
  }
  return result + span.slice(copied);
}

function decodeEscape(escape: string, short: string | undefined, long: string | undefined): string {
  if (short !== undefined) return String.fromCharCode(parseInt(short, 16));
  const codePoint = parseInt(long!, 16);
  if (codePoint > 0x10ffff) {
    throw new SparqlSyntaxError(
      `Invalid SPARQL query: the escape ${escape} is above the largest code point U+10FFFF`,
    );
  }
  return String.fromCodePoint(codePoint);
}
