/**
 * Runs the 14 LUBM queries on lubm1 (about 100k triples) in the real QuadStore and compares
 * the row counts with the counts the data set ships for evaluation without inference.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Parser } from 'n3';
import { termKey } from '../../src/rdf/terms.js';
import { executeQuery, type QueryableDataset } from '../../src/sparql/index.js';
import { MemoryDictionary } from '../../src/store/dictionary.js';
import { QuadStore } from '../../src/store/quad-store.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lubmRoot = path.resolve(repoRoot, '../shared/data/lubm');

function loadLubm(): QueryableDataset {
  const dictionary = new MemoryDictionary();
  const quads = new QuadStore();
  const texts = [
    {
      text: gunzipSync(readFileSync(path.join(lubmRoot, 'lubm1.nt.gz'))).toString('utf8'),
      format: 'N-Triples',
    },
    { text: readFileSync(path.join(lubmRoot, 'univ-bench.ttl'), 'utf8'), format: 'Turtle' },
  ];
  for (const { text, format } of texts) {
    for (const quad of new Parser({ format }).parse(text)) {
      quads.add(
        dictionary.intern(termKey(quad.subject)),
        dictionary.intern(termKey(quad.predicate)),
        dictionary.intern(termKey(quad.object)),
        dictionary.intern(termKey(quad.graph)),
      );
    }
  }
  return { dictionary, quads };
}

describe('LUBM queries without inference', () => {
  const expected = JSON.parse(readFileSync(path.join(lubmRoot, 'expected.json'), 'utf8')) as {
    without_inference: Record<string, number>;
  };
  const dataset = loadLubm();

  for (const [name, count] of Object.entries(expected.without_inference)) {
    it(`${name} returns ${count} rows`, async () => {
      const query = readFileSync(path.join(lubmRoot, 'queries', `${name}.rq`), 'utf8');
      const result = await executeQuery(dataset, query, { timeoutMs: 60_000 });
      assert.equal(result.type, 'bindings');
      if (result.type !== 'bindings') return;
      const rows: unknown[] = [];
      for await (const row of result.rows) rows.push(row);
      assert.equal(rows.length, count);
    });
  }
});
