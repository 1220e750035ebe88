import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import sparqljs from 'sparqljs';
import { TEST_BASE } from '../../conformance/manifest.js';
import { useDispatchLexer } from '../../src/sparql/lexer-dispatch.js';
import {
  createSparqlParser,
  setFastDriverEnabled,
  usesFastDriver,
  type SparqlParserOptions,
} from '../../src/sparql/parser-driver.js';
import { SPARQL_TERM_FACTORY } from '../../src/sparql/parser-terms.js';
import { outcomeOf } from './lexer-compare.js';
import {
  benchValuesQueries,
  listFiles,
  LUBM_QUERIES,
  preparedVariant,
  SPARQL_SUITES,
} from './parse-corpus.js';

/** The parser members these tests use beyond the public `parse`. */
interface ParserInternals {
  parse(text: string): unknown;
  _resetBlanks(): void;
}

/** Builds a stock and a fast parser as the engine does: its term factory and the fast lexer. */
function parsers(baseIRI?: string): { stock: ParserInternals; fast: ParserInternals } {
  const options: SparqlParserOptions = { factory: SPARQL_TERM_FACTORY };
  if (baseIRI !== undefined) options.baseIRI = baseIRI;
  const stock = new sparqljs.Parser(options);
  const fast = createSparqlParser(options);
  assert.ok(usesFastDriver(fast), 'the fast driver declined the installed sparqljs');
  useDispatchLexer(stock);
  useDispatchLexer(fast);
  return {
    stock: stock as unknown as ParserInternals,
    fast: fast as unknown as ParserInternals,
  };
}

const XSD_DOUBLE = 'http://www.w3.org/2001/XMLSchema#double';

/**
 * Returns the outcome JSON with the lexical forms of xsd:double literals in lower case, as the
 * stock driver gives them. The fast driver keeps them as written.
 */
function lowerCaseDoubles(outcome: string): string {
  return JSON.stringify(
    JSON.parse(outcome, (_key, value: unknown) => {
      const term = value as { termType?: unknown; value?: unknown; datatype?: { value?: unknown } };
      if (term?.termType === 'Literal' && term.datatype?.value === XSD_DOUBLE) {
        return { ...term, value: String(term.value).toLowerCase() };
      }
      return value;
    }),
  );
}

/**
 * Asserts that the fast and the stock driver return the same tree or throw the same error,
 * apart from the case of DOUBLE literals.
 */
function assertSameOutcome(label: string, text: string, baseIRI?: string): void {
  const { stock, fast } = parsers(baseIRI);
  const expected = outcomeOf(stock, text);
  let actual = outcomeOf(fast, text);
  if (actual !== expected && /E/.test(text)) actual = lowerCaseDoubles(actual);
  assert.equal(actual, expected, `parse outcome of ${label}`);
}

function w3cFiles(): { relative: string; text: string; baseIRI: string }[] {
  return listFiles(SPARQL_SUITES, ['.rq', '.ru']).map((file) => {
    const relative = path.relative(SPARQL_SUITES, file);
    const baseIRI = `${TEST_BASE}sparql/${relative.split(path.sep).join('/')}`;
    return { relative, text: readFileSync(file, 'utf8'), baseIRI };
  });
}

