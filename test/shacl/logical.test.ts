import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShapeRecursionError } from '../../src/shacl/index.js';
import { check } from './helpers.js';

const HAS_P = `ex:HasP sh:property [ sh:path ex:p ; sh:minCount 1 ] .`;
const HAS_Q = `ex:HasQ sh:property [ sh:path ex:q ; sh:minCount 1 ] .`;
const DATA = `ex:none ex:r 1 . ex:onlyP ex:p 1 . ex:onlyQ ex:q 1 . ex:both ex:p 1 ; ex:q 1 .`;
const TARGETS = 'sh:targetNode ex:none, ex:onlyP, ex:onlyQ, ex:both';

describe('logical components', () => {
  it('sh:not reports conforming value nodes', () => {
    const shapes = `${HAS_P} ex:S a sh:NodeShape ; ${TARGETS} ; sh:not ex:HasP .`;
    assert.deepEqual(check(shapes, DATA), [
      'sh:Not ex:both ex:both -',
      'sh:Not ex:onlyP ex:onlyP -',
    ]);
  });

  it('sh:and needs every shape', () => {
    const shapes = `${HAS_P} ${HAS_Q} ex:S a sh:NodeShape ; ${TARGETS} ; sh:and (ex:HasP ex:HasQ) .`;
    assert.deepEqual(check(shapes, DATA), [
      'sh:And ex:none ex:none -',
      'sh:And ex:onlyP ex:onlyP -',
      'sh:And ex:onlyQ ex:onlyQ -',
    ]);
  });

  it('sh:or needs one shape', () => {
    const shapes = `${HAS_P} ${HAS_Q} ex:S a sh:NodeShape ; ${TARGETS} ; sh:or (ex:HasP ex:HasQ) .`;
    assert.deepEqual(check(shapes, DATA), ['sh:Or ex:none ex:none -']);
  });

  it('sh:xone needs exactly one shape', () => {
    const shapes = `${HAS_P} ${HAS_Q} ex:S a sh:NodeShape ; ${TARGETS} ; sh:xone (ex:HasP ex:HasQ) .`;
    assert.deepEqual(check(shapes, DATA), [
      'sh:Xone ex:both ex:both -',
      'sh:Xone ex:none ex:none -',
    ]);
  });

  it('a deactivated shape conforms', () => {
    const shapes = `ex:HasP sh:deactivated true ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
      ex:S a sh:NodeShape ; sh:targetNode ex:none ; sh:node ex:HasP .`;
    assert.deepEqual(check(shapes, DATA), []);
  });

  it('reports a shape that recurses on the same node', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:next ; sh:node ex:S ] .`;
    assert.throws(
      () => check(shapes, `ex:a ex:next ex:b . ex:b ex:next ex:a .`),
      ShapeRecursionError,
    );
  });

  it('allows a recursive shape on acyclic data', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ;
      sh:property [ sh:path ex:next ; sh:node ex:S ] ; sh:property [ sh:path ex:v ; sh:minCount 1 ] .`;
    const data = `ex:a ex:v 1 ; ex:next ex:b . ex:b ex:v 1 ; ex:next ex:c . ex:c ex:next ex:d .`;
    // ex:c lacks ex:v, so ex:b's and then ex:a's sh:node check fails.
    assert.deepEqual(check(shapes, data), ['sh:Node ex:a ex:b ex:next']);
  });

  it('stops a cycle of property shapes', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property ex:P .
      ex:P sh:path ex:next ; sh:property ex:P .`;
    assert.throws(
      () => check(shapes, `ex:a ex:next ex:b . ex:b ex:next ex:a .`),
      ShapeRecursionError,
    );
  });

  it('stops recursion deeper than the limit', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:n0 ; sh:property [ sh:path ex:next ; sh:node ex:S ] .`;
    const data = Array.from({ length: 100 }, (_, i) => `ex:n${i} ex:next ex:n${i + 1} .`).join(
      '\n',
    );
    assert.throws(() => check(shapes, data), ShapeRecursionError);
  });
});
