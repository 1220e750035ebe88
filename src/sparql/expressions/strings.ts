/**
 * SPARQL string functions (SPARQL 1.1 section 17.4.3). Lengths and positions count Unicode
 * code points, not UTF-16 units. REGEX runs on RE2, a linear-time engine, so a hostile
 * pattern cannot backtrack for hours between two deadline checks.
 */
import { RE2 } from 're2-wasm';
import { ExpressionError, QueryEvaluationError } from '../../errors.js';
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

/**
 * Maximum number of compiled patterns kept for all queries together. re2-wasm 1.0 runs in a
 * fixed 16 MiB WebAssembly heap and frees a pattern only on an explicit delete, so the number
 * of live patterns must stay bounded (about 2,000 small ones filled the heap in a local test).
 */
const MAX_COMPILED_PATTERNS = 64;

/** Compiled patterns by flags and source, least recently used first. */
const compiledPatterns = new Map<string, RE2>();

/** Tests REGEX patterns, compiling each one once while it stays among the recently used. */
export class RegexCache {
  test(text: string, pattern: string, flags: string): boolean {
    const cacheKey = `${flags}/${pattern}`;
    let regex = compiledPatterns.get(cacheKey);
    if (regex === undefined) {
      regex = compileRegex(pattern, flags);
      if (compiledPatterns.size >= MAX_COMPILED_PATTERNS) evictOldestPattern();
    } else {
      compiledPatterns.delete(cacheKey);
    }
    compiledPatterns.set(cacheKey, regex);
    try {
      return regex.test(text);
    } catch (error) {
      throw engineFailure(error);
    }
  }
}

function evictOldestPattern(): void {
  const [oldestKey, oldest] = compiledPatterns.entries().next().value as [string, RE2];
  compiledPatterns.delete(oldestKey);
  // NOTE: `wrapper` is a private field of re2-wasm 1.0's RE2; deleting it frees the heap memory.
  (oldest as unknown as { wrapper: { delete(): void } }).wrapper.delete();
}

/**
 * Wraps a failure of the RE2 engine itself (such as its heap running out) as an evaluation
 * error of the whole query, because treating it as a FILTER error would silently drop rows.
 */
function engineFailure(error: unknown): QueryEvaluationError {
  return new QueryEvaluationError(`REGEX evaluation failed: ${(error as Error).message}`, error);
}

/**
 * Translates XPath regex flags to RE2. RE2 has no `x` or `q` flag, so `x` removes whitespace
 * outside character classes here and `q` escapes every metacharacter.
 * NOTE: without `s`, RE2's `.` still matches "\r", which XPath's `.` does not.
 */
function compileRegex(pattern: string, flags: string): RE2 {
  let re2Flags = 'u';
  let source = pattern;
  for (const flag of flags) {
    if (flag === 'i' || flag === 'm' || flag === 's') {
      if (!re2Flags.includes(flag)) re2Flags += flag;
    } else if (flag !== 'x' && flag !== 'q') {
      throw new ExpressionError(`Invalid REGEX flag "${flag}"; valid flags are i, m, s, x and q`);
    }
  }
  // XPath 3.0: `q` matches the pattern as a literal string and overrides `x`.
  if (flags.includes('q')) source = source.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
  else if (flags.includes('x')) source = stripWhitespace(source);
  try {
    return new RE2(source, re2Flags);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw engineFailure(error);
    throw new ExpressionError(`Invalid REGEX pattern "${pattern}": ${error.message}`);
  }
}

function stripWhitespace(pattern: string): string {
  let result = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      result += c + pattern[++i];
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    if (!inClass && (c === ' ' || c === '\t' || c === '\n' || c === '\r')) continue;
    result += c;
  }
  return result;
}
