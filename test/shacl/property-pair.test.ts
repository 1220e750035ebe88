import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { check } from './helpers.js';

describe('property pair components', () => {
  it('sh:equals reports values missing on either side', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:equals ex:q ] .`;
    const data = `ex:a ex:p 1, 2 ; ex:q 2, 3 .`;
    assert.deepEqual(check(shapes, data), [
      'sh:Equals ex:a "1"^^http://www.w3.org/2001/XMLSchema#integer ex:p',
      'sh:Equals ex:a "3"^^http://www.w3.org/2001/XMLSchema#integer ex:p',
    ]);
  });

  it('sh:equals on a node shape compares the focus node', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ; sh:equals ex:self .`;
    const data = `ex:a ex:self ex:a . ex:b ex:self ex:c .`;
    assert.deepEqual(check(shapes, data), ['sh:Equals ex:b ex:b -', 'sh:Equals ex:b ex:c -']);
  });

  it('sh:disjoint reports shared values', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:disjoint ex:q ] .`;
    const data = `ex:a ex:p ex:x, ex:y ; ex:q ex:y .`;
    assert.deepEqual(check(shapes, data), ['sh:Disjoint ex:a ex:y ex:p']);
  });

  it('sh:lessThan reports each out-of-order pair', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ;
      sh:property [ sh:path ex:start ; sh:lessThan ex:end ] ;
      sh:property [ sh:path ex:low ; sh:lessThanOrEquals ex:high ] .`;
    const data = `ex:a ex:start 5 ; ex:end 5, 7, "x" ; ex:low 3 ; ex:high 3 .`;
    assert.deepEqual(check(shapes, data), [
      'sh:LessThan ex:a "5"^^http://www.w3.org/2001/XMLSchema#integer ex:start',
      'sh:LessThan ex:a "5"^^http://www.w3.org/2001/XMLSchema#integer ex:start',
    ]);
  });
});
