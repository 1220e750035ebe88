/**
 * The tokens and terms of the simple SELECT fast path (simple-select.ts): white space and
 * comments, keywords, IRIs, prefixed names, variables, simple literals and integers, in the
 * ASCII subset that reader takes. Each method reads at `at` or throws DECLINE.
 */
import type * as RDF from '@rdfjs/types';
import { HAS_SCHEME } from './query-text.js';

export const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const XSD_INTEGER = 'http://www.w3.org/2001/XMLSchema#integer';

/** Thrown inside the reader to decline. It is a symbol, so throwing it captures no stack. */
export const DECLINE = Symbol('decline');

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

/** Characters after which a token has certainly ended: white space and punctuation. */
export const DELIMITERS = new Set(
  [' ', '\t', '\n', '\r', '#', '{', '}', '(', ')', ',', ';', '.', '?', '$', '<', '"', "'", '*'].map(
    (c) => c.charCodeAt(0),
  ),
);

export function isLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

export function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** ASCII characters of prefix and local names and variable names (PN_CHARS and `-`). */
export function isNameChar(code: number): boolean {
  return isLetter(code) || isDigit(code) || code === 0x5f || code === 0x2d;
}

/** Besides name characters, what may follow a dot inside a local name: `.`, `:`, `%`, `\\`. */
const LOCAL_NAME_MORE = new Set([0x2e, 0x3a, 0x25, 0x5c]);

/** Characters an IRIREF may not contain, besides those up to U+0020. */
const IRI_EXCLUDED = new Set(
  ['<', '>', '"', '{', '}', '|', '^', '`', '\\'].map((c) => c.charCodeAt(0)),
);

/** A reader of the tokens and terms of one text, with the prefixes declared so far. */
export class SimpleTermReader {
  protected at = 0;
  protected readonly prefixes: Record<string, string> = {};

  constructor(
    protected readonly text: string,
    protected readonly factory: RDF.DataFactory,
  ) {}

  /** Skips white space and comments, and returns the next code unit (NaN at the end). */
  protected code(): number {
    this.gap();
    return this.text.charCodeAt(this.at);
  }

  protected gap(): void {
    const text = this.text;
    let at = this.at;
    for (;;) {
      const code = text.charCodeAt(at);
      if (code === SPACE || code === TAB || code === LF || code === CR) {
        at++;
      } else if (code === 0x23) {
        while (at < text.length && text.charCodeAt(at) !== LF && text.charCodeAt(at) !== CR) at++;
      } else {
        break;
      }
    }
    this.at = at;
  }

  /** Checks that the token that ended at `this.at` is not followed by more of a token. */
  protected ended(): void {
    if (this.at < this.text.length && !DELIMITERS.has(this.text.charCodeAt(this.at))) {
      throw DECLINE;
    }
  }

  /** Reads a keyword of ASCII letters and returns it upper-cased. Declines a name. */
  protected keyword(): string {
    this.gap();
    const start = this.at;
    while (isLetter(this.text.charCodeAt(this.at))) this.at++;
    if (this.at === start) throw DECLINE;
    this.ended();
    return this.text.slice(start, this.at).toUpperCase();
  }

  /** Reads a PN_PREFIX of ASCII name characters starting with a letter, or an empty one. */
  protected prefixName(): string {
    const start = this.at;
    if (isLetter(this.text.charCodeAt(this.at))) {
      while (isNameChar(this.text.charCodeAt(this.at))) this.at++;
    }
    return this.text.slice(start, this.at);
  }

  /** Reads `<...>` around an absolute IRI and returns the IRI. */
  protected iriRef(): string {
    const text = this.text;
    const start = ++this.at;
    for (;;) {
      const code = text.charCodeAt(this.at);
      if (code === 0x3e) break;
      if (!(code > SPACE) || IRI_EXCLUDED.has(code)) throw DECLINE;
      this.at++;
    }
    const iri = text.slice(start, this.at++);
    if (!HAS_SCHEME.test(iri)) throw DECLINE;
    return iri;
  }

  protected variable(): RDF.Variable {
    const start = ++this.at;
    while (isNameChar(this.text.charCodeAt(this.at))) this.at++;
    // A variable name cannot contain `-`, so one right after it would be an operator.
    const name = this.text.slice(start, this.at);
    if (name === '' || name.includes('-')) throw DECLINE;
    this.ended();
    return this.factory.variable!(name);
  }

