import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QuadIndex } from '../../src/store/quad-index.js';
import fc from 'fast-check';
import { mergeRecords } from '../../src/store/record-runs.js';
import {
  buildStartTable,
  findInRange,
  startTableLength,
  startTableStorage,
  updateStartTable,
} from '../../src/store/start-table.js';
import { QuadStore } from '../../src/store/quad-store.js';
import { ANY } from '../../src/store/types.js';

const EMPTY = new Uint32Array(0);
const SPOG_COLUMNS = [0, 1, 2, 3];

/** Packs [s, p, o, g] records that are already sorted. */
function records(...rows: number[][]): Uint32Array {
  return Uint32Array.from(rows.flat());
}

describe('buildStartTable', () => {
  it('gives each first-column value its range', () => {
    const run = records([1, 5, 5, 0], [1, 6, 0, 0], [4, 1, 1, 0], [4, 1, 2, 0], [4, 2, 0, 0]);
    const table = buildStartTable(run, 5, EMPTY, false);
    assert.deepEqual([...table], [0, 0, 2, 2, 2, 5]);
    assert.equal(startTableLength(run, 5), 6);
  });

  it('returns an empty table for an empty run', () => {
    assert.equal(buildStartTable(EMPTY, 0, EMPTY, false).length, 0);
    assert.equal(startTableLength(EMPTY, 0), 0);
  });

  it('reads only the first count records', () => {
    const run = records([0, 1, 1, 0], [2, 1, 1, 0], [9, 1, 1, 0]);
    assert.deepEqual([...buildStartTable(run, 2, EMPTY, false)], [0, 1, 1, 2]);
  });

  it('skips runs whose ids are too sparse', () => {
    const run = records([3, 1, 1, 0], [5000, 1, 1, 0]);
    assert.equal(startTableLength(run, 2), 0);
    assert.equal(buildStartTable(run, 2, EMPTY, false).length, 0);
    const dense = records([3, 1, 1, 0], [1022, 1, 1, 0]);
    assert.equal(startTableLength(dense, 2), 1024);
  });

  it('writes into storage that is long enough', () => {
    const storage = new Uint32Array(16).fill(99);
    const table = buildStartTable(records([2, 1, 1, 0]), 1, storage, false);
    assert.equal(table.buffer, storage.buffer);
    assert.deepEqual([...table], [0, 0, 0, 1]);
    assert.equal(startTableStorage(table).length, 16);
  });

  it('adds headroom to a new buffer', () => {
    const table = buildStartTable(records([14, 1, 1, 0]), 1, EMPTY, true);
    assert.equal(table.length, 16);
    assert.equal(startTableStorage(table).length, 18);
  });
});

/** Sorted distinct records with column 0 in [0, maxFirst] and small other columns. */
const sortedRun = (maxFirst: number) =>
  fc
    .uniqueArray(fc.tuple(fc.nat(maxFirst), fc.nat(3), fc.nat(3)), {
      selector: (row) => row.join(' '),
      maxLength: 60,
    })
    .map((rows) => rows.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]));

