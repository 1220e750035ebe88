/**
 * A faster LR driver for the sparqljs parser, with the same output. Jison 0.4.18 generates a
 * driver loop that copies its three stacks on every reduction (`slice`), allocates an argument
 * array and a location object for every grammar action, and looks actions up in one object per
 * state. In a CPU profile of LUBM q09 sent with a new text every execution, that loop had
 * about half of the samples.
 *
 * This driver runs the same LALR tables and calls the same grammar actions (`performAction`),
 * so the tree is the one sparqljs builds, with one correction: a DOUBLE literal keeps the case
 * of its exponent (doubleLiteral). It keeps the tables in one dense Int16Array, shrinks
 * the stacks in place, and keeps no location stack: no sparqljs grammar action reads locations
 * (the fingerprint below covers the action source). On a syntax error it parses the text again
 * with the stock driver, which throws the stock error with its message, expected tokens and
 * location.
 *
 * It fails closed, like the dispatching lexer. Parsers keep the stock driver when the sparqljs
 * version differs from the one the tests checked. They also keep it when the fingerprint of the
 * driver, the grammar actions or the sparqljs `Parser` wrapper differs, and when the tables
 * contain an entry this driver does not know.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as RDF from '@rdfjs/types';
import sparqljs from 'sparqljs';
import type * as Sparql from 'sparqljs';
import { XSD } from '../rdf/terms.js';
import { SUPPORTED_SPARQLJS_VERSION, installedSparqljsVersion } from './lexer-dispatch.js';

/** A Jison action: [1, state] shift, [2, production] reduce, [3] accept; a number is a goto. */
type JisonAction = number | [number, number?];

/** The members of the Jison parser object (the prototype of every sparqljs parser) used here. */
interface JisonParserObject {
  table: Record<number, JisonAction>[];
  defaultActions: Record<number, JisonAction>;
  productions_: (0 | [number, number])[];
  symbols_: Record<string, number>;
  performAction: (this: { $: unknown; _$: unknown }, ...args: unknown[]) => unknown;
  parse(this: JisonParserInstance, input: string): unknown;
  lexer: JisonLexerLike;
}

/** The Jison parser constructor; sparqljs keeps its per-parse options as static fields on it. */
interface JisonParserConstructor {
  prototype: JisonParserObject;
  base: string;
  prefixes: Record<string, string>;
  factory: RDF.DataFactory;
  sparqlStar: boolean;
  pathOnly: boolean;
  skipValidation: boolean;
}

interface JisonLexerLike {
  setInput(input: string, yy: object): unknown;
  lex(): number | string | false;
  yytext: string;
  yyleng: number;
  yylineno: number;
  yylloc?: object;
}

interface JisonParserInstance {
  yy: Record<string, unknown>;
  lexer: JisonLexerLike;
  parseError: unknown;
  parse(input: string): unknown;
}

/** The options of `new sparqljs.Parser` that the fast parser supports. */
export interface SparqlParserOptions {
  baseIRI?: string;
  factory?: RDF.DataFactory;
}

/**
 * SHA-256 of the sparqljs 3.7.4 driver, grammar actions and `Parser` wrapper as
 * `driverFingerprint` computes it. When a sparqljs upgrade changes it, run
 * test/sparql/parser-driver.test.ts against the new release before updating this value.
 */
export const SUPPORTED_DRIVER_FINGERPRINT =
  'f3a1ce7f4c71846e394ac11ee51399b31011438bdf5b532eccfe50f4d96641f2';

const require = createRequire(import.meta.url);

const XSD_DOUBLE = `${XSD}double`;

/** The Jison end-of-input symbol and the symbol sparqljs's lexer returns at the end. */
const EOF = 1;

/**
 * Low two bits of a table entry: what the entry does (0 with the rest 0 is a syntax error, 0
 * with the rest set a goto). The rest is its state or production.
 */
const SHIFT = 1;
const REDUCE = 2;
const ACCEPT = 3;

/** The Jison tables, dense. A goto to state g is stored as (g + 1) << 2, so it is never 0. */
interface DriverTables {
  /** Entry for state s and symbol y at s * symbolCount + y; 0 means a syntax error. */
  actions: Int16Array;
  symbolCount: number;
  /** Per state, the reduce entry taken without reading a token, or 0. */
  defaults: Int16Array;
  /** Per production, its left-hand symbol and its length. */
  lhs: Int16Array;
  lengths: Int16Array;
  /** Per production, how it reads a DOUBLE token: DOUBLE_TOKEN, DOUBLE_AFTER_SIGN, or 0. */
  doubles: Int8Array;
  symbols: Record<string, number>;
}

