import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { InvalidArgumentError } from '../../src/errors.js';
import {
  formatFromFileName,
  formatFromMediaType,
  formatHasGraphs,
  N3_FORMAT_NAMES,
} from '../../src/rdf/formats.js';

describe('formatFromFileName', () => {
  const cases: [string, string, boolean][] = [
    ['a.ttl', 'turtle', false],
    ['dir.d/a.turtle', 'turtle', false],
    ['a.trig.gz', 'trig', true],
    ['/x/lubm8.nt.gz', 'ntriples', true],
    ['a.NTRIPLES', 'ntriples', false],
    ['a.nq', 'nquads', false],
    ['a.nquads.GZ', 'nquads', true],
  ];
  for (const [path, format, gzip] of cases) {
    test(path, () => {
      assert.deepEqual(formatFromFileName(path), { format, gzip });
    });
  }

  test('unknown extension names file and extensions', () => {
    for (const path of ['data.rdf', 'data.gz', 'data', 'nt']) {
      assert.throws(
        () => formatFromFileName(path),
        (error: unknown) =>
          error instanceof InvalidArgumentError &&
          error.message.includes(path) &&
          error.message.includes('.ttl') &&
          error.message.includes('.gz'),
        path,
      );
    }
  });
});

describe('formatFromMediaType', () => {
  test('media types with parameters', () => {
    assert.equal(formatFromMediaType('text/turtle'), 'turtle');
    assert.equal(formatFromMediaType('text/turtle; charset=utf-8'), 'turtle');
    assert.equal(formatFromMediaType('Application/TriG'), 'trig');
    assert.equal(formatFromMediaType('application/n-triples;charset=UTF-8'), 'ntriples');
    assert.equal(formatFromMediaType('application/n-quads'), 'nquads');
  });

  test('other media types', () => {
    assert.equal(formatFromMediaType('application/ld+json'), undefined);
    assert.equal(formatFromMediaType('toString'), undefined);
    assert.equal(formatFromMediaType(''), undefined);
    assert.equal(formatFromMediaType(undefined), undefined);
  });
});

describe('format properties', () => {
  test('graphs and n3 names', () => {
    assert.equal(formatHasGraphs('trig'), true);
    assert.equal(formatHasGraphs('nquads'), true);
    assert.equal(formatHasGraphs('turtle'), false);
    assert.equal(formatHasGraphs('ntriples'), false);
    assert.equal(N3_FORMAT_NAMES.ntriples, 'N-Triples');
  });
});
