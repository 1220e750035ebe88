import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RewriteTrail, SpanMap } from '../../src/sparql/span-map.js';

describe('SpanMap', () => {
  // Source "ab\u0078cd" (10 characters) became "abxcd": [2, 8) became [2, 3).
  const map = new SpanMap();
  map.replaced(2, 3, 2, 8);

  it('keeps positions before a replacement', () => {
    assert.equal(map.toSource(0), 0);
    assert.equal(map.toSource(1), 1);
  });

  it('maps inside a replacement to its start', () => {
    assert.equal(map.toSource(2), 2);
  });

  it('shifts positions after a replacement', () => {
    assert.equal(map.toSource(3), 8);
    assert.equal(map.toSource(4), 9);
  });

  it('adds the changes of several replacements', () => {
    const two = new SpanMap();
    two.replaced(1, 2, 1, 7); // 6 characters became 1
    two.replaced(4, 10, 9, 11); // 2 characters became 6
    assert.equal(two.toSource(3), 8);
    assert.equal(two.toSource(5), 9);
    assert.equal(two.toSource(10), 11);
    assert.equal(two.toSource(12), 13);
  });
});

describe('RewriteTrail', () => {
  it('maps back through every rewrite', () => {
    const original = 'x\\u000Ay <r> z';
    const trail = new RewriteTrail(original);
    // First rewrite: the escape (6 characters) became a line feed, giving "x\ny <r> z".
    trail.next().replaced(1, 2, 1, 7);
    // Second rewrite: <r> became <http://e/r>, giving "x\ny <http://e/r> z".
    trail.next().replaced(4, 16, 4, 7);
    const rewritten = 'x\ny <http://e/r> z';
    // The z: offset 17 in the result, 8 after the first rewrite, 13 in the original.
    assert.deepEqual(trail.locate(rewritten, { line: 2, column: 16 }), { line: 1, column: 14 });
    // Inside the resolved IRI: the start of <r>.
    assert.deepEqual(trail.locate(rewritten, { line: 2, column: 5 }), { line: 1, column: 10 });
  });

  it('counts lines in the original text', () => {
    const trail = new RewriteTrail('a\nbc');
    assert.deepEqual(trail.locate('a\nbc', { line: 2, column: 2 }), { line: 2, column: 2 });
  });
});
