import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { QuadBuffer } from '../../src/store/quad-buffer.js';
import { QuadStore } from '../../src/store/quad-store.js';

type Quad = [number, number, number, number];

function bufferOf(quads: readonly Quad[]): QuadBuffer {
  const buffer = new QuadBuffer();
  for (const [s, p, o, g] of quads) buffer.push(s, p, o, g);
  return buffer;
}

function rows(packed: Uint32Array): Quad[] {
  const out: Quad[] = [];
  for (let i = 0; i < packed.length; i += 4) {
    out.push([packed[i], packed[i + 1], packed[i + 2], packed[i + 3]]);
  }
  return out;
}

/** Sorted distinct quads, computed with strings and a comparator sort as the reference. */
function referenceDistinct(quads: readonly Quad[]): Quad[] {
  const distinct = new Map(quads.map((quad) => [quad.join(' '), quad]));
  return [...distinct.values()].sort(
    (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3],
  );
}

const id = fc.integer({ min: 0, max: 5 });
const quadList = fc.array(fc.tuple(id, id, id, id), { maxLength: 300 });

describe('QuadBuffer', () => {
  it('returns pushed quads in order', () => {
    const buffer = bufferOf([
      [3, 2, 1, 0],
      [1, 2, 3, 0],
    ]);
    assert.equal(buffer.length, 2);
    assert.deepEqual([...buffer.view()], [3, 2, 1, 0, 1, 2, 3, 0]);
  });

  it('grows past its first allocation', () => {
    const buffer = new QuadBuffer();
    for (let i = 0; i < 5000; i++) buffer.push(i, i + 1, i + 2, 0);
    assert.equal(buffer.length, 5000);
    assert.deepEqual([...buffer.view().subarray(4 * 4999)], [4999, 5000, 5001, 0]);
  });
});

describe('QuadBuffer.sortDistinct', () => {
  it('sorts and drops repeats', () => {
    fc.assert(
      fc.property(quadList, (quads) => {
        const buffer = bufferOf(quads);
        const expected = referenceDistinct(quads);
        assert.deepEqual(rows(buffer.sortDistinct()), expected);
        assert.equal(buffer.length, expected.length);
      }),
      { numRuns: 200 },
    );
  });

  it('sorts 100,000 quads with repeats', () => {
    // More than the sort's insertion-sort limit and spread over several 16-bit digits.
    const quads: Quad[] = [];
    for (let i = 0; i < 100_000; i++) {
      const n = (i * 7919) % 60_000;
      quads.push([n * 3, n % 17, 70_000 - n, 0]);
    }
    const sorted = bufferOf(quads).sortDistinct();
    assert.deepEqual(rows(sorted), referenceDistinct(quads));
  });

  it('drops quads already stored', () => {
    const store = new QuadStore();
    store.addMany(Uint32Array.of(1, 2, 3, 0, 4, 5, 6, 0));
    const buffer = bufferOf([
      [4, 5, 6, 0],
      [7, 8, 9, 0],
      [1, 2, 3, 0],
      [7, 8, 9, 0],
      [1, 2, 3, 5],
    ]);
    assert.deepEqual(rows(buffer.sortDistinct(store)), [
      [1, 2, 3, 5],
      [7, 8, 9, 0],
    ]);
    assert.equal(buffer.length, 2);
  });

  it('keeps everything for an empty store', () => {
    const buffer = bufferOf([
      [2, 0, 0, 0],
      [1, 0, 0, 0],
    ]);
    assert.deepEqual(rows(buffer.sortDistinct(new QuadStore())), [
      [1, 0, 0, 0],
      [2, 0, 0, 0],
    ]);
  });

  it('accepts pushes afterwards', () => {
    const quads: Quad[] = [];
    for (let i = 0; i < 200; i++) quads.push([200 - (i % 100), 1, 1, 0]);
    const buffer = bufferOf(quads);
    buffer.sortDistinct();
    buffer.push(0, 0, 0, 0);
    assert.equal(buffer.length, 101);
    assert.deepEqual(rows(buffer.view()).at(-1), [0, 0, 0, 0]);
    assert.deepEqual(rows(buffer.view())[0], [101, 1, 1, 0]);
  });

  it('returns nothing for an empty buffer', () => {
    assert.equal(new QuadBuffer().sortDistinct().length, 0);
  });
});
