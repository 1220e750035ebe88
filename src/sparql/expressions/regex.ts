/**
 * REGEX and REPLACE (SPARQL 1.1 sections 17.4.3.14 and 17.4.3.15) on RE2, a linear-time
 * engine, so a hostile pattern cannot backtrack for hours between two deadline checks.
 * JavaScript's RegExp never runs a user pattern.
 */
import { RE2, type RE2ExecArray } from 're2-wasm';
import { ExpressionError, QueryEvaluationError } from '../../errors.js';

/**
 * Maximum number of compiled patterns kept for all queries together. re2-wasm 1.0 runs in a
 * fixed 16 MiB WebAssembly heap and frees a pattern only on an explicit delete, so the number
 * of live patterns must stay bounded (about 2,000 small ones filled the heap in a local test).
 */
const MAX_COMPILED_PATTERNS = 64;

/** Compiled patterns by flags and source, least recently used first. */
const compiledPatterns = new Map<string, RE2>();

/** Runs REGEX and REPLACE patterns, compiling each one once while it stays recently used. */
export class RegexCache {
  /** Returns true when `pattern` matches somewhere in `text`. */
  test(text: string, pattern: string, flags: string): boolean {
    const regex = this.compiled(pattern, flags);
    try {
      regex.lastIndex = 0;
      return regex.test(text);
    } catch (error) {
      throw engineFailure(error);
    }
  }

  /**
   * Replaces every non-overlapping match of `pattern` in `text` as XPath fn:replace does.
   * Throws ExpressionError when the pattern matches the empty string or the replacement is
   * invalid.
   */
  replace(text: string, pattern: string, replacement: string, flags: string): string {
    const regex = this.compiled(pattern, flags);
    const template = parseReplacement(replacement);
    try {
      regex.lastIndex = 0;
      if (regex.test('')) {
        throw new ExpressionError(`REPLACE pattern "${pattern}" matches the empty string`);
      }
      // With the u flag, re2-wasm 1.0 reports index and lastIndex in code points.
      const chars = Array.from(text);
      let result = '';
      let position = 0;
      regex.lastIndex = 0;
      for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
        result += chars.slice(position, match.index).join('');
        result += expandReplacement(template, match);
        position = match.index + Array.from(match[0] ?? '').length;
        if (position >= chars.length) break;
        // A pattern such as \b can still match empty text inside `text`, so step past it.
        if (position === match.index) {
          result += chars[position];
          position++;
          regex.lastIndex = position;
        }
      }
      return result + chars.slice(position).join('');
    } catch (error) {
      if (error instanceof ExpressionError) throw error;
      throw engineFailure(error);
    }
  }

  private compiled(pattern: string, flags: string): RE2 {
    const cacheKey = `${flags}/${pattern}`;
    let regex = compiledPatterns.get(cacheKey);
    if (regex === undefined) {
      regex = compileRegex(pattern, flags);
      if (compiledPatterns.size >= MAX_COMPILED_PATTERNS) evictOldestPattern();
    } else {
      compiledPatterns.delete(cacheKey);
    }
    compiledPatterns.set(cacheKey, regex);
    return regex;
  }
}

/** A parsed REPLACE replacement: literal text and capture group numbers, in order. */
type ReplacementPart = string | number;

/**
 * Parses an XPath replacement string: `$N` inserts group N (digits are read while they form a
 * group number below 100), `\$` and `\\` are a literal `$` and `\`, and any other `$` or `\`
 * is an error.
 */
function parseReplacement(replacement: string): ReplacementPart[] {
  const parts: ReplacementPart[] = [];
  let literal = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i]!;
    if (c === '\\') {
      const next = replacement[i + 1];
      if (next !== '$' && next !== '\\')
        throw new ExpressionError(`Invalid REPLACE replacement "${replacement}": lone \\`);
      literal += next;
      i++;
    } else if (c === '$') {
      const digits = /^\d\d?/.exec(replacement.slice(i + 1));
      if (digits === null)
        throw new ExpressionError(
          `Invalid REPLACE replacement "${replacement}": $ without a group number`,
        );
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(Number(digits[0]));
      i += digits[0].length;
    } else {
      literal += c;
    }
  }
  if (literal !== '') parts.push(literal);
  return parts;
}

/**
 * Expands a parsed replacement for one match. A two-digit reference beyond the pattern's
 * groups reads as the first digit followed by the literal second digit, as XPath specifies,
 * and a group that took no part in the match inserts nothing.
 */
function expandReplacement(parts: readonly ReplacementPart[], match: RE2ExecArray): string {
  let result = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      result += part;
    } else if (part < match.length) {
      result += match[part] ?? '';
    } else if (part >= 10 && Math.floor(part / 10) < match.length) {
      result += (match[Math.floor(part / 10)] ?? '') + String(part % 10);
    }
  }
  return result;
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
  let re2Flags = 'gu';
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
