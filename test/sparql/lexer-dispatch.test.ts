import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import sparqljs from 'sparqljs';
import { TEST_BASE } from '../../conformance/manifest.js';
import {
  createDispatchLexer,
  lexerFingerprint,
  setDispatchLexerEnabled,
  SUPPORTED_LEXER_FINGERPRINT,
  useDispatchLexer,
  type JisonLexer,
} from '../../src/sparql/lexer-dispatch.js';
import { dispatchLexer, parseOutcome, stockLexer, tokenStream } from './lexer-compare.js';
import {
  benchValuesQueries,
  listFiles,
  LUBM_QUERIES,
  preparedVariant,
  SPARQL_SUITES,
} from './parse-corpus.js';

/** Asserts that both lexers produce the same tokens, and sparqljs the same result or error. */
function assertSameOutcome(label: string, text: string, baseIRI?: string): void {
  assert.deepEqual(
    tokenStream(dispatchLexer, text),
    tokenStream(stockLexer, text),
    `token stream of ${label}`,
  );
  assert.equal(
    parseOutcome(dispatchLexer, text, baseIRI),
    parseOutcome(stockLexer, text, baseIRI),
    `parse result of ${label}`,
  );
}

describe('dispatching lexer against the stock sparqljs lexer', () => {
  it('is active for the installed sparqljs', () => {
    assert.equal(lexerFingerprint(stockLexer), SUPPORTED_LEXER_FINGERPRINT);
    assert.ok(useDispatchLexer(new sparqljs.Parser()));
  });

  it('matches on all W3C .rq and .ru files', () => {
    const files = listFiles(SPARQL_SUITES, ['.rq', '.ru']);
    assert.ok(files.length > 1000, `only ${files.length} query and update files found`);
    let prepared = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const relative = path.relative(SPARQL_SUITES, file);
      const baseIRI = `${TEST_BASE}sparql/${relative.split(path.sep).join('/')}`;
      assertSameOutcome(relative, text, baseIRI);
      const variant = preparedVariant(text);
      if (variant !== undefined) {
        prepared++;
        assertSameOutcome(`${relative} (prepared)`, variant, baseIRI);
      }
    }
    assert.ok(prepared > 0, 'no file changed in preparation, so that path went untested');
  });

  it('matches on the LUBM queries', () => {
    const files = listFiles(LUBM_QUERIES, ['.rq']);
    assert.equal(files.length, 14);
    for (const file of files) assertSameOutcome(path.basename(file), readFileSync(file, 'utf8'));
  });

  it('matches on the bench VALUES queries', () => {
    const queries = benchValuesQueries(1000);
    assert.equal(queries.length, 2);
    for (const [index, query] of queries.entries()) {
      assert.ok(query.length > 50_000, 'the VALUES query is shorter than expected');
      assertSameOutcome(`VALUES query ${index}`, query);
    }
  });

  it('matches on invalid and empty inputs', () => {
    const cases = [
      'SELECT * WHERE {\n  ?s ?p }',
      'SELECT * { ?s ?p "unterminated\n }',
      'SELECT * { ?s ?p ?o } LIMIT x',
      'ASK { <http://a> <http://b> """long\nstring""" . FILTER(?x = 1e) }',
      'PREFIX : <http://e/> SELECT * { :a\\ :b :c }',
      'SELECT * { ?s ?p ?o }\r\n# comment\r\nGARBAGE',
      'SELECT (COUNT(*) AS ?c) { ?s ?p ?o } GROUP BY',
      'SELECT * { ?s ?p 1.5e+ }',
      'SELECT ?\u00e9 { ?s ?p ?\u00e9 . ?s ?p \u2028 }',
      '',
      '   \n\t',
    ];
    for (const text of cases) assertSameOutcome(JSON.stringify(text), text);
  });
});

describe('dispatching lexer fallback', () => {
  /** Returns a copy of the stock lexer with `rules` in place of its rule list. */
  function withRules(rules: RegExp[]): JisonLexer {
    const lexer = Object.create(stockLexer) as JisonLexer;
    lexer.rules = rules;
    return lexer;
  }

  it('declines a lexer with a different rule list', () => {
    const changed = withRules([...stockLexer.rules]);
    changed.rules[3] = /^(?:SELECTED)/i;
    assert.equal(createDispatchLexer(changed), undefined);
  });

  it('declines another expected fingerprint', () => {
    assert.equal(createDispatchLexer(stockLexer, '0'.repeat(64)), undefined);
    assert.notEqual(createDispatchLexer(stockLexer), undefined);
  });

  it('declines a rule it cannot analyse', () => {
    const changed = withRules([...stockLexer.rules]);
    changed.rules[3] = /^(?:SELECT(?=\s))/i;
    assert.equal(createDispatchLexer(changed, lexerFingerprint(changed)), undefined);
  });

  it('keeps a changed parser working', () => {
    const parser = new sparqljs.Parser();
    const holder = parser as unknown as { lexer: JisonLexer };
    const changed = withRules([...stockLexer.rules, /^(?:NEVERUSED)/i]);
    holder.lexer = changed;
    assert.equal(useDispatchLexer(parser), false);
    assert.equal(holder.lexer, changed);
    const parsed = parser.parse('SELECT * { ?s ?p ?o }');
    assert.equal(parsed.type, 'query');
  });

  it('keeps the stock lexer when off', () => {
    setDispatchLexerEnabled(false);
    try {
      const parser = new sparqljs.Parser();
      assert.equal(useDispatchLexer(parser), false);
      assert.equal((parser as unknown as { lexer: JisonLexer }).lexer, stockLexer);
    } finally {
      setDispatchLexerEnabled(true);
    }
    assert.equal(useDispatchLexer(new sparqljs.Parser()), true);
  });

  it('installs on a stock parser', () => {
    const parser = new sparqljs.Parser();
    assert.equal(useDispatchLexer(parser), true);
    const holder = parser as unknown as { lexer: JisonLexer };
    assert.notEqual(holder.lexer, stockLexer);
    assert.equal(Object.getPrototypeOf(holder.lexer), stockLexer);
  });
});
