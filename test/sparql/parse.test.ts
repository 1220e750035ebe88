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
    ['SELECT (COUNT(?s) AS ?n) { ?s ?p ?o }', 'aggregate COUNT'],
    ['SELECT ?s { ?s ?p ?o } GROUP BY ?s', 'GROUP BY'],
    ['SELECT * { { SELECT ?s { ?s ?p ?o } } }', 'subquery'],
    ['SELECT * { ?s :p* ?o }', 'property path *'],
    ['SELECT * { ?s :p/:q ?o }', 'property path /'],
    ['SELECT * { ?s ^:p ?o }', 'property path ^'],
    ['SELECT * { ?s ?p ?o BIND(1 AS ?x) }', 'BIND'],
    ['SELECT * { VALUES ?x { 1 } }', 'VALUES'],
    ['SELECT * { ?s ?p ?o } VALUES ?s { :a }', 'VALUES'],
    ['SELECT * { ?s ?p ?o MINUS { ?s :q ?o } }', 'MINUS'],
    ['SELECT * { ?s ?p ?o FILTER EXISTS { ?s :q ?o } }', 'EXISTS'],
    ['SELECT * { ?s ?p ?o FILTER NOT EXISTS { ?s :q ?o } }', 'NOT EXISTS'],
    ['SELECT * { SERVICE <http://remote/sparql> { ?s ?p ?o } }', 'SERVICE'],
    ['SELECT * { ?s ?p ?o FILTER(STRUUID() != "") }', 'function STRUUID'],
    ['SELECT * { ?s ?p ?o FILTER(<http://example.org/f>(?o)) }', 'function <http://example.org/f>'],
    ['SELECT * FROM <http://g> { ?s ?p ?o }', 'FROM / FROM NAMED'],
    ['SELECT * FROM NAMED <http://g> { ?s ?p ?o }', 'FROM / FROM NAMED'],
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
