import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectBytes, prefetch, toByteStream } from '../../src/server/streaming.js';
import { collectAll } from '../helpers/async-items.js';

async function* numbers(count: number, failAt?: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) {
    if (i === failAt) throw new Error(`failed at ${i}`);
    yield i;
  }
}

describe('prefetch', () => {
  it('is complete when the source ends within the count', async () => {
    const items = await prefetch(numbers(3), 4);
    assert.equal(items.complete, true);
    assert.deepEqual(await collectAll(items), [0, 1, 2]);
  });

  it('is incomplete at exactly the count', async () => {
    const items = await prefetch(numbers(3), 3);
    assert.equal(items.complete, false);
    assert.deepEqual(await collectAll(items), [0, 1, 2]);
  });

  it('replays, then continues a longer source', async () => {
    const items = await prefetch(numbers(5), 3);
    assert.equal(items.complete, false);
    assert.deepEqual(await collectAll(items), [0, 1, 2, 3, 4]);
  });

  it('raises an error among the first items at once', async () => {
    await assert.rejects(prefetch(numbers(5, 2), 3), /failed at 2/);
  });

  it('raises a later error when read', async () => {
    const items = await prefetch(numbers(5, 4), 3);
    await assert.rejects(collectAll(items), /failed at 4/);
  });

  // Three items are prefetched: the reader stops among them, or after them.
  for (const [where, stopAt] of [
    ['within the first items', 1],
    ['after the first items', 4],
  ] as const) {
    it(`closes the source when stopped ${where}`, async () => {
      let closed = false;
      async function* watched(): AsyncGenerator<number> {
        try {
          yield* numbers(10);
        } finally {
          closed = true;
        }
      }
      const items = await prefetch(watched(), 3);
      for await (const item of items) if (item === stopAt) break;
      assert.equal(closed, true);
    });
  }
});

describe('collectBytes', () => {
  it('joins the chunks into one buffer', async () => {
    async function* chunks() {
      yield 'é'.repeat(40_000);
      yield 'x'.repeat(40_000);
    }
    const bytes = await collectBytes(chunks());
    assert.equal(bytes.toString('utf8'), 'é'.repeat(40_000) + 'x'.repeat(40_000));
    assert.equal(bytes.length, 120_000);
  });

  it('passes on a serialisation error', async () => {
    async function* chunks() {
      yield 'a';
      throw new Error('cannot serialise');
    }
    await assert.rejects(collectBytes(chunks()), /cannot serialise/);
  });
});

describe('toByteStream', () => {
  it('batches small chunks into buffers of about the size', async () => {
    async function* chunks() {
      for (let i = 0; i < 100; i++) yield 'y'.repeat(100);
    }
    const buffers = await collectAll(toByteStream(chunks(), 1000));
    assert.equal(buffers.length, 10);
    assert.equal(Buffer.concat(buffers).length, 10_000);
  });
});
