/**
 * A fast path for the most common query shape: PREFIX declarations, then SELECT with a
 * variable list or `*`, one group of triple patterns and VALUES blocks, and LIMIT or OFFSET.
 * For such a text it builds the syntax tree sparqljs builds, with the same term factory calls. On LUBM q06, q09
 * and q12 it took 3–12 µs where sparqljs, even with the fast lexer and driver, took 42–80 µs
 * (bench runs on a busy 2-core machine), while evaluating those queries takes 2–10 µs.
 *
 * It declines (returns undefined) anything else, and anything it is unsure of. That includes
 * BASE, relative IRIs, blank nodes, paths, strings with escapes, and numbers other than
 * unsigned integers. It also declines names with characters other than ASCII letters, digits,
 * `_` and `-`, white space other than space, tab, CR and LF, an undeclared prefix, a repeated
 * projected variable, and every syntax error. The caller then runs sparqljs, which reports
 * the errors. test/sparql/simple-select.test.ts compares the trees with sparqljs's on the W3C
 * test files, on edited copies of the LUBM and VALUES queries, and on the LUBM and bench
 * VALUES queries themselves. The tokens and terms are read in simple-terms.ts.
 */
import type * as RDF from '@rdfjs/types';
import sparqljs from 'sparqljs';
import type * as Sparql from 'sparqljs';
import {
  DECLINE,
  DELIMITERS,
  isLetter,
  isNameChar,
  RDF_TYPE,
  SimpleTermReader,
} from './simple-terms.js';

class SimpleSelectReader extends SimpleTermReader {
  read(baseIri: string | undefined): Sparql.SelectQuery {
    let keyword = this.keyword();
    while (keyword === 'PREFIX') {
      this.prefixDeclaration();
      keyword = this.keyword();
    }
    if (keyword !== 'SELECT') throw DECLINE;
    const query = { queryType: 'SELECT' } as Sparql.SelectQuery;
    const variables = this.projection(query);
    if (this.code() !== 0x7b && this.keyword() !== 'WHERE') throw DECLINE;
    query.variables = variables;
    query.where = this.group();
    this.modifiers(query);
    this.gap();
    if (this.at !== this.text.length) throw DECLINE;
    query.type = 'query';
    if (baseIri !== undefined && baseIri !== '') query.base = baseIri;
    query.prefixes = this.prefixes;
    return query;
  }

  private prefixDeclaration(): void {
    this.gap();
    const prefix = this.prefixName();
    if (this.text.charCodeAt(this.at) !== 0x3a) throw DECLINE;
    this.at++;
    this.ended();
    if (this.code() !== 0x3c) throw DECLINE;
    this.prefixes[prefix] = this.iriRef();
  }

  /** Reads DISTINCT or REDUCED and the projected variables or `*`. */
  private projection(query: Sparql.SelectQuery): Sparql.SelectQuery['variables'] {
    let code = this.code();
    if (isLetter(code)) {
      const keyword = this.keyword();
      if (keyword === 'DISTINCT') query.distinct = true;
      else if (keyword === 'REDUCED') query.reduced = true;
      else throw DECLINE;
      code = this.code();
    }
    if (code === 0x2a) {
      this.at++;
      return [new sparqljs.Wildcard()];
    }
    const variables: RDF.Variable[] = [];
    const names = new Set<string>();
    while (code === 0x3f || code === 0x24) {
      const variable = this.variable();
      // sparqljs rejects a repeated column, so it reports the error.
      if (names.has(variable.value)) throw DECLINE;
      names.add(variable.value);
      variables.push(variable);
      code = this.code();
    }
    if (variables.length === 0) throw DECLINE;
    return variables;
  }

  /**
   * Reads `{ ... }` of triple patterns and VALUES blocks, and returns the where clause sparqljs
   * builds for it: consecutive triples form one bgp.
   */
  private group(): Sparql.Pattern[] {
    if (this.code() !== 0x7b) throw DECLINE;
    this.at++;
    const patterns: Sparql.Pattern[] = [];
    let triples: Sparql.Triple[] = [];
    while (this.code() !== 0x7d) {
      const valuesEnd = this.valuesKeywordEnd();
      if (valuesEnd >= 0) {
        this.at = valuesEnd;
        if (triples.length > 0) patterns.push({ type: 'bgp', triples });
        triples = [];
        patterns.push(this.valuesBlock());
        if (this.code() === 0x2e) this.at++;
        continue;
      }
      this.sameSubject(triples);
      const code = this.code();
      if (code === 0x2e) this.at++;
      else if (code !== 0x7d && this.valuesKeywordEnd() < 0) throw DECLINE;
    }
    this.at++;
    if (triples.length > 0) patterns.push({ type: 'bgp', triples });
    return patterns;
  }

