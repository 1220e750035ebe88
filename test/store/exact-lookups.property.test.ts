import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OverlayStore } from '../../src/store/overlay.js';
import { QuadStore, type QuadStoreOptions } from '../../src/store/quad-store.js';
import { ANY, type QuadSource } from '../../src/store/types.js';

type Quad = [number, number, number, number];

type Operation =
  | { kind: 'add' | 'delete'; quad: Quad }
  | { kind: 'addMany' | 'deleteMany' | 'check'; quads: Quad[] }
  | { kind: 'overlay'; added: Quad[]; deleted: Quad[]; probes: Quad[] }
  | { kind: 'freeze' | 'clear' };

const keyOf = (q: readonly number[]): string => q.join(' ');

function pack(quads: Quad[]): Uint32Array {
  return Uint32Array.from(quads.flat());
}

/**
 * Returns the random probes plus stored quads and ids above every id the operations use, so
 * each check covers hits, misses within the table and misses beyond it.
 */
function probesFor(random: Quad[], model: Set<string>, maxId: number): Quad[] {
  const stored = [...model].slice(0, 40).map((key) => key.split(' ').map(Number) as Quad);
  const above = Math.min(maxId + 1, 0xffff_ffff);
  const beyond: Quad[] = [
    [above, 0, 0, 0],
    [0xffff_ffff, 1, 1, 0],
    [1, 1, 1, above],
  ];
  return [...random, ...stored, ...beyond];
}

/** Checks has and hasMany of every probe, and the s-bound counts the start table narrows. */
function checkLookups(source: QuadSource, model: Set<string>, probes: Quad[], label: string) {
  const expected = probes.map((q) => (model.has(keyOf(q)) ? 1 : 0));
  assert.deepEqual([...source.hasMany(pack(probes))], expected, `${label} hasMany`);
  for (const q of probes) {
    assert.equal(source.has(...q), model.has(keyOf(q)), `${label} has ${q}`);
  }
  // The same batch with one graph for every probe, as SPARQL ASK batches send it.
  const oneGraph = probes.map(([s, p, o]) => [s, p, o, 0] as Quad);
  const oneGraphExpected = oneGraph.map((q) => (model.has(keyOf(q)) ? 1 : 0));
  assert.deepEqual([...source.hasMany(pack(oneGraph))], oneGraphExpected, `${label} one graph`);
  for (const [s, p] of probes.slice(0, 8)) {
    const withS = [...model].filter((key) => key.split(' ')[0] === String(s));
    const withSP = withS.filter((key) => key.split(' ')[1] === String(p));
    assert.equal(source.count(s, ANY, ANY, ANY), withS.length, `${label} count s=${s}`);
    assert.equal(source.count(s, p, ANY, ANY), withSP.length, `${label} count s=${s} p=${p}`);
  }
}

function operations(id: fc.Arbitrary<number>, graph: fc.Arbitrary<number>, maxBatch: number) {
  const quad = fc.tuple(id, id, id, graph);
  const batch = fc.array(quad, { maxLength: maxBatch, size: 'max' });
  const operation: fc.Arbitrary<Operation> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), quad }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), quad }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('addMany' as const), quads: batch }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('deleteMany' as const), quads: batch }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('check' as const), quads: batch }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('overlay' as const),
        added: batch,
        deleted: batch,
        probes: batch,
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'freeze' as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  );
  return fc.array(operation, { maxLength: 60, size: 'max' });
}

