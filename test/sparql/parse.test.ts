import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SparqlSyntaxError, UnsupportedFeatureError } from '../../src/errors.js';
import { executeQuery, parseQuery } from '../../src/sparql/index.js';
import { naiveDatasetFromTrig } from './naive-source.js';
import { PREFIXES } from './helpers.js';

describe('parseQuery', () => {
  it('reports line and column of a syntax error', () => {
    let error: unknown;
    try {
      parseQuery('SELECT * WHERE {\n  ?s ?p }');
    } catch (caught) {
      error = caught;
    }
    assert.ok(error instanceof SparqlSyntaxError);
    assert.equal(error.location?.line, 2);
    assert.equal(error.location?.column, 9);
    assert.match(error.message, /line 2, column 9: unexpected "}"/);
    assert.equal(error.code, 'SPARQL_SYNTAX');
  });

  it('rejects SPARQL Update as a syntax error', () => {
    assert.throws(
      () => parseQuery('INSERT DATA { <http://a> <http://b> <http://c> }'),
      (error: unknown) => error instanceof SparqlSyntaxError && /SPARQL Update/.test(error.message),
    );
  });

  it('reports an undefined prefix', () => {
    assert.throws(() => parseQuery('SELECT * { ?s ex:p ?o }'), SparqlSyntaxError);
  });

  it('resolves relative IRIs against baseIri', () => {
    const parsed = parseQuery('SELECT * { <a> ?p ?o }', 'http://example.org/');
    assert.equal(parsed.queryType, 'SELECT');
    assert.deepEqual(parsed.variables, ['p', 'o']);
  });

  it('returns the query form and variables', () => {
    assert.equal(parseQuery('ASK {}').queryType, 'ASK');
    assert.equal(parseQuery('CONSTRUCT WHERE { ?s ?p ?o }').queryType, 'CONSTRUCT');
    assert.equal(parseQuery('DESCRIBE <http://a>').queryType, 'DESCRIBE');
    assert.deepEqual(parseQuery('SELECT ?b ?a { ?a ?b ?c }').variables, ['b', 'a']);
  });
});

describe('unsupported features', () => {
  const cases: [string, string][] = [
    [
      'SELECT * { GRAPH ?g { { SELECT (COUNT(*) AS ?n) { ?s ?p ?o } } } }',
      'aggregation in a subquery inside GRAPH ?var',
    ],
    [
      'SELECT * { GRAPH ?g { { SELECT ?s { ?s ?p ?o } LIMIT 1 } } }',
      'LIMIT or OFFSET in a subquery inside GRAPH ?var',
    ],
    ['SELECT * { ?s ?p ?o FILTER EXISTS { ?s :q ?x BIND(1 AS ?y) } }', 'BIND inside EXISTS'],
    ['SELECT * { ?s ?p ?o FILTER EXISTS { VALUES ?x { 1 } } }', 'VALUES inside EXISTS'],
    [
      'SELECT * { ?s ?p ?o FILTER NOT EXISTS { ?s ?p ?o MINUS { ?s :q ?o } } }',
      'MINUS inside EXISTS',
    ],
    ['SELECT * { ?s :p +5 }', 'numeric literal with a leading + in a triple pattern'],
    ['SELECT * { ?s :p (1 +5) }', 'numeric literal with a leading + in a triple pattern'],
    [
      'SELECT * { ?s ?p ?o FILTER EXISTS { ?s :p (+5) } }',
      'numeric literal with a leading + in a triple pattern',
    ],
    ['SELECT * { SERVICE <http://remote/sparql> { ?s ?p ?o } }', 'SERVICE'],
    ['SELECT * { ?s ?p ?o FILTER(<http://example.org/f>(?o)) }', 'function <http://example.org/f>'],
  ];
  for (const [query, feature] of cases) {
    it(`rejects ${feature} in ${query}`, async () => {
      const dataset = naiveDatasetFromTrig('<http://a> <http://b> <http://c> .');
      await assert.rejects(
        executeQuery(dataset, PREFIXES + query),
        (error: unknown) => error instanceof UnsupportedFeatureError && error.feature === feature,
      );
    });
  }
});

describe('signed numeric literals', () => {
  it('accepts + in expressions', () => {
    assert.equal(
      parseQuery('SELECT * { ?s ?p ?o FILTER(?o = +5 && ?o+1 > 2) }').queryType,
      'SELECT',
    );
  });

  it('accepts + in expressions next to a collection', () => {
    const parsed = parseQuery('SELECT * { ?s <http://p> ("a") FILTER(?s != +5) }');
    assert.equal(parsed.queryType, 'SELECT');
  });
});

describe('blank node scope', () => {
  it('rejects a label shared by two BGPs', () => {
    assert.throws(
      () => parseQuery('SELECT * { _:a <http://p> ?x OPTIONAL { _:a <http://q> ?y } }'),
      (error: unknown) => error instanceof SparqlSyntaxError && /_:a/.test(error.message),
    );
  });

  it('accepts a label shared across a FILTER in one group', () => {
    const parsed = parseQuery('SELECT * { _:a <http://p> ?x FILTER(true) _:a <http://q> ?y }');
    assert.deepEqual(parsed.variables, ['x', 'y']);
  });
});
