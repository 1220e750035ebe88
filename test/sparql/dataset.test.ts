import type * as RDF from '@rdfjs/types';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Parser } from 'n3';
import { termKey } from '../../src/rdf/terms.js';
import { executeQuery } from '../../src/sparql/index.js';
import { MemoryDictionary } from '../../src/store/dictionary.js';
import { QuadStore } from '../../src/store/quad-store.js';
import { parseTurtleResult, rowsMatch, type Row } from '../w3c/result-sets.js';
import { BACKENDS, selectRows, selectSorted, TRIG_PREFIXES } from './helpers.js';

const DATA = `${TRIG_PREFIXES}
:s :p :default .
:g1 { :s :p :o1 . :s :p :shared . }
:g2 { :s :p :o2 . :s :p :shared . }
:g3 { :s :p :o3 . }
`;

const EX = 'http://example.org/';

for (const backend of BACKENDS) {
  const data = backend.load(DATA);

  describe(`FROM and FROM NAMED (${backend.name})`, () => {
    it('merges FROM graphs without duplicates', async () => {
      const rows = await selectSorted(data, 'SELECT ?o FROM :g1 FROM :g2 { :s :p ?o }');
      assert.deepEqual(rows, [`o=${EX}o1`, `o=${EX}o2`, `o=${EX}shared`]);
    });

    it('joins patterns across merged graphs', async () => {
      const rows = await selectRows(
        data,
        'SELECT (COUNT(*) AS ?n) FROM :g1 FROM :g2 { :s :p ?a . :s :p ?b }',
      );
      assert.deepEqual(rows, ['n="9"^^http://www.w3.org/2001/XMLSchema#integer']);
    });

    it('ranges GRAPH ?g over FROM NAMED only', async () => {
      const rows = await selectSorted(
        data,
        'SELECT ?g ?o FROM NAMED :g1 FROM NAMED :g3 { GRAPH ?g { :s :p ?o } }',
      );
      assert.deepEqual(rows, [
        `g=${EX}g1 o=${EX}o1`,
        `g=${EX}g1 o=${EX}shared`,
        `g=${EX}g3 o=${EX}o3`,
      ]);
    });

    it('hides graphs not named in GRAPH <iri>', async () => {
      const rows = await selectRows(data, 'SELECT ?o FROM NAMED :g1 { GRAPH :g2 { :s :p ?o } }');
      assert.deepEqual(rows, []);
    });

    it('gives an empty default graph with FROM NAMED only', async () => {
      const rows = await selectRows(data, 'SELECT ?o FROM NAMED :g1 { :s :p ?o }');
      assert.deepEqual(rows, []);
    });

    it('gives no named graphs with FROM only', async () => {
      const rows = await selectRows(data, 'SELECT ?g FROM :g1 { GRAPH ?g { ?s ?p ?o } }');
      assert.deepEqual(rows, []);
    });

    it('treats an unknown graph as empty', async () => {
      const rows = await selectRows(data, 'SELECT ?o FROM <http://example.org/none> { ?s ?p ?o }');
      assert.deepEqual(rows, []);
    });

    it('lets protocol graphs replace FROM', async () => {
      const query = 'SELECT ?o FROM :g1 { :s :p ?o }';
      const rows = await selectRows(data, query, { defaultGraphs: [`${EX}g3`] });
      assert.deepEqual(rows, [`o=${EX}o3`]);
      const named = await selectRows(data, 'SELECT ?g { GRAPH ?g { :s :p :o2 } }', {
        namedGraphs: [`${EX}g2`],
      });
      assert.deepEqual(named, [`g=${EX}g2`]);
      const noDefault = await selectRows(data, query, { namedGraphs: [`${EX}g2`] });
      assert.deepEqual(noDefault, []);
    });

    it('keeps the store default graph without FROM', async () => {
      const rows = await selectRows(data, 'SELECT ?o { :s :p ?o }');
      assert.deepEqual(rows, [`o=${EX}default`]);
    });
  });
}

const suiteDirectory = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../shared/suites/rdf-tests/sparql/sparql10/dataset',
);
const SUITE_BASE = 'https://w3c.github.io/rdf-tests/sparql/sparql10/dataset/';

/** The W3C dataset tests, as query file and result file; they name all their data in FROM. */
const W3C_DATASET_TESTS: [string, string][] = [
  ['dataset-01.rq', 'dataset-01.ttl'],
  ['dataset-02.rq', 'dataset-02.ttl'],
  ['dataset-03.rq', 'dataset-03.ttl'],
  ['dataset-04.rq', 'dataset-04.ttl'],
  ['dataset-05.rq', 'dataset-05.ttl'],
  ['dataset-06.rq', 'dataset-06.ttl'],
  ['dataset-07.rq', 'dataset-07.ttl'],
  ['dataset-08.rq', 'dataset-08.ttl'],
  ['dataset-09b.rq', 'dataset-09.ttl'],
  ['dataset-10b.rq', 'dataset-10.ttl'],
  ['dataset-11.rq', 'dataset-11.ttl'],
  ['dataset-12b.rq', 'dataset-12.ttl'],
];

/** Loads every data-*.ttl file of the directory into a named graph called by its IRI. */
function loadGraphFiles(): { dictionary: MemoryDictionary; quads: QuadStore } {
  const dictionary = new MemoryDictionary();
  const quads = new QuadStore();
  const files = [1, 2, 3, 4].flatMap((n) => [`data-g${n}.ttl`, `data-g${n}-dup.ttl`]);
  for (const file of files) {
    const iri = SUITE_BASE + file;
    const graph = dictionary.intern(iri);
    const text = readFileSync(path.join(suiteDirectory, file), 'utf8');
    for (const quad of new Parser({ baseIRI: iri }).parse(text)) {
      quads.add(
        dictionary.intern(termKey(quad.subject)),
        dictionary.intern(termKey(quad.predicate)),
        dictionary.intern(termKey(quad.object)),
        graph,
      );
    }
  }
  return { dictionary, quads };
}

describe('W3C sparql10 dataset tests with FROM graphs loaded', () => {
  const dataset = loadGraphFiles();
  for (const [queryFile, resultFile] of W3C_DATASET_TESTS) {
    it(queryFile, async () => {
      const text = readFileSync(path.join(suiteDirectory, queryFile), 'utf8');
      const result = await executeQuery(dataset, text, { baseIri: SUITE_BASE + queryFile });
      assert.equal(result.type, 'bindings');
      if (result.type !== 'bindings') return;
      const rows: Row[] = [];
      for await (const values of result.rows) {
        const row: Row = new Map();
        result.variables.forEach((name, i) => {
          const term: RDF.Term | undefined = values[i];
          if (term !== undefined) row.set(name, term);
        });
        rows.push(row);
      }
      const expectedText = readFileSync(path.join(suiteDirectory, resultFile), 'utf8');
      const expected = parseTurtleResult(expectedText, SUITE_BASE + resultFile);
      assert.equal(expected.type, 'bindings');
      if (expected.type !== 'bindings') return;
      const variables = [...new Set([...result.variables, ...expected.variables])];
      assert.ok(rowsMatch(rows, expected.rows, variables, false), `${rows.length} rows differ`);
    });
  }
});