  /** Returns where the keyword VALUES ends when it is the next token, or -1. */
  private valuesKeywordEnd(): number {
    const text = this.text;
    const start = this.at;
    if ((text.charCodeAt(start) | 0x20) !== 0x76) return -1;
    let end = start;
    while (isLetter(text.charCodeAt(end))) end++;
    if (end - start !== 6 || text.slice(start, end).toUpperCase() !== 'VALUES') return -1;
    if (end < text.length && !DELIMITERS.has(text.charCodeAt(end))) return -1;
    return end;
  }

  /**
   * Reads the variables and rows of a VALUES block, after the keyword. Each row is an object
   * from `?name` to the term, or to undefined for UNDEF, as in sparqljs.
   */
  private valuesBlock(): Sparql.ValuesPattern {
    const names: string[] = [];
    let code = this.code();
    const listed = code === 0x28;
    if (listed) {
      this.at++;
      while ((code = this.code()) !== 0x29) {
        if (code !== 0x3f && code !== 0x24) throw DECLINE;
        const name = `?${this.variable().value}`;
        if (names.includes(name)) throw DECLINE;
        names.push(name);
      }
      this.at++;
    } else if (code === 0x3f || code === 0x24) {
      // sparqljs keys the rows of this form by the variable as written, with `?` or `$`.
      names.push(`${String.fromCharCode(code)}${this.variable().value}`);
    }
    if (names.length === 0 || this.code() !== 0x7b) throw DECLINE;
    this.at++;
    const values: Sparql.ValuePatternRow[] = [];
    while (this.code() !== 0x7d) {
      if (listed && this.code() !== 0x28) throw DECLINE;
      if (listed) this.at++;
      const row: Sparql.ValuePatternRow = {};
      for (const name of names) row[name] = this.dataValue();
      if (listed) {
        if (this.code() !== 0x29) throw DECLINE;
        this.at++;
      }
      values.push(row);
    }
    this.at++;
    return { type: 'values', values };
  }

  /** Reads a term of a VALUES row: an IRI, a literal or UNDEF, which gives undefined. */
  private dataValue(): Sparql.ValuePatternRow[string] {
    const code = this.code();
    if (code === 0x3f || code === 0x24) throw DECLINE;
    if ((code | 0x20) === 0x75) {
      const start = this.at;
      while (isLetter(this.text.charCodeAt(this.at))) this.at++;
      const word = this.text.slice(start, this.at);
      if (word.toUpperCase() === 'UNDEF' && DELIMITERS.has(this.text.charCodeAt(this.at))) {
        return undefined;
      }
      this.at = start;
    }
    return this.term() as Sparql.ValuePatternRow[string];
  }

  /** Reads a subject and its property list, appending one triple per object. */
  private sameSubject(triples: Sparql.Triple[]): void {
    const subject = this.term() as Sparql.Triple['subject'];
    for (;;) {
      const predicate = this.verb();
      for (;;) {
        triples.push({ subject, predicate, object: this.term() as Sparql.Triple['object'] });
        if (this.code() !== 0x2c) break;
        this.at++;
      }
      // A `;` may be repeated, and may end the property list.
      let code = this.code();
      if (code !== 0x3b) return;
      while (code === 0x3b) {
        this.at++;
        code = this.code();
      }
      if (code === 0x2e || code === 0x7d) return;
    }
  }

  private verb(): RDF.Variable | RDF.NamedNode {
    const code = this.code();
    const text = this.text;
    if (code === 0x61 && !isNameChar(text.charCodeAt(this.at + 1))) {
      if (text.charCodeAt(this.at + 1) === 0x3a) return this.prefixedName();
      this.at++;
      this.ended();
      return this.factory.namedNode(RDF_TYPE);
    }
    if (code === 0x3f || code === 0x24) return this.variable();
    if (code === 0x3c) return this.factory.namedNode(this.iriRef());
    return this.prefixedName();
  }

  /** Reads LIMIT and OFFSET, each at most once, in either order. */
  private modifiers(query: Sparql.SelectQuery): void {
    let limit: number | undefined;
    let offset: number | undefined;
    while (isLetter(this.code())) {
      const keyword = this.keyword();
      if (keyword === 'LIMIT' && limit === undefined) limit = this.integer();
      else if (keyword === 'OFFSET' && offset === undefined) offset = this.integer();
      else throw DECLINE;
    }
    // sparqljs sets limit before offset, whatever their order in the text.
    if (limit !== undefined) query.limit = limit;
    if (offset !== undefined) query.offset = offset;
  }
}

/**
 * Returns the sparqljs syntax tree of `text` when it is a query of the simple shape this
 * module reads, or undefined. `text` must have its `\u` escapes decoded, as sparqljs reads it;
 * `factory` must be the factory the sparqljs parser would be given.
 */
export function readSimpleSelect(
  text: string,
  baseIri: string | undefined,
  factory: RDF.DataFactory,
): Sparql.SelectQuery | undefined {
  try {
    return new SimpleSelectReader(text, factory).read(baseIri);
  } catch (error) {
    if (error === DECLINE) return undefined;
    throw error;
  }
}
