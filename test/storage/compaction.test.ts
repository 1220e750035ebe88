/**
 * Segment log compaction: a long run of small writes is folded into one segment holding the
 * current quads, transparently to readers and to a reopened data dir.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DATABASE_FILE } from '../../src/storage/database.js';
import { DEFAULT_DATASET, Engine } from '../../src/storage/engine.js';
import type { Transaction } from '../../src/storage/transaction.js';

const EX = 'http://example.org/';
/** Writes beyond the 256-segment threshold, each a segment or two. */
const WRITES = 300;

function quad(transaction: Transaction, n: number): Uint32Array {
  const d = transaction.dictionary;
  return Uint32Array.of(d.intern(`${EX}s${n}`), d.intern(`${EX}p`), d.intern(`${EX}o${n}`), 0);
}

/** Segment rows and the quads they hold, read from the database file beside the engine. */
function segmentsOnDisk(dir: string): { rows: number; quads: number } {
  const db = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
  try {
    return db
      .prepare(
        "SELECT count(*) AS rows, coalesce(sum(quad_count), 0) AS quads FROM segments WHERE dataset = 'default'",
      )
      .get() as { rows: number; quads: number };
  } finally {
    db.close();
  }
}

describe('segment log compaction', () => {
  let dir: string;
  let engine: Engine;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-compact-'));
    engine = Engine.open(dir);
  });

  afterEach(() => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds small writes into the live quads, which a reopen reads back', async () => {
    // Write n adds quad n, and an odd write also deletes quad n - 1, so the odd quads stay:
    // the log grows by one or two segments per write.
    for (let n = 0; n < WRITES; n++) {
      await engine.transaction(DEFAULT_DATASET, async (tx) => {
        tx.insert(quad(tx, n));
        if (n % 2 === 1) tx.delete(quad(tx, n - 1));
      });
    }
    // The compaction runs as a queued write; one more write waits for it.
    await engine.transaction(DEFAULT_DATASET, async () => undefined);
    assert.ok(engine.compaction.done >= 1, 'a compaction ran');
    assert.equal(engine.compaction.lastFailure, undefined);
    const expected = engine.dataset(DEFAULT_DATASET).quads.size;
    assert.equal(expected, WRITES / 2);
    const disk = segmentsOnDisk(dir);
    assert.ok(disk.rows < 256, `${disk.rows} segments left`);
    // Deleted quads no longer take space: the log contains few more quads than are live.
    assert.ok(disk.quads < expected * 2, `${disk.quads} quads stored for ${expected} live`);

    engine.close();
    engine = Engine.open(dir);
    const view = engine.dataset(DEFAULT_DATASET);
    assert.equal(view.quads.size, expected);
    const d = view.dictionary;
    for (let n = 0; n < WRITES; n++) {
      const ids = [d.lookup(`${EX}s${n}`)!, d.lookup(`${EX}p`)!, d.lookup(`${EX}o${n}`)!];
      assert.equal(view.quads.has(ids[0], ids[1], ids[2], 0), n % 2 === 1, `quad ${n}`);
    }
  });

  it('leaves a short log alone', async () => {
    for (let n = 0; n < 20; n++) {
      await engine.transaction(DEFAULT_DATASET, async (tx) => {
        tx.insert(quad(tx, n));
      });
    }
    assert.equal(engine.compaction.done, 0);
    assert.equal(segmentsOnDisk(dir).rows, 20);
  });
});
