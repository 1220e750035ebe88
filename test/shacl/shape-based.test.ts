import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { check } from './helpers.js';

describe('shape-based components', () => {
  it('sh:node reports values that do not conform', () => {
    const shapes = `ex:Named sh:property [ sh:path ex:name ; sh:minCount 1 ] .
      ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:friend ; sh:node ex:Named ] .`;
    const data = `ex:a ex:friend ex:b, ex:c . ex:b ex:name "B" .`;
    assert.deepEqual(check(shapes, data), ['sh:Node ex:a ex:c ex:friend']);
  });

  it('nested sh:property reports with the value node as focus', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ;
      sh:property [ sh:path ex:friend ; sh:property [ sh:path ex:name ; sh:minCount 1 ] ] .`;
    const data = `ex:a ex:friend ex:b, ex:c . ex:b ex:name "B" .`;
    assert.deepEqual(check(shapes, data), ['sh:MinCount ex:c - ex:name']);
  });

  it('sh:qualifiedValueShape counts conforming values', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ;
      sh:property [ sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:Wheel ] ;
        sh:qualifiedMinCount 2 ; sh:qualifiedMaxCount 3 ] .`;
    const data = `ex:a ex:part ex:w1, ex:w2, ex:e . ex:w1 a ex:Wheel . ex:w2 a ex:Wheel .
      ex:b ex:part ex:w1 .`;
    assert.deepEqual(check(shapes, data), ['sh:QualifiedMinCount ex:b - ex:part']);
  });

  it('sh:qualifiedValueShapesDisjoint excludes values of sibling shapes', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ;
      sh:property [ sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:Wheel ] ;
        sh:qualifiedMinCount 2 ; sh:qualifiedValueShapesDisjoint true ] ;
      sh:property [ sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:Spare ] ;
        sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ] .`;
    const data = `ex:a ex:part ex:w1, ex:w2 . ex:w1 a ex:Wheel . ex:w2 a ex:Wheel, ex:Spare .`;
    assert.deepEqual(check(shapes, data), [
      'sh:QualifiedMinCount ex:a - ex:part',
      'sh:QualifiedMinCount ex:a - ex:part',
    ]);
  });
});
