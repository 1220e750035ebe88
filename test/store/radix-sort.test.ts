import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  compareRecords,
  dedupeSortedRecords,
  permuteQuads,
  radixSortRecords,
} from '../../src/store/radix-sort.js';

/** Sorts with a plain comparator, as the reference. */
function referenceSort(records: Uint32Array): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < records.length; i += 4) rows.push([...records.subarray(i, i + 4)]);
  return rows.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]);
}

function rows(records: Uint32Array): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < records.length; i += 4) out.push([...records.subarray(i, i + 4)]);
  return out;
}

const uint32 = fc.integer({ min: 0, max: 0xffff_ffff });
const wideValue = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: 0xfff0, max: 0x1_0010 }),
  uint32,
);

function recordArrays(value: fc.Arbitrary<number>, maxRecords: number) {
  return fc
    .array(fc.tuple(value, value, value, value), { maxLength: maxRecords, size: 'max' })
    .map((list) => Uint32Array.from(list.flat()));
}

describe('radixSortRecords', () => {
  it('sorts like a comparator sort', () => {
    fc.assert(
      fc.property(recordArrays(wideValue, 400), (records) => {
        const expected = referenceSort(records);
        assert.deepEqual(rows(radixSortRecords(records.slice())), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('sorts small ids', () => {
    fc.assert(
      fc.property(recordArrays(fc.integer({ min: 0, max: 9 }), 300), (records) => {
        assert.deepEqual(rows(radixSortRecords(records.slice())), referenceSort(records));
      }),
      { numRuns: 200 },
    );
  });

  it('sorts 100,000 random records', () => {
    const records = new Uint32Array(400_000);
    let seed = 12345;
    for (let i = 0; i < records.length; i++) {
      // xorshift32: deterministic spread over the full uint32 range.
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      records[i] = i % 4 === 1 ? (seed >>> 0) % 50 : seed >>> 0;
    }
    const sorted = radixSortRecords(records.slice());
    assert.deepEqual(rows(sorted), referenceSort(records));
  });

  it('sorts ids of 12 and 18 bits', () => {
    // Like LUBM(8) ids: below 2^18 in s and o, below 2^12 in p, all 0 in g.
    const records = new Uint32Array(80_000);
    let seed = 777;
    for (let i = 0; i < records.length; i++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      const column = i % 4;
      let bits = 18;
      if (column === 1) bits = 12;
      if (column === 3) bits = 0;
      records[i] = (seed >>> 0) % 2 ** bits;
    }
    assert.deepEqual(rows(radixSortRecords(records.slice())), referenceSort(records));
    assert.deepEqual(rows(radixSortRecords(records.slice(), 3)), referenceSort(records));
  });

  it('sorts leading columns of presorted records', () => {
    fc.assert(
      fc.property(recordArrays(wideValue, 300), (records) => {
        // Sort by columns 1..3, rotate column 3 to the front, then sort only that column.
        const byTail = radixSortRecords(permuteQuads(records, [1, 2, 3, 0]));
        const rotated = permuteQuads(byTail, [3, 0, 1, 2]);
        const sorted = radixSortRecords(rotated, 1);
        assert.deepEqual(rows(sorted), referenceSort(records));
      }),
      { numRuns: 200 },
    );
  });

  it('returns sorted input as it is', () => {
    const records = new Uint32Array(4000);
    for (let i = 0; i < 1000; i++) records.set([i >> 4, i % 16, 70_000 + i, 0], i * 4);
    const before = records.slice();
    assert.equal(radixSortRecords(records), records);
    assert.deepEqual(records, before);
    // Sorted on column 0 with ties in column 1 order: sorting on column 0 alone changes nothing.
    assert.equal(radixSortRecords(records, 1), records);
    assert.deepEqual(records, before);
  });

  it('sorts input with one record out of order', () => {
    const records = new Uint32Array(4000);
    for (let i = 0; i < 1000; i++) records.set([i, 0, 0, 0], i * 4);
    records.set([500, 1, 0, 0], 999 * 4);
    assert.deepEqual(rows(radixSortRecords(records.slice())), referenceSort(records));
  });

  it('sorts groups that share column 0', () => {
    // Column 0 in a small range makes groups of equal values, which are sorted group by group.
    const record = fc.tuple(fc.integer({ min: 0, max: 63 }), wideValue, wideValue, wideValue);
    fc.assert(
      fc.property(fc.array(record, { maxLength: 400, size: 'max' }), (list) => {
        const records = Uint32Array.from(list.flat());
        assert.deepEqual(rows(radixSortRecords(records.slice())), referenceSort(records));
      }),
      { numRuns: 200 },
    );
  });

  it('sorts long groups that share column 0', () => {
    // Groups of 60 records: 50 long groups, then 100, over the limit of 64 long groups. Groups
    // of 32 in random order would need more insertion-sort moves than the limit allows.
    const cases = [
      { values: 50, groupSize: 60 },
      { values: 100, groupSize: 60 },
      { values: 100, groupSize: 32 },
    ];
    for (const { values, groupSize } of cases) {
      const records = new Uint32Array(values * groupSize * 4);
      let seed = 99;
      for (let i = 0; i < records.length; i++) {
        seed ^= seed << 13;
        seed ^= seed >>> 17;
        seed ^= seed << 5;
        records[i] = i % 4 === 0 ? (i >> 2) % values : (seed >>> 0) % 1000;
      }
      const sorted = radixSortRecords(records.slice());
      assert.deepEqual(rows(sorted), referenceSort(records), `${values} groups of ${groupSize}`);
    }
  });

  it('sorts column 0 by its varying bits', () => {
    // Varying bits 12 to 21 only, then bits 0 to 21, which is over the 20-bit histogram limit.
    for (const spread of [(i: number) => ((i * 7919) % 1000) << 12, (i: number) => i * 4099]) {
      const records = new Uint32Array(4000);
      for (let i = 0; i < 1000; i++) records.set([spread(i) % (1 << 22), i % 3, 0, 0], i * 4);
      assert.deepEqual(rows(radixSortRecords(records.slice())), referenceSort(records));
    }
  });

  it('keeps input without varying digits', () => {
    const records = Uint32Array.from(new Array(400).fill(7));
    assert.deepEqual(
      rows(radixSortRecords(records)),
      rows(Uint32Array.from(new Array(400).fill(7))),
    );
  });
});

describe('dedupeSortedRecords', () => {
  it('removes adjacent duplicates', () => {
    fc.assert(
      fc.property(recordArrays(fc.integer({ min: 0, max: 2 }), 200), (records) => {
        const sorted = radixSortRecords(records.slice());
        const kept = dedupeSortedRecords(sorted);
        const expected = [...new Set(referenceSort(records).map((row) => row.join(' ')))];
        assert.deepEqual(
          rows(sorted.subarray(0, kept * 4)).map((row) => row.join(' ')),
          expected,
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('compareRecords', () => {
  it('orders by later columns on ties', () => {
    const a = Uint32Array.of(1, 2, 3, 4, 1, 2, 3, 0xffff_ffff);
    assert.ok(compareRecords(a, 0, a, 1) < 0);
    assert.ok(compareRecords(a, 1, a, 0) > 0);
    assert.equal(compareRecords(a, 0, a, 0), 0);
  });
});

describe('permuteQuads', () => {
  it('reorders columns', () => {
    const quads = Uint32Array.of(10, 11, 12, 13, 20, 21, 22, 23);
    assert.deepEqual([...permuteQuads(quads, [3, 0, 1, 2])], [13, 10, 11, 12, 23, 20, 21, 22]);
  });
});
