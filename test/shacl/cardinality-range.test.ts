import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { check } from './helpers.js';

describe('cardinality components', () => {
  it('sh:minCount and sh:maxCount count distinct values', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b, ex:c ;
      sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:maxCount 2 ] .`;
    const data = `ex:a ex:p 1 . ex:b ex:p 1, 2, 3 .`;
    assert.deepEqual(check(shapes, data), ['sh:MaxCount ex:b - ex:p', 'sh:MinCount ex:c - ex:p']);
  });

  it('counts a triple stored in two graphs once', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:maxCount 1 ] .`;
    // The same triple in the default graph and in ex:g, read as the union of graphs.
    const data = `ex:a ex:p 1 . ex:g { ex:a ex:p 1 }`;
    assert.deepEqual(check(shapes, data), []);
  });
});

describe('value range components', () => {
  it('compares numbers across numeric datatypes', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ;
      sh:property [ sh:path ex:p ; sh:minInclusive 1 ; sh:maxExclusive 10.5 ] .`;
    const data = `ex:a ex:p 1, 10, "10.5"^^xsd:double, 0.5, "abc", ex:iri .`;
    assert.deepEqual(check(shapes, data), [
      'sh:MaxExclusive ex:a "10.5"^^http://www.w3.org/2001/XMLSchema#double ex:p',
      'sh:MaxExclusive ex:a "abc" ex:p',
      'sh:MaxExclusive ex:a ex:iri ex:p',
      'sh:MinInclusive ex:a "0.5"^^http://www.w3.org/2001/XMLSchema#decimal ex:p',
      'sh:MinInclusive ex:a "abc" ex:p',
      'sh:MinInclusive ex:a ex:iri ex:p',
    ]);
  });

  it('compares dates', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ;
      sh:property [ sh:path ex:d ; sh:minExclusive "2020-01-01"^^xsd:date ; sh:maxInclusive "2020-12-31"^^xsd:date ] .`;
    const data = `ex:a ex:d "2020-01-01"^^xsd:date, "2020-06-01"^^xsd:date, "2021-01-01"^^xsd:date .`;
    assert.deepEqual(check(shapes, data), [
      'sh:MaxInclusive ex:a "2021-01-01"^^http://www.w3.org/2001/XMLSchema#date ex:d',
      'sh:MinExclusive ex:a "2020-01-01"^^http://www.w3.org/2001/XMLSchema#date ex:d',
    ]);
  });
});
