/**
 * A faster lexer for sparqljs with the same output. The Jison 0.4.18 lexer of sparqljs runs
 * in flex mode: for every token it tries all 126 rules against the rest of the input and keeps
 * the longest match, the earlier rule winning a tie. In bench/profile-parse.ts runs that took
 * 45–85 % of the parse time of LUBM q12 and of 1,000-row VALUES queries. The dispatching lexer
 * tries only the rules that can start with the next code unit, in the same order and with the
 * same longest-match rule, and skips a rule whose matches cannot be longer than the best match
 * so far. It then hands the match to the stock `test_match`.
 * The parser therefore receives the same token ids, `yytext`, `yylineno`, `yylloc` and error
 * messages.
 *
 * It fails closed. The candidate lists are derived from the rule list when the lexer is first
 * needed. Parsers keep the stock lexer when the sparqljs version or the fingerprint of its
 * lexer (rules, conditions, options, actions and driver methods) differs from the ones the
 * tests checked, and when the derivation or its self-check fails.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Sparql from 'sparqljs';
import { firstCharsOf, UnsupportedPatternError } from './lexer-first-chars.js';

/** The part of a Jison 0.4.18 lexer that the dispatching lexer reads, calls or replaces. */
export interface JisonLexer {
  EOF: number;
  rules: RegExp[];
  conditions: Record<string, { rules: number[]; inclusive: boolean }>;
  options: Record<string, unknown>;
  performAction: (...args: never[]) => unknown;
  setInput(input: string, yy?: object): JisonLexer;
  next(): number | string | false;
  lex(): number | string;
  test_match(match: RegExpExecArray, rule: number): number | string | false;
  _currentRules(): number[];
  _input: string;
  _more: boolean;
  done: boolean;
  yytext: string;
  match: string;
  conditionStack: string[];
}

/** The sparqljs release whose lexer the differential tests compared with this one. */
export const SUPPORTED_SPARQLJS_VERSION = '3.7.4';

/**
 * SHA-256 of the sparqljs 3.7.4 lexer as `lexerFingerprint` computes it. When a sparqljs
 * upgrade changes it, run test/sparql/lexer-dispatch.test.ts against the new release before
 * updating this value and the version above.
 */
export const SUPPORTED_LEXER_FINGERPRINT =
  'a3d887bb814e6ce41d7e98f6168536f1c2344ebeec2de1d4b54fe28d088af9f4';

/**
 * Returns a SHA-256 hex digest of everything the token stream depends on: the rule patterns
 * and flags, the start conditions, the options, and the source of the rule actions and of the
 * driver methods the dispatching lexer relies on.
 */
export function lexerFingerprint(lexer: JisonLexer): string {
  const hash = createHash('sha256');
  for (const rule of lexer.rules) hash.update(`${rule.flags}/${rule.source}\n`);
  hash.update(JSON.stringify(lexer.conditions));
  hash.update(JSON.stringify(lexer.options));
  for (const method of [
    lexer.performAction,
    lexer.setInput,
    lexer.next,
    lexer.lex,
    lexer.test_match,
    lexer._currentRules,
  ]) {
    hash.update(String(method));
  }
  return hash.digest('hex');
}

const ASCII_SIZE = 128;

/** Rule indexes to try, in rule order, for each ASCII first code unit and for the rest. */
interface DispatchTable {
  ascii: number[][];
  nonAscii: number[];
  /** Rules that match the empty string, tried at the end of the input. */
  emptyInput: number[];
  /** Maximum match length of each rule, by rule index; Infinity when it has no bound. */
  maxLengths: number[];
}

/**
 * Derives the candidate rules for each first code unit and the maximum match length of each
 * rule, or returns undefined when a rule uses syntax that firstCharsOf does not model.
 */
function buildDispatchTable(rules: readonly RegExp[]): DispatchTable | undefined {
  const table: DispatchTable = {
    ascii: Array.from({ length: ASCII_SIZE }, () => []),
    nonAscii: [],
    emptyInput: [],
    maxLengths: [],
  };
  for (const [index, rule] of rules.entries()) {
    let first;
    try {
      first = firstCharsOf(rule);
    } catch (error) {
      if (error instanceof UnsupportedPatternError) return undefined;
      throw error;
    }
    for (let code = 0; code < ASCII_SIZE; code++) {
      if (first.nullable || first.ascii[code]!) table.ascii[code]!.push(index);
    }
    if (first.nullable || first.nonAscii) table.nonAscii.push(index);
    // At the end of the input the rule runs on the empty string, so testing that is exact.
    if (rule.test('')) table.emptyInput.push(index);
    table.maxLengths.push(first.maxLength);
  }
  return table;
}

/** Non-ASCII code units that the self-check tries: letters, marks, surrogates, separators. */
const NON_ASCII_SAMPLES = ['\u00e9', '\u00b7', '\u0300', '\u203f', '\u3001', '\ud800', '\u2028'];

/**
 * Checks the table against the rules themselves: every rule that matches a one-character
 * input must be a candidate for that character. This catches a wrong derivation of the
 * simple cases; the differential tests cover the rest.
 */
