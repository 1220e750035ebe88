import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ParseCache } from '../../src/sparql/parse-cache.js';

describe('ParseCache', () => {
  it('keeps a text from its second offer on', () => {
    const cache = new ParseCache<string>(4, 100);
    cache.offer('SELECT 1', 'first parse');
    assert.equal(cache.get('SELECT 1'), undefined);
    cache.offer('SELECT 1', 'second parse');
    assert.equal(cache.get('SELECT 1'), 'second parse');
    assert.equal(cache.size, 1);
  });

  it('never keeps texts offered once', () => {
    const cache = new ParseCache<number>(4, 100);
    for (let index = 0; index < 10_000; index++) cache.offer(`ASK { # ${index}\n}`, index);
    assert.equal(cache.size, 0);
  });

  it('drops the least recently used entry beyond its capacity', () => {
    const cache = new ParseCache<string>(2, 100);
    const keep = (text: string): void => {
      cache.offer(text, text);
      cache.offer(text, text);
    };
    keep('a');
    keep('b');
    assert.equal(cache.get('a'), 'a');
    keep('c');
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 'a');
    assert.equal(cache.get('c'), 'c');
    assert.equal(cache.size, 2);
  });

  it('keeps no long texts, nothing at capacity 0', () => {
    const short = new ParseCache<string>(4, 3);
    short.offer('abcd', 'x');
    short.offer('abcd', 'x');
    assert.equal(short.get('abcd'), undefined);
    const none = new ParseCache<string>(0, 100);
    none.offer('a', 'x');
    none.offer('a', 'x');
    assert.equal(none.size, 0);
  });

  it('forgets texts whose slot is taken', () => {
    const cache = new ParseCache<string>(8, 100);
    // 4,097 distinct texts fill the 4,096 slots, so at least one slot was taken twice and
    // at least one of the first texts needs two more offers before it is kept.
    const texts = Array.from({ length: 4097 }, (_, index) => `text ${index}`);
    for (const text of texts) cache.offer(text, text);
    let forgotten = 0;
    for (const text of texts) {
      cache.offer(text, text);
      if (cache.get(text) === undefined) forgotten++;
    }
    assert.ok(forgotten > 0);
    assert.equal(cache.size, 8);
  });
});
