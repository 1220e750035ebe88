/**
 * SPARQL codepoint escapes (`\uXXXX` and `\UXXXXXXXX`, SPARQL 1.1 section 19.2), which the
 * specification processes before parsing, so that `<\u0078>` is the IRI `<x>`. sparqljs 3.7
 * rejects them outside string literals, so parseQuery decodes them first.
 */
import { SparqlSyntaxError } from '../errors.js';
import { commentEnd, skipString } from './query-text.js';

const ESCAPE = /\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})/g;

/** The escapes of LF and CR, which end a comment. */
const ESCAPED_LINE_END = /\\u000[AaDd]|\\U0000000[AaDd]/g;

/** An IRIREF whose characters may include codepoint escapes. */
// IRIREF excludes the control characters U+0000 to U+0020, so the class must name them.
// eslint-disable-next-line no-control-regex
const IRI_WITH_ESCAPES = /<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>/y;

/**
 * Decodes the codepoint escapes of a query outside string literals and comments. Escapes
 * inside string literals are left to the parser, which decodes them as part of the string,
 * so `"\u0022"` stays a string that contains a quote instead of ending the literal. In a
 * comment, only an escaped line end is decoded, because it ends the comment.
 * Throws SparqlSyntaxError for an escape above U+10FFFF.
 * NOTE: error positions that the parser reports after a decoded escape refer to the decoded
 * text, so their columns can be smaller than in the text the client sent.
 */
export function decodeCodepointEscapes(text: string): string {
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
      // Escapes are decoded before parsing, so an escaped line end ends the comment too.
      ESCAPED_LINE_END.lastIndex = i;
      const escaped = ESCAPED_LINE_END.exec(text);
      if (escaped !== null && escaped.index < end) {
        out += decodeSpan(text.slice(start, i)) + text.slice(i, escaped.index);
        start = escaped.index;
        i = escaped.index + escaped[0].length;
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
      out += decodeSpan(text.slice(start, i)) + decodeSpan(text.slice(i, end));
      start = end;
      i = end;
      continue;
    } else {
      i++;
      continue;
    }
    out += decodeSpan(text.slice(start, i)) + text.slice(i, end);
    start = end;
    i = end;
  }
  return out + decodeSpan(text.slice(start));
}

function decodeSpan(span: string): string {
  return span.replace(ESCAPE, (escape, short?: string, long?: string) => {
    if (short !== undefined) return String.fromCharCode(parseInt(short, 16));
    const codePoint = parseInt(long!, 16);
    if (codePoint > 0x10ffff) {
      throw new SparqlSyntaxError(
        `Invalid SPARQL query: the escape ${escape} is above the largest code point U+10FFFF`,
      );
    }
    return String.fromCodePoint(codePoint);
  });
}
