import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashAscii, hashKey, MemoryDictionary } from '../../src/store/dictionary.js';
import { DEFAULT_GRAPH_ID } from '../../src/store/types.js';

const A = 'http://example.org/a';
const B = 'http://example.org/b';
const LITERAL = '"5"^^http://www.w3.org/2001/XMLSchema#integer';

describe('MemoryDictionary', () => {
  it('assigns id 0 to the default graph', () => {
    const dictionary = new MemoryDictionary();
    assert.equal(dictionary.size, 1);
    assert.equal(dictionary.lookup(''), DEFAULT_GRAPH_ID);
    assert.equal(dictionary.key(DEFAULT_GRAPH_ID), '');
    assert.equal(dictionary.intern(''), DEFAULT_GRAPH_ID);
  });

  it('interns keys to dense ids', () => {
    const dictionary = new MemoryDictionary();
    assert.equal(dictionary.intern(A), 1);
    assert.equal(dictionary.intern(B), 2);
    assert.equal(dictionary.intern(A), 1);
    assert.equal(dictionary.intern(LITERAL), 3);
    assert.equal(dictionary.size, 4);
  });

  it('looks up keys and ids', () => {
    const dictionary = new MemoryDictionary();
    const id = dictionary.intern(LITERAL);
    assert.equal(dictionary.lookup(LITERAL), id);
    assert.equal(dictionary.lookup(A), undefined);
    assert.equal(dictionary.key(id), LITERAL);
    assert.equal(dictionary.size, 2, 'lookup must not assign an id');
  });

  it('rejects unknown ids', () => {
    const dictionary = new MemoryDictionary();
    dictionary.intern(A);
    assert.throws(() => dictionary.key(2), RangeError);
    assert.throws(() => dictionary.key(-1), RangeError);
    assert.throws(() => dictionary.key(1.5), RangeError);
  });

  it('rolls back to a mark', () => {
    const dictionary = new MemoryDictionary();
    dictionary.intern(A);
    const mark = dictionary.mark();
    assert.equal(mark, 2);
    dictionary.intern(B);
    dictionary.intern(LITERAL);
    dictionary.rollback(mark);
    assert.equal(dictionary.size, 2);
    assert.equal(dictionary.lookup(B), undefined);
    assert.equal(dictionary.lookup(LITERAL), undefined);
    assert.equal(dictionary.lookup(A), 1);
    assert.throws(() => dictionary.key(2), RangeError);
    assert.equal(dictionary.intern(LITERAL), 2, 'ids after the mark are reused');
  });

  it('rejects invalid marks', () => {
    const dictionary = new MemoryDictionary();
    dictionary.intern(A);
    assert.throws(() => dictionary.rollback(0), RangeError, 'the default graph must stay');
    assert.throws(() => dictionary.rollback(3), RangeError);
    assert.throws(() => dictionary.keysFrom(3), RangeError);
    assert.throws(() => dictionary.keysFrom(-1), RangeError);
  });

  it('lists keys from a mark', () => {
    const dictionary = new MemoryDictionary();
    dictionary.intern(A);
    const mark = dictionary.mark();
    dictionary.intern(B);
    dictionary.intern(LITERAL);
    assert.deepEqual(dictionary.keysFrom(mark), [B, LITERAL]);
    assert.deepEqual(dictionary.keysFrom(0), ['', A, B, LITERAL]);
    assert.deepEqual(dictionary.keysFrom(dictionary.mark()), []);
  });

  it('rebuilds from keys', () => {
    const original = new MemoryDictionary();
    for (const key of [A, B, LITERAL]) original.intern(key);
    const rebuilt = MemoryDictionary.fromKeys(original.keysFrom(0));
    assert.equal(rebuilt.size, 4);
    assert.equal(rebuilt.lookup(A), 1);
    assert.equal(rebuilt.lookup(B), 2);
    assert.equal(rebuilt.lookup(LITERAL), 3);
    assert.equal(rebuilt.key(3), LITERAL);
  });

  it('rejects keys without the default graph first', () => {
    assert.throws(() => MemoryDictionary.fromKeys([A, '']), RangeError);
  });

  it('rejects repeated keys', () => {
    assert.throws(() => MemoryDictionary.fromKeys(['', A, A]), RangeError);
  });

  it('spreads keys over several maps', () => {
    const dictionary = new MemoryDictionary({ mapCapacity: 1000 });
    const count = 4500;
    for (let i = 1; i < count; i++) {
      assert.equal(dictionary.intern(`http://example.org/${i}`), i);
    }
    assert.equal(dictionary.mapCount, 5);
    for (let i = 1; i < count; i++) {
      assert.equal(dictionary.intern(`http://example.org/${i}`), i, `re-intern ${i}`);
      assert.equal(dictionary.lookup(`http://example.org/${i}`), i, `lookup ${i}`);
      assert.equal(dictionary.key(i), `http://example.org/${i}`);
    }
    assert.equal(dictionary.size, count);
  });

  it('rolls back across maps', () => {
    const dictionary = new MemoryDictionary({ mapCapacity: 1000 });
    for (let i = 1; i < 1500; i++) dictionary.intern(`http://example.org/${i}`);
    const mark = dictionary.mark();
    for (let i = 1500; i < 4200; i++) dictionary.intern(`http://example.org/${i}`);
    assert.equal(dictionary.mapCount, 5);
    dictionary.rollback(mark);
    assert.equal(dictionary.mapCount, 2);
    assert.equal(dictionary.size, 1500);
    assert.equal(dictionary.lookup('http://example.org/1499'), 1499);
    assert.equal(dictionary.lookup('http://example.org/1500'), undefined);
    assert.equal(dictionary.lookup('http://example.org/4199'), undefined);
    for (let i = 1500; i < 2600; i++) {
      assert.equal(dictionary.intern(`http://example.org/x${i}`), i);
    }
    assert.equal(dictionary.mapCount, 3);
  });

  it('throws when the id limit is reached', () => {
    const dictionary = new MemoryDictionary({ idLimit: 3 });
    dictionary.intern(A);
    dictionary.intern(B);
    assert.throws(() => dictionary.intern(LITERAL), { name: 'RangeError', message: /full/ });
    assert.equal(dictionary.intern(A), 1, 'known keys still resolve when full');
    assert.equal(dictionary.size, 3);
  });

  it('rejects invalid options', () => {
    assert.throws(() => new MemoryDictionary({ mapCapacity: 0 }), RangeError);
    assert.throws(() => new MemoryDictionary({ mapCapacity: 2 ** 24 + 1 }), RangeError);
    assert.throws(() => new MemoryDictionary({ idLimit: 2 ** 31 + 1 }), RangeError);
  });

  it('interns ASCII bytes like strings', () => {
    const dictionary = new MemoryDictionary();
    const bytes = Buffer.from(`<${A}> <${B}>`);
    const a = dictionary.internAscii(bytes, 1, 1 + A.length);
    assert.equal(a, 1);
    assert.equal(dictionary.key(a), A);
    assert.equal(dictionary.intern(A), a);
    assert.equal(dictionary.internAscii(Buffer.from(A), 0, A.length), a);
    const bStart = A.length + 4;
    assert.equal(dictionary.internAscii(bytes, bStart, bStart + B.length), 2);
    assert.equal(dictionary.lookup(B), 2);
    assert.equal(dictionary.internAscii(bytes, 1, 3), 3, 'a prefix of a key is another key');
    assert.equal(dictionary.key(3), 'ht');
  });

  it('hashes ASCII bytes as their string', () => {
    const lengths = Array.from({ length: 13 }, (_, i) => A.slice(0, i));
    for (const key of ['', A, LITERAL, '_:b0', ...lengths]) {
      assert.equal(hashAscii(Buffer.from(key), 0, key.length), hashKey(key), key);
    }
    const bytes = Buffer.from(`xx${A}yy`);
    assert.equal(hashAscii(bytes, 2, 2 + A.length), hashKey(A), 'at an offset');
  });

  it('keeps colliding slots apart', () => {
    const dictionary = new MemoryDictionary({ mapCapacity: 64 });
    const keys = Array.from({ length: 5000 }, (_, i) => `http://example.org/${i}`);
    keys.forEach((key, i) => assert.equal(dictionary.intern(key), i + 1));
    keys.forEach((key, i) => assert.equal(dictionary.lookup(key), i + 1));
    dictionary.rollback(2500);
    keys.forEach((key, i) =>
      assert.equal(dictionary.lookup(key), i + 1 < 2500 ? i + 1 : undefined),
    );
    assert.equal(dictionary.intern(keys[4000]), 2500);
  });

  it('pages keys past 65536 ids', () => {
    const dictionary = new MemoryDictionary();
    const count = 140_000;
    for (let i = 1; i < count; i++) assert.equal(dictionary.intern(`k${i}`), i);
    assert.equal(dictionary.key(65_535), 'k65535');
    assert.equal(dictionary.key(65_536), 'k65536');
    assert.deepEqual(dictionary.keysFrom(count - 2), [`k${count - 2}`, `k${count - 1}`]);

    dictionary.rollback(65_536);
    assert.equal(dictionary.size, 65_536);
    assert.throws(() => dictionary.key(65_536), RangeError);
    assert.equal(dictionary.lookup('k65536'), undefined);
    assert.equal(dictionary.intern('again'), 65_536);
    assert.equal(dictionary.key(65_536), 'again');
    assert.equal(dictionary.key(65_535), 'k65535');
  });
});
