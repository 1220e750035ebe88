/**
 * A bulk load stores each quad once: statements repeated in the file, and statements the
 * dataset already has, add nothing to the segment log.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DATABASE_FILE } from '../../src/storage/database.js';
import { DEFAULT_DATASET, Engine } from '../../src/storage/engine.js';
import { compareRecords } from '../../src/store/radix-sort.js';

const EX = 'http://example.org/';

/** Distinct statements of the test file, before repeats are added. */
const DISTINCT = 40;

/** Returns N-Triples lines for statements 0 to DISTINCT - 1, each written `copies` times. */
function repeatedLines(copies: number): string {
  const lines: string[] = [];
  for (let copy = 0; copy < copies; copy++) {
    // Each copy lists the statements in a different order, so repeats are not adjacent.
    for (let i = 0; i < DISTINCT; i++) {
      const n = (i * 7 + copy * 3) % DISTINCT;
      lines.push(`<${EX}s${n % 9}> <${EX}p${n % 4}> "${n}" .`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Segment rows of the default dataset with their quads, read from the database file. */
function segmentsOnDisk(dir: string): { quadCount: number; data: Buffer }[] {
  const db = new Database(path.join(dir, DATABASE_FILE), { readonly: true });
  try {
    return db
      .prepare("SELECT quad_count AS quadCount, data FROM segments WHERE dataset = 'default'")
      .all() as { quadCount: number; data: Buffer }[];
  } finally {
    db.close();
  }
}

function storedQuads(dir: string): number {
  return segmentsOnDisk(dir).reduce((total, segment) => total + segment.quadCount, 0);
}

describe('bulk load of repeated statements', () => {
  let dir: string;
  let engine: Engine;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-load-'));
    engine = Engine.open(dir);
    file = path.join(dir, 'repeated.nt');
    writeFileSync(file, repeatedLines(3));
  });

  afterEach(() => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the distinct count', async () => {
    const result = await engine.loadFile(DEFAULT_DATASET, file);
    assert.equal(result.parsed, 3 * DISTINCT);
    assert.equal(result.added, DISTINCT);
    assert.equal(engine.quadCount, DISTINCT);
    assert.equal(storedQuads(dir), DISTINCT);
  });

  it('writes the segment in SPOG order', async () => {
    await engine.loadFile(DEFAULT_DATASET, file);
    const [segment] = segmentsOnDisk(dir);
    const quads = new Uint32Array(segment.quadCount * 4);
    new Uint8Array(quads.buffer).set(segment.data);
    for (let i = 1; i < segment.quadCount; i++) {
      assert.ok(compareRecords(quads, i - 1, quads, i) < 0, `quad ${i} is out of order`);
    }
  });

  it('stores nothing for a reloaded file', async () => {
    await engine.loadFile(DEFAULT_DATASET, file);
    const again = await engine.loadFile(DEFAULT_DATASET, file);
    assert.equal(again.added, 0);
    assert.equal(storedQuads(dir), DISTINCT);
  });

  it('stores only new statements of a larger file', async () => {
    await engine.loadFile(DEFAULT_DATASET, file);
    const larger = path.join(dir, 'larger.nt');
    writeFileSync(larger, `${repeatedLines(2)}<${EX}new> <${EX}p0> "new" .\n`);
    const result = await engine.loadFile(DEFAULT_DATASET, larger);
    assert.equal(result.added, 1);
    assert.equal(storedQuads(dir), DISTINCT + 1);
  });

  it('reads the distinct count after reopening', async () => {
    await engine.loadFiles(DEFAULT_DATASET, [file, file]);
    assert.equal(storedQuads(dir), DISTINCT);
    engine.close();
    engine = Engine.open(dir);
    assert.equal(engine.quadCount, DISTINCT);
  });
});