describe('updateStartTable', () => {
  it('matches a table built from the merged run', () => {
    const scenario = fc.record({
      base: sortedRun(30),
      added: sortedRun(45),
      deadSeed: fc.array(fc.boolean(), { maxLength: 60 }),
      inPlace: fc.boolean(),
    });
    fc.assert(
      fc.property(scenario, ({ base, added, deadSeed, inPlace }) => {
        const baseKeys = new Set(base.map((row) => row.join(' ')));
        // Added records are absent from the base run, as in a delta run.
        const extra = added.filter((row) => !baseKeys.has(row.join(' ')));
        const baseRecords = records(...base.map((row) => [...row, 0]));
        const extraRecords = records(...extra.map((row) => [...row, 0]));
        const dead = new Uint32Array((base.length + 31) >>> 5);
        base.forEach((_, i) => {
          if (deadSeed[i]) dead[i >>> 5] |= 1 << (i & 31);
        });
        const merged = mergeRecords(baseRecords, base.length, dead, extraRecords, extra.length);
        const liveBase = base.length - deadSeed.slice(0, base.length).filter(Boolean).length;
        const expected = buildStartTable(merged, liveBase + extra.length, EMPTY, false);
        const old = buildStartTable(baseRecords, base.length, EMPTY, true);
        const storage = inPlace ? startTableStorage(old) : EMPTY;
        const table = updateStartTable(
          old,
          base.length,
          dead,
          extraRecords,
          extra.length,
          storage,
          false,
        );
        // A table updated after the largest values lost every record may be longer than a
        // new one, with trailing entries at the merged count.
        const prefix = [...table].slice(0, expected.length);
        assert.deepEqual(prefix, [...expected]);
        for (const entry of [...table].slice(expected.length)) {
          assert.equal(entry, liveBase + extra.length);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('returns an empty table when every record is dead', () => {
    const base = records([1, 1, 1, 0], [2, 1, 1, 0]);
    const old = buildStartTable(base, 2, EMPTY, false);
    const table = updateStartTable(old, 2, Uint32Array.of(0b11), EMPTY, 0, EMPTY, false);
    assert.equal(table.length, 0);
  });
});

describe('findInRange', () => {
  const run = records([4, 1, 1, 0], [4, 1, 2, 0], [4, 1, 2, 3], [4, 2, 0, 0], [4, 7, 7, 7]);

  it('finds every record of the range', () => {
    for (let i = 0; i < 5; i++) {
      const w = i * 4;
      assert.equal(findInRange(run, 0, 5, run[w + 1], run[w + 2], run[w + 3]), i);
    }
  });

  it('returns -1 for absent keys', () => {
    assert.equal(findInRange(run, 0, 5, 1, 2, 1), -1);
    assert.equal(findInRange(run, 0, 5, 0, 0, 0), -1);
    assert.equal(findInRange(run, 0, 5, 9, 0, 0), -1);
    assert.equal(findInRange(run, 2, 2, 1, 2, 3), -1);
  });

  it('searches only inside the range', () => {
    assert.equal(findInRange(run, 1, 3, 1, 1, 1), -1);
    assert.equal(findInRange(run, 1, 3, 1, 2, 3), 2);
  });
});

describe('QuadIndex start table', () => {
  it('builds a table for the s-first ordering only', () => {
    const batch = records([0, 3, 1, 0], [2, 1, 5, 0], [2, 3, 3, 0]);
    const spog = new QuadIndex(SPOG_COLUMNS, { maxDeltaQuads: 1, minDeltaQuads: 1 });
    spog.insertSorted(batch.slice(), 3);
    assert.deepEqual([...spog.snapshot().starts], [0, 1, 1, 3]);
    const posg = new QuadIndex([1, 2, 0, 3], { maxDeltaQuads: 1, minDeltaQuads: 1 });
    posg.insertSorted(batch.slice(), 3);
    assert.equal(posg.snapshot().starts.length, 0);
  });

  it('keeps a snapshot table when a rebuild follows', () => {
    const spog = new QuadIndex(SPOG_COLUMNS, { maxDeltaQuads: 1, minDeltaQuads: 1 });
    spog.insertSorted(records([1, 1, 1, 0], [3, 1, 1, 0]), 2);
    const before = spog.snapshot();
    const table = [...before.starts];
    // The second insert passes the delta limit of 1, so the base run and its table are rebuilt.
    spog.insert(2, 1, 1, 0);
    spog.insert(0, 1, 1, 0);
    assert.deepEqual([...before.starts], table);
    assert.equal(before.has(2, 1, 1, 0), false);
    assert.equal(before.has(3, 1, 1, 0), true);
    assert.equal(spog.has(2, 1, 1, 0), true);
    assert.equal(spog.has(0, 1, 1, 0), true);
  });

  it('drops the table when cleared', () => {
    const spog = new QuadIndex(SPOG_COLUMNS);
    spog.insertSorted(records([1, 1, 1, 0]), 1);
    spog.clear();
    assert.equal(spog.snapshot().starts.length, 0);
    assert.equal(spog.has(1, 1, 1, 0), false);
  });
});

describe('QuadStore exact lookups with a start table', () => {
  /** Returns a store whose base run contains subjects 0 to 9, with room for 64 adds in delta. */
  function storeWithBase(): QuadStore {
    const store = new QuadStore({ maxDeltaQuads: 64, minDeltaQuads: 64 });
    const batch: number[] = [];
    for (let s = 0; s < 10; s++) {
      for (let p = 0; p < 10; p++) batch.push(s, 100 + p, 200 + ((s * p) % 7), 0);
    }
    store.addMany(Uint32Array.from(batch));
    return store;
  }

  it('finds subjects added after the base run was built', () => {
    const store = storeWithBase();
    assert.equal(store.add(50, 101, 201, 0), true);
    assert.equal(store.has(50, 101, 201, 0), true);
    assert.equal(store.has(50, 101, 202, 0), false);
    assert.deepEqual([...store.hasMany(Uint32Array.of(50, 101, 201, 0, 50, 1, 1, 0))], [1, 0]);
    assert.equal(store.count(50, ANY, ANY, ANY), 1);
    assert.equal(store.count(50, 101, ANY, ANY), 1);
    assert.equal(store.count(51, ANY, ANY, ANY), 0);
    assert.equal(store.delete(50, 101, 201, 0), true);
    assert.equal(store.has(50, 101, 201, 0), false);
  });

  it('misses ids beyond the table', () => {
    const store = storeWithBase();
    assert.equal(store.has(10, 100, 200, 0), false);
    assert.equal(store.has(0xffff_ffff, 100, 200, 0), false);
    const probes = Uint32Array.of(11, 100, 200, 0, 0xffff_ffff, 100, 200, 0, 0, 100, 200, 0);
    assert.deepEqual([...store.hasMany(probes)], [0, 0, 1]);
    assert.equal(store.count(0xffff_ffff, ANY, ANY, ANY), 0);
    assert.equal(store.match(0xffff_ffff, 100, ANY, ANY).next(), false);
  });

  it('hides tombstoned base records', () => {
    const store = storeWithBase();
    assert.equal(store.delete(3, 104, 200 + (12 % 7), 0), true);
    assert.equal(store.has(3, 104, 200 + (12 % 7), 0), false);
    const probes = Uint32Array.of(3, 104, 200 + (12 % 7), 0, 3, 105, 200 + (15 % 7), 0);
    assert.deepEqual([...store.hasMany(probes)], [0, 1]);
    assert.equal(store.count(3, ANY, ANY, ANY), 9);
    assert.equal(store.add(3, 104, 200 + (12 % 7), 0), true);
    assert.equal(store.has(3, 104, 200 + (12 % 7), 0), true);
  });

  it('checks batches that wrap the look-ahead ring', () => {
    // hasMany reads each range 16 probes ahead into a 16-slot ring, so 1,502 probes wrap it
    // many times.
    const store = storeWithBase();
    const stored = new Set<string>();
    for (let s = 0; s < 10; s++) {
      for (let p = 0; p < 10; p++) stored.add(`${s} ${100 + p} ${200 + ((s * p) % 7)}`);
    }
    store.add(50, 101, 201, 0);
    stored.add('50 101 201');
    store.delete(2, 103, 206, 0);
    stored.delete('2 103 206');
    const probes: number[] = [];
    const expected: number[] = [];
    for (let i = 0; i < 1500; i++) {
      const s = (i * 7) % 53;
      const p = 100 + ((i * 3) % 11);
      const o = 200 + ((i * 5) % 8);
      probes.push(s, p, o, 0);
      expected.push(stored.has(`${s} ${p} ${o}`) ? 1 : 0);
    }
    // Among the last 16 probes, for which nothing is read ahead: the quad in the delta run and
    // the tombstoned one.
    probes.push(50, 101, 201, 0, 2, 103, 206, 0);
    expected.push(1, 0);
    assert.ok(expected.includes(1));
    assert.ok(expected.includes(0));
    assert.deepEqual([...store.hasMany(Uint32Array.from(probes))], expected);
  });

  it('checks batches of 0 to 40 probes', () => {
    const store = storeWithBase();
    store.delete(1, 101, 201, 0);
    const probes: number[] = [];
    for (let i = 0; i < 40; i++) probes.push(i % 12, 100 + (i % 10), 200 + ((i * 3) % 7), 0);
    for (let count = 0; count <= 40; count++) {
      const batch = Uint32Array.from(probes.slice(0, count * 4));
      const expected: number[] = [];
      for (let w = 0; w < batch.length; w += 4) {
        expected.push(store.has(batch[w], batch[w + 1], batch[w + 2], batch[w + 3]) ? 1 : 0);
      }
      assert.deepEqual([...store.hasMany(batch)], expected, `${count} probes`);
      if (count === 40) {
        assert.ok(expected.includes(1));
        assert.ok(expected.includes(0));
      }
    }
  });

  it('answers an empty store and an empty batch', () => {
    const store = new QuadStore();
    assert.equal(store.has(0, 0, 0, 0), false);
    assert.deepEqual([...store.hasMany(Uint32Array.of(0, 0, 0, 0))], [0]);
    assert.equal(store.hasMany(new Uint32Array(0)).length, 0);
    assert.equal(storeWithBase().hasMany(new Uint32Array(0)).length, 0);
  });
});
