/**
 * Runs the W3C SPARQL 1.0 and 1.1 query evaluation tests of the directories in scope.
 * A test that raises UnsupportedFeatureError counts as skipped with the feature as reason;
 * every other difference from the expected result is a failure.
 */
import type * as RDF from '@rdfjs/types';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Parser } from 'n3';
import { UnsupportedFeatureError } from '../../src/errors.js';
import { termKey } from '../../src/rdf/terms.js';
import { executeQuery, type QueryableDataset } from '../../src/sparql/index.js';
import { MemoryDictionary } from '../../src/store/dictionary.js';
import { QuadStore } from '../../src/store/quad-store.js';
import {
  distinctRows,
  graphsMatch,
  parseRdfXmlResultSet,
  parseSrj,
  parseSrx,
  parseTurtleResult,
  rowsMatch,
  type ExpectedResult,
  type Row,
} from './result-sets.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sparqlRoot = path.resolve(repoRoot, '../shared/suites/rdf-tests/sparql');
/** Test IRIs use this base; the files live under sparqlRoot with the same relative paths. */
const SPARQL_BASE = 'https://w3c.github.io/rdf-tests/sparql/';

const MF = 'http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#';
const QT = 'http://www.w3.org/2001/sw/DataAccess/tests/test-query#';
const DAWGT = 'http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#';
const RDF_NS = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

/** SPARQL 1.0 directories whose features are in scope. */
const SPARQL10_DIRECTORIES = [
  'basic',
  'triple-match',
  'optional',
  'optional-filter',
  'algebra',
  'bound',
  'distinct',
  'reduced',
  'sort',
  'solution-seq',
  'expr-builtin',
  'expr-equals',
  'expr-ops',
  'regex',
  'boolean-effective-value',
  'graph',
  'ask',
  'construct',
  'open-world',
  'i18n',
  'type-promotion',
  'dataset',
];

/**
 * SPARQL 1.1 directories: the ones for BIND, VALUES, MINUS and EXISTS, plus directories of
 * unsupported features, whose tests must all end in UnsupportedFeatureError (counted skipped).
 */
const SPARQL11_DIRECTORIES = [
  'bind',
  'bindings',
  'exists',
  'negation',
  'construct',
  'cast',
  'project-expression',
  'functions',
  'aggregates',
  'grouping',
  'subquery',
  'property-path',
];

const SUITES = [
  { label: 'SPARQL 1.0 eval (subset)', folder: 'sparql10', directories: SPARQL10_DIRECTORIES },
  { label: 'SPARQL 1.1 eval (subset)', folder: 'sparql11', directories: SPARQL11_DIRECTORIES },
];

/**
 * The sparql10/dataset tests name their data files only in FROM / FROM NAMED, which this
 * runner does not load; test/sparql/dataset.test.ts runs all twelve with those files loaded.
 */
const DATASET_FROM_FILES =
  'the test names its data only in FROM / FROM NAMED and this runner loads only qt:data and qt:graphData files';

/** Tests skipped for a reason other than an unsupported feature, by test IRI suffix. */
const SKIPS: { id: string; reason: string }[] = [
  {
    id: 'sparql10/construct/construct-3',
    reason:
      'sparqljs 3.7 throws a TypeError on a CONSTRUCT template made of one blank node property list',
  },
  { id: 'sparql10/dataset/dawg-dataset-01', reason: DATASET_FROM_FILES },
  { id: 'sparql10/dataset/dawg-dataset-03', reason: DATASET_FROM_FILES },
  { id: 'sparql10/dataset/dawg-dataset-05', reason: DATASET_FROM_FILES },
  { id: 'sparql10/dataset/dawg-dataset-06', reason: DATASET_FROM_FILES },
  { id: 'sparql10/dataset/dawg-dataset-07', reason: DATASET_FROM_FILES },
  { id: 'sparql10/dataset/dawg-dataset-08', reason: DATASET_FROM_FILES },
  { id: 'sparql10/dataset/dawg-dataset-11', reason: DATASET_FROM_FILES },
  { id: 'sparql10/dataset/dawg-dataset-12b', reason: DATASET_FROM_FILES },
];

interface EvaluationTest {
  id: string;
  name: string;
  query: string;
  data: string[];
  graphData: string[];
  result: string | undefined;
}

function fileOf(iri: string): string {
  if (!iri.startsWith(SPARQL_BASE)) throw new Error(`Test file outside the suite: ${iri}`);
  return path.join(sparqlRoot, iri.slice(SPARQL_BASE.length));
}

function readManifest(folder: string, directory: string): EvaluationTest[] {
  const base = `${SPARQL_BASE}${folder}/${directory}/manifest.ttl`;
  const quads = new Parser({ baseIRI: base }).parse(readFileSync(fileOf(base), 'utf8'));
  const objects = (subject: RDF.Term, predicate: string): RDF.Term[] =>
    quads
      .filter((q) => q.subject.equals(subject) && q.predicate.value === predicate)
      .map((q) => q.object);
  const manifest = quads.find((q) => q.predicate.value === `${MF}entries`)!;
  const entries: RDF.Term[] = [];
  let list: RDF.Term = manifest.object;
  for (let guard = 0; list.value !== `${RDF_NS}nil` && guard < 10_000; guard++) {
    entries.push(objects(list, `${RDF_NS}first`)[0]!);
    list = objects(list, `${RDF_NS}rest`)[0]!;
  }
  const tests: EvaluationTest[] = [];
  for (const entry of entries) {
    const type = objects(entry, `${RDF_NS}type`)[0]?.value;
    if (type !== `${MF}QueryEvaluationTest`) continue;
    const approval = objects(entry, `${DAWGT}approval`)[0]?.value;
    if (approval === `${DAWGT}Withdrawn`) continue;
    const action = objects(entry, `${MF}action`)[0]!;
    tests.push({
      id: `${folder}/${directory}/${entry.value.slice(entry.value.lastIndexOf('#') + 1)}`,
      name: objects(entry, `${MF}name`)[0]?.value ?? entry.value,
      query: objects(action, `${QT}query`)[0]!.value,
      data: objects(action, `${QT}data`).map((term) => term.value),
      graphData: objects(action, `${QT}graphData`).map((term) => term.value),
      result: objects(entry, `${MF}result`)[0]?.value,
    });
  }
  return tests;
}