describe('fast parser driver against the stock sparqljs driver', () => {
  it('matches on all W3C .rq and .ru files', () => {
    const files = w3cFiles();
    assert.ok(files.length > 1000, `only ${files.length} query and update files found`);
    let failures = 0;
    let prepared = 0;
    for (const { relative, text, baseIRI } of files) {
      assertSameOutcome(relative, text, baseIRI);
      if (outcomeOf(parsers(baseIRI).fast, text).startsWith('{"error"')) failures++;
      const variant = preparedVariant(text);
      if (variant !== undefined) {
        prepared++;
        assertSameOutcome(`${relative} (prepared)`, variant, baseIRI);
      }
    }
    // The syntax suites hold negative tests, so the error path ran as well.
    assert.ok(failures > 50, `only ${failures} files failed to parse`);
    assert.ok(prepared > 0, 'no file changed in preparation, so that path went untested');
  });

  it('matches on the LUBM and the bench VALUES queries', () => {
    const files = listFiles(LUBM_QUERIES, ['.rq']);
    assert.equal(files.length, 14);
    for (const file of files) assertSameOutcome(path.basename(file), readFileSync(file, 'utf8'));
    for (const [index, query] of benchValuesQueries(1000).entries()) {
      assertSameOutcome(`VALUES query ${index}`, query);
    }
  });

  it('matches on edited W3C files', () => {
    const files = w3cFiles().filter(({ text }) => text.length > 0);
    const edit = fc.record({
      file: fc.nat({ max: files.length - 1 }),
      start: fc.double({ min: 0, max: 1, noNaN: true }),
      length: fc.nat({ max: 40 }),
      repeat: fc.boolean(),
    });
    fc.assert(
      fc.property(edit, ({ file, start, length, repeat }) => {
        const { relative, text, baseIRI } = files[file]!;
        const from = Math.floor(start * text.length);
        const span = text.slice(from, from + length);
        const edited =
          text.slice(0, from) + (repeat ? span + span : '') + text.slice(from + length);
        assertSameOutcome(`${relative} edited at ${from}`, edited, baseIRI);
      }),
      { numRuns: 2000 },
    );
  });

  it('matches on nesting deeper than the initial state stack', () => {
    for (const depth of [63, 64, 65, 200]) {
      const groups = `${'{ '.repeat(depth)}?s ?p ?o${' }'.repeat(depth)}`;
      assertSameOutcome(`${depth} nested groups`, `SELECT * WHERE ${groups}`);
      const sums = `${'('.repeat(depth)}1${' + 1)'.repeat(depth)}`;
      assertSameOutcome(`${depth} nested sums`, `SELECT (${sums} AS ?x) {}`);
    }
  });

  it('keeps prefixes and base per parse', () => {
    const { stock, fast } = parsers('http://example.org/base/');
    const texts = [
      'BASE <http://other.example/> PREFIX e: <http://e/> SELECT * { e:a <b> ?o }',
      'SELECT * { e:a <b> ?o }',
      'PREFIX e: <http://e/> SELECT * { e:a ?p ?o } GARBAGE',
      'SELECT * { e:a ?p ?o }',
      'SELECT * { <b> ?p ?o }',
    ];
    for (const text of texts) assert.equal(outcomeOf(fast, text), outcomeOf(stock, text), text);
  });

  it('keeps the case of DOUBLE literals', () => {
    const { stock, fast } = parsers();
    const cases: [string, string][] = [
      ['SELECT * { ?s ?p 1E-3 }', '1E-3'],
      ['SELECT * { ?s ?p -2.5E+3 }', '-2.5E+3'],
      ['SELECT * { FILTER(?x = +1E3) }', '1E3'],
      ['SELECT * { ?s ?p 1e-3 }', '1e-3'],
    ];
    for (const [text, lexical] of cases) {
      const tree = JSON.stringify(fast.parse(text));
      assert.ok(tree.includes(`"value":"${lexical}"`), `${text} gave ${tree}`);
      const stockTree = outcomeOf(stock, text);
      assert.ok(stockTree.includes(`"value":"${lexical.toLowerCase()}"`), stockTree);
    }
  });

  it('rejects undeclared prefixes named like Object members', () => {
    const { stock, fast } = parsers('http://example.org/base/');
    for (const prefix of ['toString', 'constructor', 'hasOwnProperty']) {
      const text = `SELECT * { ${prefix}:a ?p ?o }`;
      // The stock parser finds the prefix on Object.prototype and expands it to a function.
      assert.match(outcomeOf(stock, text), /function/);
      assert.throws(() => fast.parse(text), new RegExp(`Unknown prefix: ${prefix}`));
    }
  });

  it('throws stock errors, then parses again', () => {
    const { fast } = parsers();
    assert.throws(
      () => fast.parse('SELECT * WHERE {\n  ?s ?p }'),
      (error: Error & { hash?: { expected?: unknown[]; loc?: unknown } }) =>
        /Parse error on line 2/.test(error.message) &&
        Array.isArray(error.hash?.expected) &&
        error.hash.loc !== undefined,
    );
    const parsed = fast.parse('SELECT * WHERE { ?s ?p ?o }') as { queryType?: string };
    assert.equal(parsed.queryType, 'SELECT');
  });
});

describe('fast parser driver fallback', () => {
  it('declines another expected fingerprint', () => {
    const options = { factory: SPARQL_TERM_FACTORY };
    assert.equal(usesFastDriver(createSparqlParser(options, '0'.repeat(64))), false);
    assert.equal(usesFastDriver(createSparqlParser(options)), true);
  });

  it('keeps the stock driver without a factory option', () => {
    const parser = createSparqlParser({});
    assert.equal(usesFastDriver(parser), false);
    assert.equal(parser.parse('ASK {}').type, 'query');
  });

  it('keeps the stock driver when off', () => {
    setFastDriverEnabled(false);
    try {
      assert.equal(usesFastDriver(createSparqlParser({ factory: SPARQL_TERM_FACTORY })), false);
    } finally {
      setFastDriverEnabled(true);
    }
    assert.equal(usesFastDriver(createSparqlParser({ factory: SPARQL_TERM_FACTORY })), true);
  });
});