/** The part of a DOUBLE token a production builds its literal from: all of it, or after the sign. */
const DOUBLE_TOKEN = 1;
const DOUBLE_AFTER_SIGN = 2;

/**
 * The grammar actions that lowercase a DOUBLE token, and how each reads it. One is for the
 * unsigned and the negative token (`1E3`, `-1E3`), the other for the positive one (`+1E3`),
 * whose sign sparqljs drops.
 */
const DOUBLE_ACTIONS: readonly [RegExp, number][] = [
  [
    /((?:case \d+:\s*)+)this\.\$ = createTypedLiteral\(lowercase\(\$\$\[\$0\]\), XSD_DOUBLE\);/,
    DOUBLE_TOKEN,
  ],
  [
    /((?:case \d+:\s*)+)this\.\$ = createTypedLiteral\(\$\$\[\$0\]\.substr\(1\)\.toLowerCase\(\), XSD_DOUBLE\);/,
    DOUBLE_AFTER_SIGN,
  ],
];

/**
 * Returns, per production, which DOUBLE_ACTIONS entry its action is, or undefined when an entry
 * is not found in the source of the grammar actions.
 */
function doubleProductions(
  jison: JisonParserObject,
  productionCount: number,
): Int8Array | undefined {
  const doubles = new Int8Array(productionCount);
  const source = String(jison.performAction);
  for (const [pattern, kind] of DOUBLE_ACTIONS) {
    const cases = pattern.exec(source)?.[1];
    if (cases === undefined) return undefined;
    for (const number of cases.match(/\d+/g) ?? []) {
      const production = Number(number);
      if (production >= productionCount) return undefined;
      doubles[production] = kind;
    }
  }
  return doubles;
}

/**
 * Returns a SHA-256 hex digest of the source of the Jison driver, the grammar actions and the
 * sparqljs wrapper whose static-field set-up the fast parser repeats.
 */
export function driverFingerprint(jison: JisonParserObject, wrapper: unknown): string {
  const hash = createHash('sha256');
  hash.update(String(jison.parse));
  hash.update(String(jison.performAction));
  hash.update(String(wrapper));
  return hash.digest('hex');
}

function encode(action: JisonAction | undefined): number | undefined {
  if (action === undefined) return 0;
  if (typeof action === 'number') return Number.isInteger(action) ? (action + 1) << 2 : undefined;
  if (!Array.isArray(action)) return undefined;
  const [kind, target] = action;
  if (kind === ACCEPT && action.length === 1) return ACCEPT;
  if ((kind === SHIFT || kind === REDUCE) && action.length === 2 && Number.isInteger(target)) {
    return ((target as number) << 2) | kind;
  }
  return undefined;
}

/** Builds the dense tables, or returns undefined when an entry does not fit them. */
function buildTables(jison: JisonParserObject): DriverTables | undefined {
  const symbolIds = Object.values(jison.symbols_);
  const symbolCount = Math.max(...symbolIds) + 1;
  const states = jison.table.length;
  const actions = new Int16Array(states * symbolCount);
  const defaults = new Int16Array(states);
  const fits = (value: number | undefined): value is number =>
    value !== undefined && value >= 0 && value <= 0x7fff;

  for (let state = 0; state < states; state++) {
    const row = jison.table[state] ?? {};
    for (const key of Object.keys(row)) {
      const symbol = Number(key);
      if (!Number.isInteger(symbol) || symbol < 0 || symbol >= symbolCount) return undefined;
      const entry = encode(row[symbol]);
      if (!fits(entry)) return undefined;
      actions[state * symbolCount + symbol] = entry;
    }
  }

  for (const key of Object.keys(jison.defaultActions)) {
    const state = Number(key);
    const entry = encode(jison.defaultActions[state]);
    if (!Number.isInteger(state) || state >= states || !fits(entry) || (entry & 3) !== REDUCE) {
      return undefined;
    }
    defaults[state] = entry;
  }

  const productions = jison.productions_;
  const lhs = new Int16Array(productions.length);
  const lengths = new Int16Array(productions.length);
  for (let index = 1; index < productions.length; index++) {
    const production = productions[index];
    if (!Array.isArray(production) || !fits(production[0]) || !fits(production[1])) {
      return undefined;
    }
    lhs[index] = production[0];
    lengths[index] = production[1];
  }

  const doubles = doubleProductions(jison, productions.length);
  if (doubles === undefined) return undefined;
  return { actions, symbolCount, defaults, lhs, lengths, doubles, symbols: jison.symbols_ };
}