function runAgainstSet(ops: Operation[], options: QuadStoreOptions, maxId: number): void {
  const store = new QuadStore(options);
  const model = new Set<string>();
  const frozen: { source: QuadSource; model: Set<string> }[] = [];
  for (const op of ops) {
    switch (op.kind) {
      case 'add':
        assert.equal(store.add(...op.quad), !model.has(keyOf(op.quad)), `add ${op.quad}`);
        model.add(keyOf(op.quad));
        break;
      case 'delete':
        assert.equal(store.delete(...op.quad), model.delete(keyOf(op.quad)), `delete ${op.quad}`);
        break;
      case 'addMany': {
        const before = model.size;
        for (const q of op.quads) model.add(keyOf(q));
        assert.equal(store.addMany(pack(op.quads)), model.size - before, 'addMany count');
        break;
      }
      case 'deleteMany': {
        const before = model.size;
        for (const q of op.quads) model.delete(keyOf(q));
        assert.equal(store.deleteMany(pack(op.quads)), before - model.size, 'deleteMany count');
        break;
      }
      case 'check':
        checkLookups(store, model, probesFor(op.quads, model, maxId), 'store');
        break;
      case 'overlay': {
        // A transaction over a snapshot: the store and the snapshot must not see its writes.
        const overlay = new OverlayStore(store.snapshot());
        const view = new Set(model);
        overlay.addMany(pack(op.added));
        for (const q of op.added) view.add(keyOf(q));
        overlay.deleteMany(pack(op.deleted));
        for (const q of op.deleted) view.delete(keyOf(q));
        const probes = probesFor([...op.probes, ...op.added, ...op.deleted], view, maxId);
        checkLookups(overlay, view, probes, 'overlay');
        checkLookups(store, model, probes, 'store under overlay');
        break;
      }
      case 'freeze':
        frozen.push({ source: store.snapshot(), model: new Set(model) });
        break;
      case 'clear':
        store.clear();
        model.clear();
        break;
    }
    assert.equal(store.size, model.size, `size after ${op.kind}`);
  }
  // Every snapshot still reads the state it was taken in, after all the later writes.
  const lastProbes = probesFor([], model, maxId);
  checkLookups(store, model, lastProbes, 'final');
  for (const [i, { source, model: then }] of frozen.entries()) {
    checkLookups(source, then, probesFor([], then, maxId), `snapshot ${i}`);
    checkLookups(source, then, lastProbes, `snapshot ${i} with final probes`);
  }
}

const TINY_DELTA = { maxDeltaQuads: 4, minDeltaQuads: 2, compactionRatio: 0.25 };
const LONG_DELTA = { maxDeltaQuads: 64, minDeltaQuads: 64, compactionRatio: 0.5 };

describe('exact lookups against a set of quad keys', () => {
  it('match with dense ids and frequent merges', () => {
    const id = fc.integer({ min: 0, max: 12 });
    fc.assert(
      fc.property(operations(id, fc.constant(0), 80), (ops) => runAgainstSet(ops, TINY_DELTA, 12)),
      { numRuns: 200 },
    );
  });

  it('match with a long-lived delta run', () => {
    // Single adds stay in the delta run while the base run and its table keep older ids, so
    // probes meet subjects larger than any the table was built with.
    const id = fc.integer({ min: 0, max: 40 });
    fc.assert(
      fc.property(operations(id, fc.constant(0), 30), (ops) => runAgainstSet(ops, LONG_DELTA, 40)),
      { numRuns: 200 },
    );
  });

  it('match with named graphs', () => {
    const id = fc.integer({ min: 0, max: 10 });
    const graph = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: id });
    fc.assert(
      fc.property(operations(id, graph, 80), (ops) => runAgainstSet(ops, TINY_DELTA, 10)),
      { numRuns: 200 },
    );
  });

  it('match with sparse ids and no table', () => {
    // Ids this far apart make a start table too large, so batches of 64 or more probes in one
    // graph are sorted and merged with the runs instead.
    const id = fc.constantFrom(0, 1, 0xffff, 0x1_0000, 0x7fff_ffff, 0xffff_fffe);
    fc.assert(
      fc.property(operations(id, fc.constant(0), 120), (ops) =>
        runAgainstSet(ops, TINY_DELTA, 0xffff_fffe),
      ),
      { numRuns: 150 },
    );
  });

  it('match with default options', () => {
    const id = fc.integer({ min: 0, max: 30 });
    fc.assert(
      fc.property(operations(id, fc.constantFrom(0, 0, 3), 80), (ops) =>
        runAgainstSet(ops, {}, 30),
      ),
      { numRuns: 150 },
    );
  });
});
