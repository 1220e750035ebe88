/**
 * LUBM(1) with OWL 2 RL: after materialising univ-bench.ttl plus lubm1.nt.gz, the 14 standard
 * queries must return the published complete-answer counts in expected.json.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';

import { Reasoner } from '../../src/reasoning/index.js';
import { SHARED } from '../helpers/server-process.js';
import { QuadStore } from '../../src/store/quad-store.js';
import { countRows, emptyDataset, loadFiles, tripleSet, type TestDataset } from './helpers.js';

function packedStore(store: QuadStore): Uint32Array {
  const packed: number[] = [];
  const cursor = store.match(-1, -1, -1, -1);
  while (cursor.next()) packed.push(cursor.s, cursor.p, cursor.o, cursor.g);
  return Uint32Array.from(packed);
}

const LUBM = path.join(SHARED, 'data', 'lubm');
const expected = JSON.parse(readFileSync(path.join(LUBM, 'expected.json'), 'utf8')) as {
  with_owl2_rl_inference: Record<string, number>;
};

describe('LUBM(1) with OWL 2 RL', () => {
  let dataset: TestDataset;
  let reasoner: Reasoner;

  before(async () => {
    dataset = emptyDataset();
    await loadFiles(dataset, [path.join(LUBM, 'univ-bench.ttl'), path.join(LUBM, 'lubm1.nt.gz')]);
    reasoner = new Reasoner(dataset.dictionary, dataset.asserted, 'owl2-rl');
    reasoner.materialise();
  });

  const queries = readdirSync(path.join(LUBM, 'queries'))
    .filter((name) => name.endsWith('.rq'))
    .sort();

  it('has all 14 queries', () => {
    assert.equal(queries.length, 14);
  });

  for (const file of queries) {
    const name = file.replace(/\.rq$/, '');
    const count = expected.with_owl2_rl_inference[name];
    it(`${name} returns ${count} rows`, async () => {
      const query = readFileSync(path.join(LUBM, 'queries', file), 'utf8');
      assert.equal(await countRows(dataset.dictionary, reasoner.union(), query), count);
    });
  }

  it('data is consistent', () => {
    assert.deepEqual(reasoner.checkConsistency(), []);
  });

  it('delete then re-add matches from-scratch', () => {
    const before = tripleSet(reasoner.inferred);
    const deletes: number[] = [];
    const cursor = dataset.asserted.match(-1, -1, -1, 0);
    for (let i = 0; cursor.next(); i++) {
      if (i % 1000 === 0) deletes.push(cursor.s, cursor.p, cursor.o, 0);
    }
    const packed = Uint32Array.from(deletes);
    reasoner.applyDelta({ deletes: packed });

    const copy = new QuadStore();
    copy.addMany(packedStore(dataset.asserted));
    const scratch = new Reasoner(dataset.dictionary, copy, 'owl2-rl');
    scratch.materialise();
    assert.deepEqual(tripleSet(reasoner.inferred), tripleSet(scratch.inferred));

    reasoner.applyDelta({ adds: packed });
    assert.deepEqual(tripleSet(reasoner.inferred), before);
  });

  it('asserted store has no inferences', async () => {
    const query = readFileSync(path.join(LUBM, 'queries', 'q06.rq'), 'utf8');
    assert.equal(await countRows(dataset.dictionary, dataset.asserted, query), 0);
  });
});
