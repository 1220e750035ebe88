/**
 * SPARQL string functions (SPARQL 1.1 section 17.4.3). Lengths and positions count Unicode
 * code points, not UTF-16 units. REGEX and REPLACE live in regex.ts.
 */
import { ExpressionError } from '../../errors.js';
import { RDF_LANG_STRING, XSD_STRING } from '../../rdf/terms.js';
import { toDouble, type NumericValue } from './numeric.js';
import { isSimpleString, isStringLiteral, literalValue, type Value } from './values.js';

/** Returns the argument when it is a string literal (simple, xsd:string or tagged), else throws. */
export function requireString(v: Value, fn: string): Value {
  if (!isStringLiteral(v))
    throw new ExpressionError(`${fn} expects a string literal, got ${v.key}`);
  return v;
}

/**
 * Checks SPARQL's argument compatibility for two-string functions: both untagged, both with
 * the same tag, or a tagged first argument with an untagged second one.
 */
export function requireCompatible(a: Value, b: Value, fn: string): void {
  requireString(a, fn);
  requireString(b, fn);
  if (b.language === '' || a.language === b.language) return;
  throw new ExpressionError(`${fn}: incompatible arguments ${a.key} and ${b.key}`);
}

/** Builds a string result with the language tag (or lack of one) of `like`. */
export function sameKindString(text: string, like: Value): Value {
  return like.language !== ''
    ? literalValue(text, RDF_LANG_STRING, like.language)
    : literalValue(text, XSD_STRING);
}

export function codePointLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) i++;
    length++;
  }
  return length;
}

/** SUBSTR with XPath fn:substring rounding: 1-based start, positions counted in code points. */
export function substring(
  text: Value,
  start: NumericValue,
  length: NumericValue | undefined,
): Value {
  const chars = Array.from(text.value);
  const first = Math.round(toDouble(start));
  const count = length === undefined ? Infinity : Math.round(toDouble(length));
  if (Number.isNaN(first) || Number.isNaN(count)) return sameKindString('', text);
  const end = first + count;
  let result = '';
  for (let position = Math.max(1, first); position < end && position <= chars.length; position++) {
    result += chars[position - 1];
  }
  return sameKindString(result, text);
}

/** CONCAT: keeps a language tag only when every argument has that same tag. */
export function concat(args: readonly Value[]): Value {
  let text = '';
  let language: string | undefined;
  for (const arg of args) {
    requireString(arg, 'CONCAT');
    text += arg.value;
    if (language === undefined) language = arg.language;
    else if (language !== arg.language) language = '';
  }
  return language ? literalValue(text, RDF_LANG_STRING, language) : literalValue(text, XSD_STRING);
}

/** LANGMATCHES with RFC 4647 basic filtering; the range "*" matches any non-empty tag. */
export function langMatches(tag: Value, range: Value): boolean {
  if (!isSimpleString(tag) || !isSimpleString(range)) {
    throw new ExpressionError('LANGMATCHES expects two simple literals');
  }
  const t = tag.value.toLowerCase();
  const r = range.value.toLowerCase();
  if (r === '*') return t.length > 0;
  return t === r || (t.startsWith(r) && t.charAt(r.length) === '-');
}

export { RegexCache } from './regex.js';

/**
 * STRBEFORE and STRAFTER: the text before or after the first occurrence of `needle`, with
 * the language tag or datatype of `text`. When `needle` does not occur the result is the
 * empty simple literal; an empty `needle` occurs at the start.
 */
export function strBeforeOrAfter(text: Value, needle: Value, fn: 'strbefore' | 'strafter'): Value {
  requireCompatible(text, needle, fn.toUpperCase());
  const index = text.value.indexOf(needle.value);
  if (index < 0) return literalValue('', XSD_STRING);
  const part =
    fn === 'strbefore' ? text.value.slice(0, index) : text.value.slice(index + needle.value.length);
  return sameKindString(part, text);
}

/** Characters that ENCODE_FOR_URI leaves alone: RFC 3986 unreserved characters. */
const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

/** ENCODE_FOR_URI: percent-encodes the UTF-8 bytes of every character but the unreserved. */
export function encodeForUri(text: Value): Value {
  requireString(text, 'ENCODE_FOR_URI');
  let result = '';
  for (const char of text.value) {
    if (UNRESERVED.test(char)) {
      result += char;
      continue;
    }
    if (char.length === 1 && char.charCodeAt(0) >= 0xd800 && char.charCodeAt(0) <= 0xdfff) {
      throw new ExpressionError(`ENCODE_FOR_URI: lone surrogate in ${text.key}`);
    }
    for (const byte of Buffer.from(char, 'utf8')) {
      result += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return literalValue(result, XSD_STRING);
}
