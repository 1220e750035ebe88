import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { check } from './helpers.js';

describe('other components', () => {
  it('sh:closed reports unlisted predicates with the predicate as path', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:closed true ;
      sh:ignoredProperties (rdf:type) ; sh:property [ sh:path ex:p ] .`;
    const data = `ex:a a ex:T ; ex:p 1 ; ex:q ex:x .`;
    assert.deepEqual(check(shapes, data), ['sh:Closed ex:a ex:x ex:q']);
  });

  it('sh:hasValue reports a missing value without sh:value', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ; sh:property [ sh:path ex:p ; sh:hasValue ex:x ] .`;
    const data = `ex:a ex:p ex:x . ex:b ex:p ex:y .`;
    assert.deepEqual(check(shapes, data), ['sh:HasValue ex:b - ex:p']);
  });

  it('sh:in reports values outside the list', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:in (ex:x 1 "never") ] .`;
    const data = `ex:a ex:p ex:x, 1, 2 .`;
    assert.deepEqual(check(shapes, data), [
      'sh:In ex:a "2"^^http://www.w3.org/2001/XMLSchema#integer ex:p',
    ]);
  });
});