  /** Reads a variable, an IRI, a prefixed name, a simple string literal or an integer. */
  protected term(): RDF.Term {
    const code = this.code();
    if (code === 0x3f || code === 0x24) return this.variable();
    if (code === 0x3c) return this.factory.namedNode(this.iriRef());
    if (code === 0x22 || code === 0x27) return this.literal(code);
    if (isDigit(code)) {
      const start = this.at;
      while (isDigit(this.text.charCodeAt(this.at))) this.at++;
      // A dot would make a DECIMAL or a DOUBLE, and so would an exponent, which ended() rejects.
      if (this.text.charCodeAt(this.at) === 0x2e) throw DECLINE;
      this.ended();
      return this.factory.literal(
        this.text.slice(start, this.at),
        this.factory.namedNode(XSD_INTEGER),
      );
    }
    return this.prefixedName();
  }

  /** Reads PREFIX:local with a declared prefix and returns the named node it expands to. */
  protected prefixedName(): RDF.NamedNode {
    const text = this.text;
    const prefix = this.prefixName();
    if (text.charCodeAt(this.at) !== 0x3a) throw DECLINE;
    this.at++;
    const start = this.at;
    if (isNameChar(text.charCodeAt(this.at)) && text.charCodeAt(this.at) !== 0x2d) {
      while (isNameChar(text.charCodeAt(this.at))) this.at++;
    }
    // A dot followed by a name character continues a local name, and the reader leaves such
    // names to sparqljs. A dot followed by anything else ends the triple.
    const next = text.charCodeAt(this.at + 1);
    if (
      text.charCodeAt(this.at) === 0x2e &&
      (isNameChar(next) || next > 0x7f || LOCAL_NAME_MORE.has(next))
    ) {
      throw DECLINE;
    }
    this.ended();
    const expansion = Object.hasOwn(this.prefixes, prefix) ? this.prefixes[prefix] : undefined;
    if (expansion === undefined) throw DECLINE;
    return this.factory.namedNode(expansion + text.slice(start, this.at));
  }

  /** Reads a one-line string without escapes, with an optional language tag or datatype. */
  protected literal(quote: number): RDF.Literal {
    const text = this.text;
    // Three quotes open a long string.
    if (text.charCodeAt(this.at + 1) === quote && text.charCodeAt(this.at + 2) === quote) {
      throw DECLINE;
    }
    const start = ++this.at;
    for (;;) {
      const code = text.charCodeAt(this.at);
      if (code === quote) break;
      if (!(code >= 0) || code === 0x5c || code === LF || code === CR) throw DECLINE;
      // sparqljs rejects a lone surrogate and reports the error.
      if (code >= 0xd800 && code <= 0xdfff) throw DECLINE;
      this.at++;
    }
    const value = text.slice(start, this.at++);
    const code = text.charCodeAt(this.at);
    if (code === 0x40) {
      const tagStart = ++this.at;
      while (isLetter(text.charCodeAt(this.at))) this.at++;
      if (this.at === tagStart) throw DECLINE;
      while (text.charCodeAt(this.at) === 0x2d) {
        const partStart = ++this.at;
        while (isLetter(text.charCodeAt(this.at)) || isDigit(text.charCodeAt(this.at))) this.at++;
        if (this.at === partStart) throw DECLINE;
      }
      this.ended();
      return this.factory.literal(value, text.slice(tagStart, this.at).toLowerCase());
    }
    if (code === 0x5e && text.charCodeAt(this.at + 1) === 0x5e) {
      this.at += 2;
      const datatype =
        text.charCodeAt(this.at) === 0x3c
          ? this.factory.namedNode(this.iriRef())
          : this.prefixedName();
      return this.factory.literal(value, datatype);
    }
    this.ended();
    return this.factory.literal(value);
  }

  protected integer(): number {
    this.gap();
    const start = this.at;
    while (isDigit(this.text.charCodeAt(this.at))) this.at++;
    if (this.at === start || this.text.charCodeAt(this.at) === 0x2e) throw DECLINE;
    this.ended();
    return parseInt(this.text.slice(start, this.at), 10);
  }
}
