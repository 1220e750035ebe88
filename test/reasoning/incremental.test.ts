import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LimitExceededError } from '../../src/errors.js';
import { RunBudget } from '../../src/reasoning/engine.js';
import { Reasoner } from '../../src/reasoning/index.js';
import { QuadStore } from '../../src/store/quad-store.js';
import { emptyDataset, reason, tripleSet, turtleQuads } from './helpers.js';

const SCHEMA = `
  ex:A rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:C .
  ex:p rdfs:domain ex:A . ex:t a owl:TransitiveProperty .`;

/** Returns the inferred triples a from-scratch materialisation of the same asserted data gives. */
function fromScratch(data: Awaited<ReturnType<typeof reason>>): string[] {
  const copy = new QuadStore();
  const cursor = data.asserted.match(-1, -1, -1, -1);
  const packed: number[] = [];
  while (cursor.next()) packed.push(cursor.s, cursor.p, cursor.o, cursor.g);
  copy.addMany(Uint32Array.from(packed));
  const reasoner = new Reasoner(data.dictionary, copy, data.reasoner.ruleset);
  reasoner.materialise();
  return tripleSet(reasoner.inferred);
}

describe('incremental maintenance', () => {
  it('insert derives new facts', async () => {
    const data = await reason(SCHEMA);
    const delta = data.reasoner.applyDelta({
      adds: await turtleQuads(data.dictionary, 'ex:x ex:p ex:y .'),
    });
    assert.ok(delta.inferredAdds.length > 0);
    assert.ok(data.has('ex:x rdf:type ex:C'));
    assert.deepEqual(tripleSet(data.reasoner.inferred), fromScratch(data));
  });

  it('delete retracts facts with no other derivation', async () => {
    const data = await reason(`${SCHEMA} ex:x ex:p ex:y . ex:z a ex:A . ex:z ex:p ex:w .`);
    data.reasoner.applyDelta({ deletes: await turtleQuads(data.dictionary, 'ex:x ex:p ex:y .') });
    assert.ok(!data.has('ex:x rdf:type ex:A'));
    assert.ok(data.has('ex:z rdf:type ex:C'));
    data.reasoner.applyDelta({ deletes: await turtleQuads(data.dictionary, 'ex:z a ex:A .') });
    assert.ok(data.has('ex:z rdf:type ex:C'), 'still derived through ex:p and its domain');
    assert.deepEqual(tripleSet(data.reasoner.inferred), fromScratch(data));
  });

  it('delete keeps transitive facts with another path', async () => {
    const data = await reason(`${SCHEMA}
      ex:a ex:t ex:b . ex:b ex:t ex:c . ex:a ex:t ex:d . ex:d ex:t ex:c . ex:c ex:t ex:e .`);
    data.reasoner.applyDelta({ deletes: await turtleQuads(data.dictionary, 'ex:b ex:t ex:c .') });
    assert.ok(data.has('ex:a ex:t ex:e'));
    assert.ok(!data.has('ex:b ex:t ex:e'));
    assert.deepEqual(tripleSet(data.reasoner.inferred), fromScratch(data));
  });

  it('asserting an inferred quad moves it', async () => {
    const data = await reason(`${SCHEMA} ex:x a ex:A .`);
    const union = data.reasoner.union();
    const before = union.size;
    assert.ok(data.inferredOnly('ex:x rdf:type ex:B'));
    const delta = data.reasoner.applyDelta({
      adds: await turtleQuads(data.dictionary, 'ex:x a ex:B .'),
    });
    assert.equal(delta.inferredDeletes.length, 4);
    assert.equal(delta.inferredAdds.length, 0);
    assert.ok(!data.inferredOnly('ex:x rdf:type ex:B'));
    assert.ok(data.has('ex:x rdf:type ex:B'));
    assert.equal(union.size, before);
  });

  it('deleting a derivable asserted quad moves it', async () => {
    const data = await reason(`${SCHEMA} ex:x a ex:A , ex:B .`);
    const union = data.reasoner.union();
    const before = union.size;
    data.reasoner.applyDelta({ deletes: await turtleQuads(data.dictionary, 'ex:x a ex:B .') });
    assert.ok(data.inferredOnly('ex:x rdf:type ex:B'));
    assert.equal(union.size, before);
  });

  it('union count adds the disjoint stores', async () => {
    const data = await reason(`${SCHEMA} ex:x a ex:A . ex:y a ex:B .`);
    const union = data.reasoner.union();
    assert.equal(union.size, data.asserted.size + data.reasoner.inferred.size);
    const type = data.dictionary.lookup('http://www.w3.org/1999/02/22-rdf-syntax-ns#type')!;
    const c = data.dictionary.lookup('http://example.org/C')!;
    assert.equal(union.count(-1, type, c, 0), 2);
    let rows = 0;
    const cursor = union.match(-1, type, c, 0);
    while (cursor.next()) rows++;
    assert.equal(rows, 2);
    const x = data.dictionary.lookup('http://example.org/x')!;
    const a = data.dictionary.lookup('http://example.org/A')!;
    const found = union.hasMany(Uint32Array.of(x, type, a, 0, x, type, c, 0, c, type, x, 0));
    assert.deepEqual([...found], [1, 1, 0]);
  });

  it('quad-count budget leaves stores untouched', async () => {
    const data = await reason(SCHEMA, 'owl2-rl', { maxInferredQuads: 150 });
    assert.ok(data.reasoner.inferred.size < 150);
    const assertedBefore = tripleSet(data.asserted);
    const inferredBefore = tripleSet(data.reasoner.inferred);
    const chain = Array.from({ length: 20 }, (_, i) => `ex:n${i} ex:t ex:n${i + 1} .`).join('\n');
    const adds = await turtleQuads(data.dictionary, chain);
    assert.throws(() => data.reasoner.applyDelta({ adds }), LimitExceededError);
    assert.deepEqual(tripleSet(data.asserted), assertedBefore);
    assert.deepEqual(tripleSet(data.reasoner.inferred), inferredBefore);
  });

  it('materialisation over budget throws', async () => {
    await assert.rejects(
      reason(`${SCHEMA} ex:x a ex:A .`, 'owl2-rl', { maxInferredQuads: 3 }),
      LimitExceededError,
    );
  });

  it('stale plan is rejected', async () => {
    const data = await reason(SCHEMA);
    const first = data.reasoner.planDelta({
      adds: await turtleQuads(data.dictionary, 'ex:x a ex:A .'),
    });
    const second = data.reasoner.planDelta({
      adds: await turtleQuads(data.dictionary, 'ex:y a ex:A .'),
    });
    data.reasoner.commit(second);
    assert.throws(() => data.reasoner.commit(first), /stale/);
    assert.ok(!data.has('ex:x rdf:type ex:A'));
  });

  it('list change re-fires intersections', async () => {
    const data = await reason(`
      ex:C owl:intersectionOf ex:l1 . ex:l1 rdf:first ex:A ; rdf:rest ex:l2 .
      ex:l2 rdf:first ex:B . ex:x a ex:A , ex:B .`);
    assert.ok(!data.has('ex:x rdf:type ex:C'), 'the list has no end yet');
    data.reasoner.applyDelta({
      adds: await turtleQuads(data.dictionary, 'ex:l2 rdf:rest rdf:nil .'),
    });
    assert.ok(data.has('ex:x rdf:type ex:C'));
    data.reasoner.applyDelta({
      deletes: await turtleQuads(data.dictionary, 'ex:l1 rdf:first ex:A .'),
    });
    assert.ok(!data.has('ex:x rdf:type ex:C'));
    assert.deepEqual(tripleSet(data.reasoner.inferred), fromScratch(data));
  });
});

