import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { PatternTerm } from '../../src/sparql/algebra.js';
import {
  BOUND_VARIABLE_SELECTIVITY,
  greedyJoinOrder,
  type ResolvedPattern,
} from '../../src/sparql/join-order.js';

/** The order by the plain method: every remaining pattern estimated again at every step. */
function referenceOrder(
  patterns: readonly ResolvedPattern[],
  initiallyBound: ReadonlySet<number>,
  count: (pattern: ResolvedPattern) => number,
): { order: number[]; estimates: number[] } {
  const bound = new Set(initiallyBound);
  const remaining = patterns.map((_, index) => index);
  const order: number[] = [];
  const estimates: number[] = [];
  while (remaining.length > 0) {
    let bestIndex = 0;
    let bestCost = Infinity;
    for (let i = 0; i < remaining.length; i++) {
      const terms = patterns[remaining[i]!]!;
      let cost = count(terms);
      let connected = false;
      for (const term of terms) {
        if (typeof term !== 'number' && 'slot' in term && bound.has(term.slot)) {
          cost /= BOUND_VARIABLE_SELECTIVITY;
          connected = true;
        }
      }
      const first = order.length === 0;
      if (!connected && !first && terms.some((term) => typeof term !== 'number')) cost += 1e15;
      if (cost < bestCost) {
        bestCost = cost;
        bestIndex = i;
      }
    }
    const chosen = remaining.splice(bestIndex, 1)[0]!;
    order.push(chosen);
    estimates.push(bestCost);
    for (const term of patterns[chosen]!) {
      if (typeof term !== 'number' && 'slot' in term) bound.add(term.slot);
    }
  }
  return { order, estimates };
}

/** A term: a variable of one of six slots, or one of four store ids. */
const term = fc.oneof(
  fc.nat({ max: 5 }).map((slot): PatternTerm | number => ({ slot }) as PatternTerm),
  fc.integer({ min: 1, max: 4 }),
);
const pattern = fc.tuple(
  term,
  term,
  term,
  fc.constantFrom<PatternTerm | number>(0, {
    slot: 6,
  } as PatternTerm),
);

describe('greedyJoinOrder', () => {
  it('orders as the plain greedy method does', () => {
    fc.assert(
      fc.property(
        fc.array(pattern, { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 5, maxLength: 5 }),
        fc.uniqueArray(fc.nat({ max: 6 }), { maxLength: 3 }),
        (patterns, weights, boundSlots) => {
          // A count that depends on the constants, so costs differ and also tie.
          const count = (terms: ResolvedPattern) =>
            terms.reduce<number>(
              (total, t) => (typeof t === 'number' ? total * (weights[t] ?? 1) + t : total + 7),
              3,
            );
          const initiallyBound = new Set(boundSlots);
          const fast = greedyJoinOrder(patterns, initiallyBound, count, () => {});
          assert.deepEqual(fast, referenceOrder(patterns, initiallyBound, count));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads each pattern count once', () => {
    const patterns: ResolvedPattern[] = Array.from({ length: 500 }, (_, index) => [
      { slot: index } as PatternTerm,
      1,
      { slot: index + 1 } as PatternTerm,
      0,
    ]);
    let counts = 0;
    const { order } = greedyJoinOrder(
      patterns,
      new Set(),
      () => {
        counts++;
        return 10;
      },
      () => {},
    );
    assert.equal(counts, 500);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
  });

  it('stops when check throws', () => {
    const patterns: ResolvedPattern[] = Array.from({ length: 5000 }, (_, index) => [
      { slot: index } as PatternTerm,
      1,
      2,
      0,
    ]);
    let checks = 0;
    assert.throws(
      () =>
        greedyJoinOrder(
          patterns,
          new Set(),
          () => 1,
          () => {
            if (++checks === 2) throw new Error('deadline passed');
          },
        ),
      /deadline passed/,
    );
    assert.equal(checks, 2);
  });
});
