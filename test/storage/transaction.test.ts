/**
 * Engine write transactions on a real data dir: atomic commits, snapshot isolation for readers,
 * serialised writers, rollback of failed writes, and a full disk.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { StorageFullError } from '../../src/errors.js';
import { DEFAULT_DATASET, Engine } from '../../src/storage/engine.js';
import type { Transaction } from '../../src/storage/transaction.js';
import { ANY } from '../../src/store/types.js';

const EX = 'http://example.org/';

/** Interns and inserts triples given as [s, p, o] local names, in the default graph. */
function insertTriples(transaction: Transaction, triples: [string, string, string][]): number {
  const d = transaction.dictionary;
  const packed = new Uint32Array(triples.length * 4);
  triples.forEach(([s, p, o], i) => {
    packed.set([d.intern(EX + s), d.intern(EX + p), d.intern(EX + o), 0], i * 4);
  });
  return transaction.insert(packed);
}

describe('Engine transactions', () => {
  let dir: string;
  let engine: Engine;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-tx-'));
    engine = Engine.open(dir);
  });

  afterEach(() => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits durably: a reopened data dir has the write', async () => {
    const result = await engine.transaction(DEFAULT_DATASET, async (tx) =>
      insertTriples(tx, [
        ['a', 'p', 'b'],
        ['a', 'p', 'c'],
      ]),
    );
    assert.deepEqual(result, { value: 2, inserted: 2, deleted: 0 });
    engine.close();
    engine = Engine.open(dir);
    const view = engine.dataset(DEFAULT_DATASET);
    assert.equal(view.quads.size, 2);
    assert.ok(view.dictionary.lookup(`${EX}c`) !== undefined);
  });

  it('gives readers a snapshot that later writes do not change', async () => {
    await engine.transaction(DEFAULT_DATASET, async (tx) => insertTriples(tx, [['a', 'p', 'b']]));
    const before = engine.dataset(DEFAULT_DATASET);
    await engine.transaction(DEFAULT_DATASET, async (tx) => {
      insertTriples(tx, [['x', 'p', 'y']]);
      const p = tx.dictionary.lookup(`${EX}p`)!;
      return tx.delete(
        new Uint32Array([tx.dictionary.lookup(`${EX}a`)!, p, tx.dictionary.lookup(`${EX}b`)!, 0]),
      );
    });
    // The old view still holds exactly the first triple, and does not know the new terms.
    assert.equal(before.quads.size, 1);
    assert.equal(before.quads.count(ANY, ANY, ANY, ANY), 1);
    assert.equal(before.dictionary.lookup(`${EX}x`), undefined);
    const after = engine.dataset(DEFAULT_DATASET);
    assert.equal(after.quads.size, 1);
    assert.ok(after.dictionary.lookup(`${EX}x`) !== undefined);
  });

  it('applies nothing when the work throws, and forgets its new terms', async () => {
    await engine.transaction(DEFAULT_DATASET, async (tx) => insertTriples(tx, [['a', 'p', 'b']]));
    const terms = engine.dictionary.size;
    await assert.rejects(
      engine.transaction(DEFAULT_DATASET, async (tx) => {
        insertTriples(tx, [['new1', 'p', 'new2']]);
        throw new Error('second operation failed');
      }),
      /second operation failed/,
    );
    assert.equal(engine.dictionary.size, terms);
    assert.equal(engine.dataset(DEFAULT_DATASET).quads.size, 1);
    engine.close();
    engine = Engine.open(dir);
    assert.equal(engine.dataset(DEFAULT_DATASET).quads.size, 1);
    assert.equal(engine.dictionary.lookup(`${EX}new1`), undefined);
  });

  it('serialises concurrent writers', async () => {
    const counts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        engine.transaction(DEFAULT_DATASET, async (tx) => {
          const seen = tx.quads.size;
          // Yield in the middle of the transaction, so that interleaving would show.
          await new Promise((resolve) => setImmediate(resolve));
          insertTriples(tx, [[`s${i}`, 'p', 'o']]);
          return seen;
        }),
      ),
    );
    assert.deepEqual(
      counts.map((result) => result.value),
      Array.from({ length: 20 }, (_, i) => i),
    );
    assert.equal(engine.dataset(DEFAULT_DATASET).quads.size, 20);
  });

  it('keeps writing after a failed transaction', async () => {
    await assert.rejects(
      engine.transaction(DEFAULT_DATASET, async () => Promise.reject(new Error('x'))),
    );
    const result = await engine.transaction(DEFAULT_DATASET, async (tx) =>
      insertTriples(tx, [['a', 'p', 'b']]),
    );
    assert.equal(result.inserted, 1);
  });

  it('fails cleanly on a full disk', async () => {
    await engine.transaction(DEFAULT_DATASET, async (tx) => insertTriples(tx, [['a', 'p', 'b']]));
    // Cap the database at its current size: SQLite then reports SQLITE_FULL, as on a full disk.
    const pages = engine.db.pragma('page_count', { simple: true }) as number;
    engine.db.pragma(`max_page_count = ${pages}`);
    const big = Array.from({ length: 5000 }, (_, i): [string, string, string] => [
      `subject-with-a-long-name-${i}`,
      'p',
      `object-with-a-long-name-${i}`,
    ]);
    await assert.rejects(
      engine.transaction(DEFAULT_DATASET, async (tx) => insertTriples(tx, big)),
      (error: unknown) => error instanceof StorageFullError && /full/.test(error.message),
    );
    assert.equal(engine.dataset(DEFAULT_DATASET).quads.size, 1);
    assert.equal(engine.dictionary.lookup(`${EX}subject-with-a-long-name-1`), undefined);
    engine.db.pragma('max_page_count = 1073741823');
    const result = await engine.transaction(DEFAULT_DATASET, async (tx) => insertTriples(tx, big));
    assert.equal(result.inserted, 5000);
    engine.close();
    engine = Engine.open(dir);
    assert.equal(engine.dataset(DEFAULT_DATASET).quads.size, 5001);
  });
});
