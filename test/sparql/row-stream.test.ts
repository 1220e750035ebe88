import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LimitExceededError, QueryCancelledError, QueryTimeoutError } from '../../src/errors.js';
import { PAUSE, QueryContext, type Pause } from '../../src/sparql/context.js';
import { RowStream } from '../../src/sparql/row-stream.js';
import { collectAll } from '../helpers/async-items.js';
import { storeDatasetFromTrig } from './helpers.js';

const dataset = storeDatasetFromTrig('');

function context(timeoutMs = 30_000, signal?: AbortSignal): QueryContext {
  return new QueryContext(dataset.dictionary, dataset.quads, 0, timeoutMs, signal);
}

/** A generator over `items` that records whether it was closed, and whether it ran to the end. */
function tracked(items: readonly (number | Pause)[], failAt?: number) {
  const state = { closed: false, finished: false };
  function* generate(): Generator<number | Pause, void, undefined> {
    try {
      for (const [index, item] of items.entries()) {
        if (index === failAt) throw new Error(`failed at ${index}`);
        yield item;
      }
      state.finished = true;
    } finally {
      state.closed = true;
    }
  }
  return { state, source: generate() };
}

describe('RowStream', () => {
  it('maps every item and closes the generator', async () => {
    const { state, source } = tracked([1, 2, 3]);
    const stream = new RowStream(context(), source, 10, 'Result rows', (n: number) => n * 10);
    assert.deepEqual(await collectAll(stream), [10, 20, 30]);
    assert.equal(state.finished, true);
    assert.equal(state.closed, true);
  });

  it('waits out pauses and keeps the order', async () => {
    const { source } = tracked([PAUSE, 1, PAUSE, PAUSE, 2, PAUSE]);
    const stream = new RowStream(context(), source, 10, 'Result rows', (n: number) => n);
    assert.deepEqual(await collectAll(stream), [1, 2]);
  });

  it('queues requests made during a pause', async () => {
    const { source } = tracked([PAUSE, 1, 2, PAUSE, 3]);
    const stream = new RowStream(context(), source, 10, 'Result rows', (n: number) => n);
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => stream.next()));
    assert.deepEqual(
      results.map((result) => result.value),
      [1, 2, 3, undefined, undefined],
    );
    assert.deepEqual(
      results.map((result) => result.done),
      [false, false, false, true, true],
    );
  });

  it('closes the generator on an early break', async () => {
    const { state, source } = tracked([1, 2, 3]);
    const stream = new RowStream(context(), source, 10, 'Result rows', (n: number) => n);
    for await (const value of stream) {
      assert.equal(value, 1);
      break;
    }
    assert.equal(state.closed, true);
    assert.equal(state.finished, false);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });

  it('rejects past the row limit and closes the generator', async () => {
    const { state, source } = tracked([1, 2, 3]);
    const stream = new RowStream(context(), source, 2, 'Result rows', (n: number) => n);
    await assert.rejects(collectAll(stream), LimitExceededError);
    assert.equal(state.closed, true);
  });

  it('passes on a generator error, then ends', async () => {
    const { state, source } = tracked([1, PAUSE, 2, 3], 2);
    const stream = new RowStream(context(), source, 10, 'Result rows', (n: number) => n);
    assert.equal((await stream.next()).value, 1);
    await assert.rejects(stream.next(), /failed at 2/);
    assert.equal(state.closed, true);
    assert.deepEqual(await stream.next(), { done: true, value: undefined });
  });

  it('rejects after the deadline or a cancellation', async () => {
    const late = new RowStream(
      context(-1),
      tracked([1]).source,
      10,
      'Result rows',
      (n: number) => n,
    );
    await assert.rejects(late.next(), QueryTimeoutError);
    const controller = new AbortController();
    controller.abort();
    const cancelled = new RowStream(
      context(30_000, controller.signal),
      tracked([1]).source,
      10,
      'Result rows',
      (n: number) => n,
    );
    await assert.rejects(cancelled.next(), QueryCancelledError);
  });
});