/** Returned by the driver where the tables have no action. The stock driver then reports it. */
const SYNTAX_ERROR = Symbol('syntax error');

/** The location stack grammar actions receive. It stays empty, because no action reads it. */
const NO_LOCATIONS: readonly unknown[] = Object.freeze([]);

/**
 * Returns the literal of a DOUBLE token with its lexical form as written. sparqljs lowercases
 * it (`1E-3` becomes "1e-3"), which is another RDF term than the "1E-3" that n3 reads from
 * quad data and files, so a triple pattern with `1E-3` matched nothing loaded. `built` is what
 * the grammar action returned, kept when the token has no upper-case `E`.
 */
function doubleLiteral(
  token: string,
  kind: number,
  factory: RDF.DataFactory,
  built: unknown,
): unknown {
  if (!token.includes('E')) return built;
  const lexical = kind === DOUBLE_AFTER_SIGN ? token.slice(1) : token;
  return factory.literal(lexical, factory.namedNode(XSD_DOUBLE));
}

function grown(states: Int32Array): Int32Array<ArrayBuffer> {
  const larger = new Int32Array(states.length * 2);
  larger.set(states);
  return larger;
}

/**
 * Runs the LR automaton over `input` with `parser`'s lexer and grammar actions. Returns what
 * the accepting action returns, or SYNTAX_ERROR where the stock driver would throw a parse
 * error. Errors that the lexer or a grammar action throw pass through unchanged.
 */
function drive(
  tables: DriverTables,
  jison: JisonParserObject,
  parser: JisonParserInstance,
  input: string,
  factory: RDF.DataFactory,
): unknown {
  const { actions, symbolCount, defaults, lhs, lengths, doubles, symbols } = tables;
  // The same set-up as the stock driver: a lexer per parse, and a shared `yy` copied from the
  // parser's that the lexer and the grammar actions see.
  const lexer = Object.create(parser.lexer) as JisonLexerLike;
  const yy: Record<string, unknown> = {};
  for (const key of Object.keys(parser.yy)) yy[key] = parser.yy[key];
  lexer.setInput(input, yy);
  yy.lexer = lexer;
  yy.parser = parser;
  if (lexer.yylloc === undefined) lexer.yylloc = {};
  parser.parseError =
    typeof yy.parseError === 'function' ? yy.parseError : Object.getPrototypeOf(parser).parseError;

  const performAction = jison.performAction;
  // The state stack is typed and grows by doubling. The value stack stays a plain array of the
  // exact depth, because grammar actions index it from its length. It shrinks by pop(), which
  // V8 runs inline, while setting `length` is a runtime call.
  let states = new Int32Array(64);
  let top = 0;
  const values: unknown[] = [null];
  const result: { $: unknown; _$: unknown } = { $: undefined, _$: undefined };
  let yytext = '';
  let yyleng = 0;
  let yylineno = 0;
  let symbol = -1;
  for (;;) {
    const state = states[top]!;
    let entry = defaults[state]!;
    if (entry === 0) {
      if (symbol < 0) {
        const token = lexer.lex() || EOF;
        const id = typeof token === 'number' ? token : symbols[token];
        if (id === undefined || id < 0 || id >= symbolCount) return SYNTAX_ERROR;
        symbol = id;
      }
      entry = actions[state * symbolCount + symbol]!;
    }
    switch (entry & 3) {
      case SHIFT:
        if (++top === states.length) states = grown(states);
        states[top] = entry >> 2;
        values.push(lexer.yytext);
        symbol = -1;
        yyleng = lexer.yyleng;
        yytext = lexer.yytext;
        yylineno = lexer.yylineno;
        break;
      case REDUCE: {
        const production = entry >> 2;
        const length = lengths[production]!;
        result.$ = values[values.length - length];
        const returned = performAction.call(
          result,
          yytext,
          yyleng,
          yylineno,
          yy,
          production,
          values,
          NO_LOCATIONS,
        );
        if (returned !== undefined) return returned;
        const double = doubles[production];
        if (double !== 0)
          result.$ = doubleLiteral(values[values.length - 1] as string, double, factory, result.$);
        top -= length;
        for (let popped = 0; popped < length; popped++) values.pop();
        const target = actions[states[top]! * symbolCount + lhs[production]!]!;
        // A goto entry has its low bits clear. Anything else means the tables are not LALR
        // tables of this shape, so the stock driver reports the input.
        if (target === 0 || (target & 3) !== 0) return SYNTAX_ERROR;
        if (++top === states.length) states = grown(states);
        states[top] = (target >> 2) - 1;
        values.push(result.$);
        break;
      }
      case ACCEPT:
        return true;
      default:
        return SYNTAX_ERROR;
    }
  }
}

