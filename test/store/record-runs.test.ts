import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  lowerBound,
  lowerBoundFrom,
  upperBound,
  upperBoundFrom,
} from '../../src/store/record-runs.js';

/** Sorted records over a few values per column, so that keys match runs of every length. */
const sortedRecords = fc
  .array(fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.nat(1)), { maxLength: 200 })
  .map((records) => {
    records.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2] || a[3] - b[3]);
    return Uint32Array.from(records.flat());
  });

const keys = fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4), fc.nat(2));
const prefixLengths = fc.integer({ min: 0, max: 4 });

describe('lowerBoundFrom', () => {
  it('agrees with lowerBound from any start', () => {
    fc.assert(
      fc.property(
        sortedRecords,
        keys,
        prefixLengths,
        fc.nat(200),
        (records, [k0, k1, k2, k3], length, start) => {
          const count = records.length / 4;
          const lo = Math.min(start, count);
          assert.equal(
            lowerBoundFrom(records, lo, count, length, k0, k1, k2, k3),
            lowerBound(records, lo, count, length, k0, k1, k2, k3),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('upperBoundFrom', () => {
  it('agrees with upperBound from the lower bound', () => {
    fc.assert(
      fc.property(sortedRecords, keys, prefixLengths, (records, [k0, k1, k2, k3], length) => {
        const count = records.length / 4;
        const lo = lowerBound(records, 0, count, length, k0, k1, k2, k3);
        assert.equal(
          upperBoundFrom(records, lo, count, length, k0, k1, k2, k3),
          upperBound(records, lo, count, length, k0, k1, k2, k3),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('stops at the end of the range it is given', () => {
    const records = Uint32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
    assert.equal(upperBoundFrom(records, 0, 2, 1, 1, 0, 0, 0), 2);
    assert.equal(upperBoundFrom(records, 0, 4, 1, 1, 0, 0, 0), 3);
    assert.equal(upperBoundFrom(records, 3, 4, 1, 1, 0, 0, 0), 3);
  });
});