function passesSelfCheck(rules: readonly RegExp[], table: DispatchTable): boolean {
  for (const [index, rule] of rules.entries()) {
    for (let code = 0; code < ASCII_SIZE; code++) {
      if (rule.test(String.fromCharCode(code)) && !table.ascii[code]!.includes(index)) {
        return false;
      }
    }
    for (const sample of NON_ASCII_SAMPLES) {
      if (rule.test(sample) && !table.nonAscii.includes(index)) return false;
    }
  }
  return true;
}

/**
 * Returns a `next` that runs only the candidate rules for the first code unit, or those that
 * match the empty string at the end of the input. `more()`, start conditions other than the
 * initial one and input that no candidate matches go to the stock `next`, so the stock lexer
 * raises its own errors.
 */
function dispatchingNext(table: DispatchTable, stockNext: JisonLexer['next']): JisonLexer['next'] {
  return function next(this: JisonLexer): number | string | false {
    if (this.done) return this.EOF;
    const input = this._input;
    if (typeof input !== 'string' || this._more || this.conditionStack.length !== 1) {
      return stockNext.call(this);
    }
    // As in the stock `next`, the empty input ends the lexing after this call.
    if (input === '') this.done = true;
    this.yytext = '';
    this.match = '';
    let candidates: readonly number[];
    if (input === '') {
      candidates = table.emptyInput;
    } else {
      const code = input.charCodeAt(0);
      candidates = code < ASCII_SIZE ? table.ascii[code]! : table.nonAscii;
    }
    const rules = this.rules;
    const maxLengths = table.maxLengths;
    let best: RegExpExecArray | null = null;
    let bestRule = -1;
    let bestLength = -1;
    for (const rule of candidates) {
      // Flex semantics: the longest match wins, and on a tie the earlier rule keeps it. So a
      // later rule that cannot match more than the best so far need not run.
      if (maxLengths[rule]! <= bestLength) continue;
      const match = rules[rule]!.exec(input);
      if (match !== null && match[0].length > bestLength) {
        best = match;
        bestRule = rule;
        bestLength = match[0].length;
      }
    }
    if (best === null) return stockNext.call(this);
    return this.test_match(best, bestRule);
  };
}

/**
 * Returns the next token, skipping rules that return none (white space and comments). Each
 * skipped match consumes at least one character, so the loop ends within the input length.
 */
function lexSkippingIgnored(this: JisonLexer): number | string {
  for (;;) {
    const token = this.next();
    if (token !== false) return token;
  }
}

/** The version in the manifest of the sparqljs package that `import` resolves to. */
export function installedSparqljsVersion(): string | undefined {
  const require = createRequire(import.meta.url);
  const manifest = require('sparqljs/package.json') as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : undefined;
}

/**
 * Builds a dispatching lexer on top of `stock`, or returns undefined when `stock` is not the
 * lexer it was checked against (`expectedFingerprint`, the sparqljs version) or when the
 * candidate table cannot be derived or fails its self-check.
 */
export function createDispatchLexer(
  stock: JisonLexer,
  expectedFingerprint: string = SUPPORTED_LEXER_FINGERPRINT,
): JisonLexer | undefined {
  if (installedSparqljsVersion() !== SUPPORTED_SPARQLJS_VERSION) return undefined;
  if (lexerFingerprint(stock) !== expectedFingerprint) return undefined;
  const table = buildDispatchTable(stock.rules);
  if (table === undefined || !passesSelfCheck(stock.rules, table)) return undefined;
  const lexer = Object.create(stock) as JisonLexer;
  lexer.next = dispatchingNext(table, stock.next);
  lexer.lex = lexSkippingIgnored;
  return lexer;
}

/** Dispatching lexers by the stock lexer they wrap; null when the stock one must be kept. */
const dispatchLexers = new WeakMap<JisonLexer, JisonLexer | null>();

let dispatchEnabled = true;

/**
 * Turns the dispatching lexer on or off for parsers set up after the call. It is on by default.
 * Benchmarks turn it off to measure the stock lexer in the same process.
 */
export function setDispatchLexerEnabled(enabled: boolean): void {
  dispatchEnabled = enabled;
}

/**
 * Makes `parser` tokenise with the dispatching lexer, built once per stock lexer. Returns
 * false, leaving the parser's stock lexer in place, when createDispatchLexer declines or the
 * dispatching lexer is turned off (setDispatchLexerEnabled).
 * The first call builds the table and runs the self-check, which took 20–35 ms on a shared
 * 2-core machine. The server makes that call at start-up (prepareSparqlParser).
 */
export function useDispatchLexer(parser: Sparql.SparqlParser): boolean {
  if (!dispatchEnabled) return false;
  const holder = parser as unknown as { lexer: JisonLexer };
  const stock = holder.lexer;
  let lexer = dispatchLexers.get(stock);
  if (lexer === undefined) {
    lexer = createDispatchLexer(stock) ?? null;
    dispatchLexers.set(stock, lexer);
  }
  if (lexer === null) return false;
  holder.lexer = lexer;
  return true;
}
