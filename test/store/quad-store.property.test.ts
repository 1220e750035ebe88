import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { QuadStore, type QuadStoreOptions } from '../../src/store/quad-store.js';
import type { QuadStoreSnapshot } from '../../src/store/snapshot.js';
import { ANY, type QuadCursor, type QuadSource } from '../../src/store/types.js';

type Quad = [number, number, number, number];

/** The reference model: a Map from "s p o g" strings to quads, scanned in full for every query. */
class ModelStore {
  readonly quads = new Map<string, Quad>();

  add(q: Quad): boolean {
    const key = q.join(' ');
    if (this.quads.has(key)) return false;
    this.quads.set(key, [...q] as Quad);
    return true;
  }

  delete(q: Quad): boolean {
    return this.quads.delete(q.join(' '));
  }

  matching(pattern: Quad): string[] {
    const out: string[] = [];
    for (const [key, q] of this.quads) {
      if (q.every((value, i) => pattern[i] === ANY || pattern[i] === value)) out.push(key);
    }
    return out.sort();
  }

  graphs(): number[] {
    const ids = new Set<number>();
    for (const q of this.quads.values()) if (q[3] !== 0) ids.add(q[3]);
    return [...ids].sort((a, b) => a - b);
  }
}

type Operation =
  | { kind: 'add' | 'delete' | 'has'; quad: Quad }
  | { kind: 'addMany' | 'deleteMany' | 'hasMany'; quads: Quad[] }
  | { kind: 'count' | 'match'; pattern: Quad }
  | { kind: 'snapshot'; pattern: Quad; added: Quad[]; deleted: Quad[] }
  | { kind: 'graphs' | 'clear' | 'freeze' };

function drain(cursor: QuadCursor): string[] {
  const out: string[] = [];
  // Bounded: no store in these tests contains more quads than the id space allows.
  for (let i = 0; i < 100_000 && cursor.next(); i++) {
    out.push(`${cursor.s} ${cursor.p} ${cursor.o} ${cursor.g}`);
  }
  return out.sort();
}

function pack(quads: Quad[]): Uint32Array {
  return Uint32Array.from(quads.flat());
}

function operations(
  id: fc.Arbitrary<number>,
  maxBatch: number,
  graph: fc.Arbitrary<number> = id,
): fc.Arbitrary<Operation[]> {
  const quad = fc.tuple(id, id, id, graph);
  const pattern = fc.tuple(
    fc.oneof(fc.constant(ANY), id),
    fc.oneof(fc.constant(ANY), id),
    fc.oneof(fc.constant(ANY), id),
    fc.oneof(fc.constant(ANY), id),
  );
  const batch = fc.array(quad, { maxLength: maxBatch, size: 'max' });
  const operation: fc.Arbitrary<Operation> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), quad }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), quad }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('has' as const), quad }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('addMany' as const), quads: batch }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('deleteMany' as const), quads: batch }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('hasMany' as const), quads: batch }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('count' as const), pattern }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('match' as const), pattern }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('snapshot' as const),
        pattern,
        added: batch,
        deleted: batch,
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'graphs' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'freeze' as const }) },
  );
  return fc.array(operation, { maxLength: 120, size: 'max' });
}

/** Returns the 16 bound/unbound patterns of `q`'s positions. */
function allPatterns(q: Quad): Quad[] {
  const out: Quad[] = [];
  for (let mask = 0; mask < 16; mask++) {
    out.push(q.map((value, i) => ((mask >> i) & 1 ? value : ANY)) as Quad);
  }
  return out;
}

