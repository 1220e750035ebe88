/**
 * Stepped materialisation: the same closure as a single run, delivered in pauses that let
 * the event loop run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reasoner, runSteps } from '../../src/reasoning/index.js';
import { emptyDataset, tripleSet, turtleQuads, type TestDataset } from './helpers.js';

/** Builds a subclass chain of `length` classes with one instance at the bottom. */
async function chainDataset(length: number): Promise<TestDataset> {
  const dataset = emptyDataset();
  let text = 'ex:i0 a ex:C0 .\n';
  for (let i = 0; i < length; i++) text += `ex:C${i} rdfs:subClassOf ex:C${i + 1} .\n`;
  dataset.asserted.addMany(await turtleQuads(dataset.dictionary, text));
  return dataset;
}

describe('stepped materialisation', () => {
  it('pauses and ends with the closure a single run gives', async () => {
    const once = await chainDataset(60);
    const whole = new Reasoner(once.dictionary, once.asserted, 'rdfs');
    whole.materialise();

    const stepped = await chainDataset(60);
    const reasoner = new Reasoner(stepped.dictionary, stepped.asserted, 'rdfs');
    // A zero-millisecond slice pauses every 256 rule firings.
    const steps = reasoner.materialiseSteps(0);
    let pauses = 0;
    let next = steps.next();
    for (; next.done !== true; next = steps.next()) {
      pauses++;
      assert.equal(reasoner.inferred.size, 0, 'nothing is written before the last step');
    }
    assert.ok(pauses > 0, 'a 60-class chain takes more than 256 firings');
    assert.equal(next.value, whole.inferred.size);
    assert.deepEqual(tripleSet(reasoner.inferred), tripleSet(whole.inferred));
  });

  it('lets timers run between steps when driven by runSteps', async () => {
    const dataset = await chainDataset(60);
    const reasoner = new Reasoner(dataset.dictionary, dataset.asserted, 'rdfs');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await runSteps(reasoner.materialiseSteps(0));
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, 'a timer fired while the reasoner worked');
    assert.ok(reasoner.inferred.size > 60 * 60 * 0.4);
  });
});