describe('reasoner set-up', () => {
  it('planDelta before materialise throws', async () => {
    const { dictionary, asserted } = emptyDataset();
    const reasoner = new Reasoner(dictionary, asserted, 'rdfs');
    const adds = await turtleQuads(dictionary, 'ex:x a ex:A .');
    assert.throws(() => reasoner.planDelta({ adds }), /materialise/);
  });

  it('unknown ruleset is rejected', () => {
    const { dictionary, asserted } = emptyDataset();
    assert.throws(
      () => new Reasoner(dictionary, asserted, 'owl2-full' as 'rdfs'),
      /Unknown reasoning ruleset "owl2-full"/,
    );
  });

  it('invalid limit is rejected', () => {
    const { dictionary, asserted } = emptyDataset();
    assert.throws(
      () => new Reasoner(dictionary, asserted, 'rdfs', { timeoutMs: 0 }),
      /Invalid reasoning timeoutMs 0/,
    );
  });
});

describe('budgets', () => {
  it('time budget throws past the deadline', () => {
    const budget = new RunBudget({ maxInferredQuads: 10, timeoutMs: 1 });
    // Bounded loop: the clock passes 1 ms long before a billion steps.
    assert.throws(() => {
      for (let step = 0; step < 1_000_000_000; step++) budget.step();
    }, LimitExceededError);
  });

  it('size budget throws past the limit', () => {
    const budget = new RunBudget({ maxInferredQuads: 10, timeoutMs: 60_000 });
    budget.checkSize(10);
    assert.throws(() => budget.checkSize(11), /Inferred quads per materialisation or write of 10/);
  });

  it('owl:sameAs clique stops at the budget', async () => {
    const chain = Array.from({ length: 30 }, (_, i) => `ex:n${i} owl:sameAs ex:n${i + 1} .`);
    const data = await reason('', 'owl2-rl', { maxInferredQuads: 500 });
    const adds = await turtleQuads(data.dictionary, `${chain.join('\n')} ex:n0 ex:p ex:v .`);
    const inferredBefore = data.reasoner.inferred.size;
    assert.throws(() => data.reasoner.applyDelta({ adds }), LimitExceededError);
    assert.equal(data.reasoner.inferred.size, inferredBefore);
    assert.equal(data.asserted.size, 0);
  });
});
