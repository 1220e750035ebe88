import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  formatFromQueryParameter,
  GRAPH_OFFERED,
  negotiate,
  RESULTS_OFFERED,
} from '../../src/server/negotiation.js';

const JSON_RESULTS = 'application/sparql-results+json';
const XML_RESULTS = 'application/sparql-results+xml';

describe('negotiate', () => {
  const resultCases: [string | undefined, string | undefined][] = [
    [undefined, JSON_RESULTS],
    ['', JSON_RESULTS],
    ['   ', JSON_RESULTS],
    ['*/*', JSON_RESULTS],
    [XML_RESULTS, XML_RESULTS],
    ['text/csv', 'text/csv'],
    ['text/*', 'text/csv'],
    ['text/*, text/tab-separated-values', 'text/tab-separated-values'],
    [`${XML_RESULTS};q=0.9, ${JSON_RESULTS};q=0.8`, XML_RESULTS],
    [`${XML_RESULTS}, ${JSON_RESULTS}`, JSON_RESULTS],
    [`${JSON_RESULTS};q=0, */*`, XML_RESULTS],
    [`application/*;q=0.5, text/csv;q=0.6`, 'text/csv'],
    ['*/*;q=0.1, text/tab-separated-values', 'text/tab-separated-values'],
    ['text/html', undefined],
    ['text/html, */*;q=0', undefined],
    ['*/*;q=0', undefined],
    ['text/csv;q=0, text/*', 'text/tab-separated-values'],
    ['APPLICATION/SPARQL-RESULTS+XML', XML_RESULTS],
    [`${XML_RESULTS}; charset=utf-8; q=0.5, text/csv;q=0.4`, XML_RESULTS],
    ['text/csv;q=2, text/tab-separated-values;q=0.3', 'text/tab-separated-values'],
    ['garbage, text/csv', 'text/csv'],
    ['*/csv, text/csv;q=0.2', 'text/csv'],
  ];
  for (const [accept, expected] of resultCases) {
    test(`results Accept ${JSON.stringify(accept)}`, () => {
      assert.equal(negotiate(accept, RESULTS_OFFERED), expected);
    });
  }

  const graphCases: [string, string | undefined][] = [
    ['*/*', 'text/turtle'],
    ['application/*', 'application/n-triples'],
    ['application/trig, application/n-quads', 'application/n-quads'],
    ['application/ld+json, text/turtle;q=0.5', 'text/turtle'],
    ['application/ld+json', undefined],
  ];
  for (const [accept, expected] of graphCases) {
    test(`graph Accept ${JSON.stringify(accept)}`, () => {
      assert.equal(negotiate(accept, GRAPH_OFFERED), expected);
    });
  }

  test('offer order breaks ties', () => {
    assert.equal(negotiate('*/*', ['b/b', 'a/a']), 'b/b');
    assert.equal(negotiate('a/a, b/b', ['b/b', 'a/a']), 'b/b');
  });
});

describe('offered media types', () => {
  test('defaults come first', () => {
    assert.deepEqual(RESULTS_OFFERED, [
      JSON_RESULTS,
      XML_RESULTS,
      'text/csv',
      'text/tab-separated-values',
    ]);
    assert.deepEqual(GRAPH_OFFERED, [
      'text/turtle',
      'application/n-triples',
      'application/n-quads',
      'application/trig',
    ]);
  });
});

describe('formatFromQueryParameter', () => {
  const cases: [string, string | undefined][] = [
    ['json', JSON_RESULTS],
    ['xml', XML_RESULTS],
    ['csv', 'text/csv'],
    ['tsv', 'text/tab-separated-values'],
    ['turtle', 'text/turtle'],
    ['ttl', 'text/turtle'],
    ['nt', 'application/n-triples'],
    ['ntriples', 'application/n-triples'],
    ['nquads', 'application/n-quads'],
    ['trig', 'application/trig'],
    [' JSON ', JSON_RESULTS],
    ['text/turtle', 'text/turtle'],
    ['yaml', undefined],
    ['toString', undefined],
    ['', undefined],
  ];
  for (const [format, expected] of cases) {
    test(`format=${JSON.stringify(format)}`, () => {
      assert.equal(formatFromQueryParameter(format), expected);
    });
  }
});