function runAgainstModel(ops: Operation[], options: QuadStoreOptions): void {
  const store = new QuadStore(options);
  const model = new ModelStore();
  /** Snapshots taken by 'freeze', each with a copy of the model at that moment. */
  const frozen: { snapshot: QuadStoreSnapshot; model: ModelStore }[] = [];
  for (const op of ops) {
    switch (op.kind) {
      case 'add':
        assert.equal(store.add(...op.quad), model.add(op.quad), `add ${op.quad}`);
        break;
      case 'delete':
        assert.equal(store.delete(...op.quad), model.delete(op.quad), `delete ${op.quad}`);
        break;
      case 'has':
        assert.equal(store.has(...op.quad), model.quads.has(op.quad.join(' ')), `has ${op.quad}`);
        break;
      case 'addMany': {
        const expected = op.quads.filter((q) => model.add(q)).length;
        assert.equal(store.addMany(pack(op.quads)), expected, 'addMany count');
        break;
      }
      case 'deleteMany': {
        const expected = op.quads.filter((q) => model.delete(q)).length;
        assert.equal(store.deleteMany(pack(op.quads)), expected, 'deleteMany count');
        break;
      }
      case 'hasMany': {
        const expected = op.quads.map((q) => (model.quads.has(q.join(' ')) ? 1 : 0));
        assert.deepEqual([...store.hasMany(pack(op.quads))], expected, 'hasMany');
        break;
      }
      case 'count':
        assert.equal(
          store.count(...op.pattern),
          model.matching(op.pattern).length,
          `count ${op.pattern}`,
        );
        break;
      case 'match':
        assert.deepEqual(
          drain(store.match(...op.pattern)),
          model.matching(op.pattern),
          `match ${op.pattern}`,
        );
        break;
      case 'snapshot': {
        const cursor = store.match(...op.pattern);
        const before = model.matching(op.pattern);
        store.addMany(pack(op.added));
        op.added.forEach((q) => model.add(q));
        for (const q of op.deleted) {
          assert.equal(store.delete(...q), model.delete(q), `delete during match ${q}`);
        }
        assert.deepEqual(drain(cursor), before, `snapshot of ${op.pattern}`);
        break;
      }
      case 'graphs':
        assert.deepEqual([...store.graphs()], model.graphs(), 'graphs');
        break;
      case 'clear':
        store.clear();
        model.quads.clear();
        break;
      case 'freeze': {
        const copy = new ModelStore();
        for (const q of model.quads.values()) copy.add(q);
        frozen.push({ snapshot: store.snapshot(), model: copy });
        break;
      }
    }
    assert.equal(store.size, model.quads.size, `size after ${op.kind}`);
  }

  checkEveryPattern(store, model, 'final');
  // Every snapshot still reads the state it was taken in, after all the later writes.
  for (const [i, { snapshot, model: then }] of frozen.entries()) {
    assert.equal(snapshot.size, then.quads.size, `snapshot ${i} size`);
    assert.deepEqual([...snapshot.graphs()], then.graphs(), `snapshot ${i} graphs`);
    checkEveryPattern(snapshot, then, `snapshot ${i}`);
  }
}

/** Checks count, match and has for every pattern shape over a few stored quads and one absent. */
function checkEveryPattern(source: QuadSource, model: ModelStore, label: string): void {
  const probes = [...model.quads.values()].slice(0, 4);
  probes.push([1, 2, 3, 4]);
  for (const probe of probes) {
    assert.equal(source.has(...probe), model.quads.has(probe.join(' ')), `${label} has ${probe}`);
    for (const pattern of allPatterns(probe)) {
      const expected = model.matching(pattern);
      assert.equal(source.count(...pattern), expected.length, `${label} count ${pattern}`);
      assert.deepEqual(drain(source.match(...pattern)), expected, `${label} match ${pattern}`);
    }
  }
}

const smallIds = fc.integer({ min: 0, max: 7 });
// Ids around the 16-bit digit boundary and near the top of uint32 exercise every radix digit.
const wideIds = fc.constantFrom(0, 1, 2, 0xffff, 0x1_0000, 0x1_0001, 0x7fff_ffff, 0xffff_ffff);

describe('QuadStore against a model', () => {
  it('matches with tiny delta and compaction limits', () => {
    const options = { maxDeltaQuads: 4, minDeltaQuads: 2, compactionRatio: 0.25 };
    fc.assert(
      fc.property(operations(smallIds, 80), (ops) => runAgainstModel(ops, options)),
      { numRuns: 300 },
    );
  });

  it('matches with named graphs arriving late', () => {
    // Mostly default-graph quads: the store runs without its G-first orderings until the first
    // named-graph quad, so both modes and the switch between them are exercised.
    const options = { maxDeltaQuads: 4, minDeltaQuads: 2, compactionRatio: 0.25 };
    const graph = fc.oneof(
      { weight: 30, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: smallIds },
    );
    fc.assert(
      fc.property(operations(smallIds, 40, graph), (ops) => runAgainstModel(ops, options)),
      { numRuns: 300 },
    );
  });

  it('matches when every write rebuilds', () => {
    const options = { maxDeltaQuads: 1, minDeltaQuads: 1, compactionRatio: 0 };
    fc.assert(
      fc.property(operations(smallIds, 60), (ops) => runAgainstModel(ops, options)),
      { numRuns: 150 },
    );
  });

  it('matches with ids of every digit width', () => {
    const options = { maxDeltaQuads: 8, minDeltaQuads: 4, compactionRatio: 0.1 };
    fc.assert(
      fc.property(operations(wideIds, 80), (ops) => runAgainstModel(ops, options)),
      { numRuns: 200 },
    );
  });

  it('matches batched lookups of one graph', () => {
    // Batches of 64 or more quads in one graph. With these small ids the SPOG start table
    // serves them, and exact-lookups.property.test.ts covers the sorted path of sparse ids.
    const options = { maxDeltaQuads: 16, minDeltaQuads: 4, compactionRatio: 0.25 };
    for (const graph of [fc.constant(0), fc.constant(5)]) {
      fc.assert(
        fc.property(operations(smallIds, 150, graph), (ops) => runAgainstModel(ops, options)),
        { numRuns: 100 },
      );
    }
  });

  it('matches with default options', () => {
    fc.assert(
      fc.property(operations(smallIds, 80), (ops) => runAgainstModel(ops, {})),
      { numRuns: 200 },
    );
  });
});