function loadDataset(test: EvaluationTest): QueryableDataset {
  const dictionary = new MemoryDictionary();
  const quads = new QuadStore();
  const load = (iri: string, graph: RDF.Term | undefined): void => {
    for (const quad of new Parser({ baseIRI: iri }).parse(readFileSync(fileOf(iri), 'utf8'))) {
      quads.add(
        dictionary.intern(termKey(quad.subject)),
        dictionary.intern(termKey(quad.predicate)),
        dictionary.intern(termKey(quad.object)),
        dictionary.intern(termKey(graph ?? quad.graph)),
      );
    }
  };
  for (const iri of test.data) load(iri, undefined);
  for (const iri of test.graphData)
    load(iri, { termType: 'NamedNode', value: iri } as RDF.NamedNode);
  return { dictionary, quads };
}

function readExpected(iri: string): ExpectedResult {
  const text = readFileSync(fileOf(iri), 'utf8');
  if (iri.endsWith('.srx')) return parseSrx(text);
  if (iri.endsWith('.srj')) return parseSrj(text);
  if (iri.endsWith('.rdf')) return parseRdfXmlResultSet(text);
  return parseTurtleResult(text, iri);
}

/** Returns a reason to skip the test before running it, or undefined. */
function skipReason(test: EvaluationTest): string | undefined {
  const listed = SKIPS.find((skip) => test.id === skip.id);
  if (listed !== undefined) return listed.reason;
  if ([...test.data, ...test.graphData].some((iri) => iri.endsWith('.rdf')))
    return 'RDF/XML input data';
  if (test.result === undefined) return 'no expected result';
  if (test.result.endsWith('.rdf') && !existsSync(fileOf(test.result)))
    return 'missing result file';
  return undefined;
}

interface SuiteCounts {
  passed: number;
  failed: number;
  skipped: number;
  skips: { id: string; reason: string }[];
}

/** Runs one test and asserts that its result equals the expected one. */
async function runTest(test: EvaluationTest): Promise<void> {
  const queryText = readFileSync(fileOf(test.query), 'utf8');
  const expected = readExpected(test.result!);
  const result = await executeQuery(loadDataset(test), queryText, {
    baseIri: test.query,
    timeoutMs: 20_000,
  });

  if (result.type === 'boolean') {
    assert.equal(expected.type, 'boolean');
    assert.equal(result.value, (expected as { value: boolean }).value);
    return;
  }

  if (result.type === 'quads') {
    const actual: RDF.Quad[] = [];
    for await (const quad of result.quads) actual.push(quad);
    assert.equal(expected.type, 'graph');
    assert.ok(graphsMatch(actual, (expected as { quads: RDF.Quad[] }).quads), 'graphs differ');
    return;
  }

  assert.equal(expected.type, 'bindings');
  if (expected.type !== 'bindings') return;
  const rows: Row[] = [];
  for await (const values of result.rows) {
    const row: Row = new Map();
    result.variables.forEach((name, i) => {
      const term = values[i];
      if (term !== undefined) row.set(name, term);
    });
    rows.push(row);
  }

  const ordered = expected.ordered && /ORDER\s+BY/i.test(queryText);
  const variables = [...new Set([...result.variables, ...expected.variables])];
  // REDUCED may drop any number of duplicates, so only the distinct solutions must agree.
  const reduced = /SELECT\s+REDUCED/i.test(queryText);
  const actualRows = reduced ? distinctRows(rows) : rows;
  const expectedRows = reduced ? distinctRows(expected.rows) : expected.rows;
  assert.ok(
    rowsMatch(actualRows, expectedRows, variables, ordered),
    `results differ:\nactual   ${formatRows(rows)}\nexpected ${formatRows(expected.rows)}`,
  );
}

function formatRows(rows: Row[]): string {
  return rows
    .map((row) => `{${[...row].map(([name, term]) => `${name}=${termKey(term)}`).join(' ')}}`)
    .join('\n         ');
}

for (const suite of SUITES) {
  describe(`W3C ${suite.label}`, () => {
    const counts: SuiteCounts = { passed: 0, failed: 0, skipped: 0, skips: [] };
    for (const directory of suite.directories) {
      for (const test of readManifest(suite.folder, directory)) {
        it(test.id, async (t) => {
          const reason = skipReason(test);
          if (reason !== undefined) {
            counts.skipped++;
            counts.skips.push({ id: test.id, reason });
            t.skip(reason);
            return;
          }
          try {
            await runTest(test);
            counts.passed++;
          } catch (error) {
            if (error instanceof UnsupportedFeatureError) {
              counts.skipped++;
              counts.skips.push({ id: test.id, reason: error.feature });
              t.skip(error.feature);
              return;
            }
            counts.failed++;
            throw error;
          }
        });
      }
    }

    after(() => {
      console.log(
        `${suite.label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
      );
      for (const skip of counts.skips) console.log(`  skipped ${skip.id}: ${skip.reason}`);
    });
  });
}
