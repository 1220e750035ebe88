import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import { check, EX } from './helpers.js';

/** Values reached by `path` from ex:a, read from the sh:in results of a shape that allows nothing. */
function valuesOf(path: string, data: string): string[] {
  const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ${path} ; sh:in () ] .`;
  return check(shapes, data).map((line) => line.split(' ')[2]!.replace('ex:', ''));
}

const CHAIN = `ex:a ex:p ex:b . ex:b ex:p ex:c . ex:c ex:p ex:a . ex:b ex:q ex:d . ex:e ex:p ex:a .`;

describe('property paths', () => {
  it('evaluates every path kind', () => {
    assert.deepEqual(valuesOf('ex:p', CHAIN), ['b']);
    assert.deepEqual(valuesOf('[ sh:inversePath ex:p ]', CHAIN), ['c', 'e']);
    assert.deepEqual(valuesOf('(ex:p ex:q)', CHAIN), ['d']);
    assert.deepEqual(valuesOf('[ sh:alternativePath (ex:p [ sh:inversePath ex:p ]) ]', CHAIN), [
      'b',
      'c',
      'e',
    ]);
    assert.deepEqual(valuesOf('[ sh:zeroOrOnePath ex:p ]', CHAIN), ['a', 'b']);
    assert.deepEqual(valuesOf('[ sh:oneOrMorePath ex:p ]', CHAIN), ['a', 'b', 'c']);
    assert.deepEqual(valuesOf('[ sh:zeroOrMorePath ex:q ]', CHAIN), ['a']);
    assert.deepEqual(
      valuesOf('[ sh:inversePath (ex:p ex:q) ]', `ex:z ex:p ex:y . ex:y ex:q ex:a .`),
      ['z'],
    );
  });

  it('reports a complex path as its structure', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 3 ] .`;
    assert.deepEqual(check(shapes, CHAIN), ['sh:MinCount ex:a - {"kind":"inverse","path":ex:p}']);
  });

  it('rejects a malformed path', () => {
    const shapes = `ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path [ ex:unknown ex:p ] ] .`;
    assert.throws(() => check(shapes, ''), InvalidArgumentError);
  });
});

describe('targets', () => {
  const shapes = (target: string) =>
    `ex:S a sh:NodeShape ; ${target} ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .`;
  const data = `ex:Student rdfs:subClassOf ex:Person . ex:s a ex:Student . ex:p a ex:Person ; ex:knows ex:k .`;
  const focusNodes = (lines: string[]) => lines.map((line) => line.split(' ')[1]).sort();

  it('sh:targetClass includes subclass instances', () => {
    assert.deepEqual(focusNodes(check(shapes('sh:targetClass ex:Person'), data)), ['ex:p', 'ex:s']);
  });

  it('sh:targetSubjectsOf and sh:targetObjectsOf', () => {
    assert.deepEqual(focusNodes(check(shapes('sh:targetSubjectsOf ex:knows'), data)), ['ex:p']);
    assert.deepEqual(focusNodes(check(shapes('sh:targetObjectsOf ex:knows'), data)), ['ex:k']);
  });

  it('sh:targetNode absent from the data is still validated', () => {
    assert.deepEqual(focusNodes(check(shapes('sh:targetNode ex:ghost'), data)), ['ex:ghost']);
  });

  it('implicit class targets', () => {
    const implicit = `ex:Person a rdfs:Class, sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .`;
    assert.deepEqual(focusNodes(check(implicit, data)), ['ex:p', 'ex:s']);
    assert.equal(EX, 'http://example.org/');
  });
});
