import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuadStore } from '../../src/store/quad-store.js';
import { ANY, type QuadCursor } from '../../src/store/types.js';

function drain(cursor: QuadCursor): string[] {
  const out: string[] = [];
  for (let i = 0; i < 1_000_000 && cursor.next(); i++) {
    out.push(`${cursor.s} ${cursor.p} ${cursor.o} ${cursor.g}`);
  }
  return out;
}

describe('QuadStore', () => {
  it('adds and deletes single quads', () => {
    const store = new QuadStore();
    assert.equal(store.add(1, 2, 3, 0), true);
    assert.equal(store.add(1, 2, 3, 0), false);
    assert.equal(store.size, 1);
    assert.equal(store.has(1, 2, 3, 0), true);
    assert.equal(store.has(1, 2, 3, 4), false);
    assert.equal(store.delete(1, 2, 3, 0), true);
    assert.equal(store.delete(1, 2, 3, 0), false);
    assert.equal(store.size, 0);
  });

  it('counts and matches every pattern shape', () => {
    const store = new QuadStore();
    store.addMany(Uint32Array.of(1, 2, 3, 0, 1, 2, 4, 0, 1, 5, 3, 7, 6, 2, 3, 7));
    assert.equal(store.count(ANY, ANY, ANY, ANY), 4);
    assert.equal(store.count(1, ANY, ANY, ANY), 3);
    assert.equal(store.count(ANY, 2, ANY, ANY), 3);
    assert.equal(store.count(ANY, ANY, 3, ANY), 3);
    assert.equal(store.count(ANY, ANY, ANY, 7), 2);
    assert.equal(store.count(1, 2, ANY, ANY), 2);
    assert.equal(store.count(ANY, 2, 3, 7), 1);
    assert.equal(store.count(1, ANY, 3, 7), 1);
    assert.equal(store.count(9, ANY, ANY, ANY), 0);
    assert.deepEqual(drain(store.match(ANY, 2, 3, ANY)), ['1 2 3 0', '6 2 3 7']);
    assert.deepEqual(drain(store.match(ANY, ANY, ANY, 7)), ['1 5 3 7', '6 2 3 7']);
    assert.equal(store.has(1, ANY, ANY, 7), true);
    assert.equal(store.has(6, ANY, ANY, 0), false);
  });

  it('returns matches in index order', () => {
    const store = new QuadStore();
    store.addMany(Uint32Array.of(3, 1, 1, 0, 1, 1, 1, 0, 2, 1, 1, 0));
    store.add(0, 1, 1, 0);
    assert.deepEqual(drain(store.match(ANY, 1, 1, ANY)), [
      '0 1 1 0',
      '1 1 1 0',
      '2 1 1 0',
      '3 1 1 0',
    ]);
  });

  it('counts addMany and deleteMany results', () => {
    const store = new QuadStore();
    store.add(1, 1, 1, 0);
    const batch = Uint32Array.of(1, 1, 1, 0, 2, 2, 2, 0, 2, 2, 2, 0, 3, 3, 3, 1);
    assert.equal(store.addMany(batch), 2, 'one present, one repeated in the batch');
    assert.equal(store.size, 3);
    assert.deepEqual([...batch], [1, 1, 1, 0, 2, 2, 2, 0, 2, 2, 2, 0, 3, 3, 3, 1]);
    assert.equal(store.deleteMany(Uint32Array.of(2, 2, 2, 0, 2, 2, 2, 0, 9, 9, 9, 9)), 1);
    assert.equal(store.size, 2);
    assert.deepEqual(
      [...store.hasMany(Uint32Array.of(1, 1, 1, 0, 2, 2, 2, 0, 3, 3, 3, 1))],
      [1, 0, 1],
    );
  });

  it('lists named graphs', () => {
    const store = new QuadStore({ maxDeltaQuads: 2, minDeltaQuads: 2 });
    store.addMany(Uint32Array.of(1, 1, 1, 0, 1, 1, 1, 9, 1, 1, 1, 4, 2, 2, 2, 4));
    store.add(5, 5, 5, 6);
    assert.deepEqual([...store.graphs()], [4, 6, 9]);
    store.delete(1, 1, 1, 9);
    assert.deepEqual([...store.graphs()], [4, 6]);
  });

  it('keeps a cursor on its snapshot', () => {
    const store = new QuadStore();
    store.addMany(Uint32Array.of(1, 1, 1, 0, 2, 1, 1, 0, 3, 1, 1, 0));
    const cursor = store.match(ANY, 1, 1, ANY);
    assert.equal(cursor.next(), true);
    assert.equal(cursor.s, 1);
    store.add(0, 1, 1, 0);
    store.add(4, 1, 1, 0);
    store.delete(2, 1, 1, 0);
    store.delete(3, 1, 1, 0);
    assert.deepEqual(drain(cursor), ['2 1 1 0', '3 1 1 0']);
    assert.deepEqual(drain(store.match(ANY, 1, 1, ANY)), ['0 1 1 0', '1 1 1 0', '4 1 1 0']);
  });

  it('keeps a cursor on the delta run', () => {
    const store = new QuadStore();
    store.add(1, 1, 1, 0);
    store.add(3, 1, 1, 0);
    const cursor = store.match(ANY, ANY, ANY, ANY);
    store.add(2, 1, 1, 0);
    store.delete(1, 1, 1, 0);
    store.deleteMany(Uint32Array.of(3, 1, 1, 0));
    assert.deepEqual(drain(cursor), ['1 1 1 0', '3 1 1 0']);
    assert.deepEqual(drain(store.match(ANY, ANY, ANY, ANY)), ['2 1 1 0']);
  });

  it('keeps a cursor across clear and bulk loads', () => {
    const store = new QuadStore({ maxDeltaQuads: 2, minDeltaQuads: 2 });
    store.addMany(Uint32Array.of(1, 1, 1, 0, 2, 1, 1, 0, 3, 1, 1, 0));
    store.delete(2, 1, 1, 0);
    const cursor = store.match(ANY, 1, ANY, ANY);
    store.addMany(Uint32Array.of(2, 1, 1, 0, 5, 1, 1, 0, 6, 1, 1, 0));
    store.clear();
    assert.deepEqual(drain(cursor), ['1 1 1 0', '3 1 1 0']);
    assert.equal(store.size, 0);
  });

  it('alternates cursors and single adds', () => {
    const store = new QuadStore();
    for (let i = 0; i < 200; i++) {
      const cursor = store.match(ANY, ANY, ANY, ANY);
      store.add(i, 1, 1, 0);
      assert.equal(drain(cursor).length, i, `snapshot before add ${i}`);
    }
    assert.equal(store.size, 200);
  });

  it('rejects invalid ids', () => {
    const store = new QuadStore();
    assert.throws(() => store.add(ANY, 1, 1, 0), RangeError);
    assert.throws(() => store.add(1.5, 1, 1, 0), RangeError);
    assert.throws(() => store.add(2 ** 32, 1, 1, 0), RangeError);
    assert.throws(() => store.count(-2, ANY, ANY, ANY), RangeError);
    assert.throws(() => store.addMany(new Uint32Array(5)), RangeError);
  });

  it('rejects invalid options', () => {
    assert.throws(() => new QuadStore({ maxDeltaQuads: 0 }), RangeError);
    assert.throws(() => new QuadStore({ minDeltaQuads: 1.5 }), RangeError);
    assert.throws(() => new QuadStore({ compactionRatio: 2 }), RangeError);
  });

  it('matches nothing for query-local ids', () => {
    const store = new QuadStore();
    store.add(1, 2, 3, 0);
    assert.equal(store.count(0x8000_0000, ANY, ANY, ANY), 0);
    assert.equal(store.has(1, 2, 0xffff_ffff, 0), false);
    assert.equal(store.match(ANY, ANY, 0x8000_0001, ANY).next(), false);
  });

  it('lists no graphs for default-graph data', () => {
    const store = new QuadStore();
    assert.deepEqual([...store.graphs()], []);
    store.add(1, 2, 3, 0);
    assert.deepEqual([...store.graphs()], []);
  });

  it('loads a large batch with duplicates', () => {
    const store = new QuadStore();
    const quads = 50_000;
    const batch = new Uint32Array(quads * 4);
    for (let i = 0; i < quads; i++) {
      // Quads i and i + 1 (i even) are equal, so half of the batch is duplicates.
      const id = (i >> 1) + 70_000;
      batch.set([id, id % 7, id * 3, id % 3], i * 4);
    }
    assert.equal(store.addMany(batch), quads / 2);
    assert.equal(store.count(ANY, ANY, ANY, ANY), quads / 2);
    assert.equal(store.count(70_000, ANY, ANY, ANY), 1);
    assert.equal(store.addMany(batch), 0);
    assert.equal(store.deleteMany(batch.subarray(0, 4000)), 500);
    assert.equal(store.size, quads / 2 - 500);
    assert.equal(drain(store.match(ANY, ANY, ANY, ANY)).length, quads / 2 - 500);
  });
});