interface PreparedDriver {
  Jison: JisonParserConstructor;
  tables: DriverTables;
}

/** Prepared drivers by expected fingerprint; null when the stock driver must be kept. */
const preparedDrivers = new Map<string, PreparedDriver | null>();

function prepare(expectedFingerprint: string): PreparedDriver | null {
  let prepared = preparedDrivers.get(expectedFingerprint);
  if (prepared === undefined) {
    prepared = null;
    if (installedSparqljsVersion() === SUPPORTED_SPARQLJS_VERSION) {
      const Jison = (require('sparqljs/lib/SparqlParser') as { Parser: JisonParserConstructor })
        .Parser;
      const wrapper = (new sparqljs.Parser() as unknown as JisonParserInstance).parse;
      if (driverFingerprint(Jison.prototype, wrapper) === expectedFingerprint) {
        const tables = buildTables(Jison.prototype);
        if (tables !== undefined) prepared = { Jison, tables };
      }
    }
    preparedDrivers.set(expectedFingerprint, prepared);
  }
  return prepared;
}

/** Parsers whose `parse` runs the fast driver. */
const fastParsers = new WeakSet<object>();

/** Returns whether `parser` came from createSparqlParser with the fast driver in use. */
export function usesFastDriver(parser: Sparql.SparqlParser): boolean {
  return fastParsers.has(parser);
}

let driverEnabled = true;

/**
 * Turns the fast driver on or off for parsers created after the call. It is on by default.
 * Tests turn it off to check the fallback.
 */
export function setFastDriverEnabled(enabled: boolean): void {
  driverEnabled = enabled;
}

/**
 * Returns a sparqljs parser for `options` whose `parse` runs the fast driver, or a stock
 * sparqljs parser when the fast driver is off or declines the installed sparqljs (see the
 * module comment), or when `options` has no factory. Either way the parser's `lexer` can be
 * replaced afterwards (useDispatchLexer), and `parse` returns what the stock parser returns and
 * throws what it throws.
 */
export function createSparqlParser(
  options: SparqlParserOptions,
  expectedFingerprint: string = SUPPORTED_DRIVER_FINGERPRINT,
): Sparql.SparqlParser {
  const parser = new sparqljs.Parser(options) as unknown as JisonParserInstance;
  const factory = options.factory;
  const prepared = driverEnabled && factory !== undefined ? prepare(expectedFingerprint) : null;
  if (prepared === null || factory === undefined) return parser as unknown as Sparql.SparqlParser;
  const { Jison, tables } = prepared;
  const base = options.baseIRI ?? '';
  // The sparqljs wrapper copies the prefixes option into a fresh object per parser, and this
  // parser has none. The wrapper's copy inherits from Object.prototype, so an undeclared
  // `toString:` expanded to the text of a function. This copy inherits nothing, so sparqljs
  // reports an unknown prefix instead.
  const prefixes = Object.create(null) as object;
  // The grammar actions read their options from static fields of the Jison constructor. The
  // sparqljs wrapper sets them before every parse, and so does this one, with the same values
  // apart from the prefixes' prototype.
  const setOptions = (): void => {
    Jison.base = base;
    Jison.prefixes = Object.create(prefixes) as Record<string, string>;
    Jison.factory = factory;
    Jison.sparqlStar = false;
    Jison.pathOnly = false;
    Jison.skipValidation = false;
  };
  parser.parse = (input: string): unknown => {
    setOptions();
    const result = drive(tables, Jison.prototype, parser, input, factory);
    if (result !== SYNTAX_ERROR) return result;
    // The stock driver throws the error users and tests expect, with its expected tokens and
    // location. So a parse that fails costs two passes.
    setOptions();
    return Jison.prototype.parse.call(parser, input);
  };
  fastParsers.add(parser);
  return parser as unknown as Sparql.SparqlParser;
}
