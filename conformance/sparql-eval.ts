/**
 * Runs SPARQL query evaluation tests (mf:QueryEvaluationTest and mf:CSVResultFormatTest). Each
 * test loads its data into a fresh in-memory store and executes the query with executeQuery.
 * The result is compared with the expected file: .srx, .srj, .ttl, .csv, .tsv, or the RDF/XML
 * result sets of the sort tests.
 */
import type * as RDF from '@rdfjs/types';
import { existsSync } from 'node:fs';
import { Parser } from 'n3';
import sparqljs from 'sparqljs';

import { UnsupportedFeatureError } from '../src/errors.js';
import { factory, termKey } from '../src/rdf/terms.js';
import { executeQuery, type QueryableDataset, type QueryResult } from '../src/sparql/index.js';
import { serializeCsvBindings, serializeTsvBindings } from '../src/sparql/results/delimited.js';
import { parseResults } from '../src/sparql/results/parse.js';
import { MemoryDictionary } from '../src/store/dictionary.js';
import { QuadStore } from '../src/store/quad-store.js';
import { parseFlatRdfXml } from './rdf-xml-data.js';
import { fileOf, MF, QT, readTestFile, TEST_BASE, type ManifestEntry } from './manifest.js';
import { failed, messageOf, PASSED, skipped, type Outcome } from './outcome.js';
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

/** Deadline that executeQuery enforces for one test, in milliseconds. */
export const QUERY_TIMEOUT_MS = 5_000;
/**
 * Wall-clock limit for one test, in milliseconds, for a test that stops making progress
 * without reaching the engine's deadline checks (for example, a promise that never settles).
 */
const WALL_CLOCK_LIMIT_MS = 2 * QUERY_TIMEOUT_MS;

interface EvaluationAction {
  query: string;
  data: string[];
  graphData: string[];
  serviceData: boolean;
}

function actionOf(entry: ManifestEntry): EvaluationAction {
  const action = entry.action!;
  const graph = entry.graph;
  return {
    query: graph.object(action, `${QT}query`)!.value,
    data: graph.objects(action, `${QT}data`).map((term) => term.value),
    graphData: graph.objects(action, `${QT}graphData`).map((term) => term.value),
    serviceData: graph.objects(action, `${QT}serviceData`).length > 0,
  };
}

/**
 * Returns why a test is skipped (an entailment regime or SERVICE, which the engine does not
 * implement), or undefined when it runs.
 */
function skipReason(entry: ManifestEntry, action: EvaluationAction): string | undefined {
  if (entry.id.startsWith('sparql/sparql11/entailment#'))
    return 'entailment regimes are not implemented';
  if (entry.id.startsWith('sparql/sparql11/service#') || action.serviceData)
    return 'SERVICE (federated query) is not implemented';
  return undefined;
}

/** Returns why a test that should run has no expected result to compare with, or undefined. */
function unrunnableReason(entry: ManifestEntry): string | undefined {
  if (entry.result === undefined) return 'the manifest gives no expected result';
  if (!existsSync(fileOf(entry.result.value))) return 'the expected result file is missing';
  return undefined;
}

/**
 * Returns the suite files that the query's FROM and FROM NAMED clauses name. The tests give
 * those datasets only in the query, so the runner loads each file as a named graph of its IRI.
 */
function fromGraphs(queryText: string, baseIri: string): string[] {
  let parsed: ReturnType<sparqljs.SparqlParser['parse']>;
  try {
    parsed = new sparqljs.Parser({ baseIRI: baseIri }).parse(queryText);
  } catch {
    return []; // executeQuery reports the same syntax error
  }
  if (parsed.type !== 'query' || parsed.from === undefined) return [];
  const iris = [...parsed.from.default, ...parsed.from.named].map((term) => term.value);
  return [...new Set(iris)].filter((iri) => iri.startsWith(TEST_BASE) && existsSync(fileOf(iri)));
}

function loadDataset(action: EvaluationAction, queryText: string): QueryableDataset {
  const dictionary = new MemoryDictionary();
  const quads = new QuadStore();
  const load = (iri: string, graph: RDF.Term | undefined): void => {
    const text = readTestFile(iri);
    const parsed = iri.endsWith('.rdf')
      ? parseFlatRdfXml(text, iri)
      : new Parser({ baseIRI: iri }).parse(text);
    for (const quad of parsed) {
      quads.add(
        dictionary.intern(termKey(quad.subject)),
        dictionary.intern(termKey(quad.predicate)),
        dictionary.intern(termKey(quad.object)),
        dictionary.intern(termKey(graph ?? quad.graph)),
      );
    }
  };
  for (const iri of action.data) load(iri, undefined);
  const named = new Set([...action.graphData, ...fromGraphs(queryText, action.query)]);
  for (const iri of named) load(iri, factory.namedNode(iri));
  return { dictionary, quads };
}

function readExpected(iri: string): ExpectedResult {
  const text = readTestFile(iri);
  if (iri.endsWith('.srx')) return parseSrx(text);
  if (iri.endsWith('.srj')) return parseSrj(text);
  if (iri.endsWith('.rdf')) return parseRdfXmlResultSet(text);
  if (iri.endsWith('.tsv')) return fromTermRows(parseResults(text, 'tsv'));
  return parseTurtleResult(text, iri);
}

function fromTermRows(
  parsed: { variables: string[]; rows: (RDF.Term | undefined)[][] } | { boolean: boolean },
): ExpectedResult {
  if ('boolean' in parsed) return { type: 'boolean', value: parsed.boolean };
  const rows = parsed.rows.map((values) => rowOf(parsed.variables, values));
  return { type: 'bindings', variables: parsed.variables, rows, ordered: true };
}

function rowOf(variables: string[], values: (RDF.Term | undefined)[]): Row {
  const row: Row = new Map();
  variables.forEach((name, i) => {
    const term = values[i];
    if (term !== undefined) row.set(name, term);
  });
  return row;
}

/**
 * Turns CSV values back into terms for comparison: `_:label` is a blank node, '' is unbound
 * and anything else a plain literal, so IRIs and literals compare by their text as CSV keeps it.
 */
function csvRows(text: string): { variables: string[]; rows: Row[] } {
  const parsed = parseResults(text, 'csv');
  const rows = parsed.rows.map((values) =>
    rowOf(
      parsed.variables,
      values.map((value) => {
        if (value === '') return undefined;
        if (value.startsWith('_:')) return factory.blankNode(value.slice(2));
        return factory.literal(value);
      }),
    ),
  );
  return { variables: parsed.variables, rows };
}

async function collect(iterable: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of iterable) text += chunk;
  return text;
}

async function rowsOf(result: QueryResult & { type: 'bindings' }): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const values of result.rows) rows.push(rowOf(result.variables, values));
  return rows;
}

function formatRows(rows: Row[]): string {
  const preview = rows
    .slice(0, 5)
    .map((row) => `{${[...row].map(([name, term]) => `${name}=${termKey(term)}`).join(' ')}}`)
    .join(' ');
  return rows.length > 5 ? `${preview} ... (${rows.length} rows)` : preview;
}

/** Runs the query and compares its result. Errors of executeQuery and of iteration propagate. */
async function evaluate(entry: ManifestEntry, action: EvaluationAction): Promise<Outcome> {
  const queryText = readTestFile(action.query);
  const resultIri = entry.result!.value;
  const result = await executeQuery(loadDataset(action, queryText), queryText, {
    baseIri: action.query,
    timeoutMs: QUERY_TIMEOUT_MS,
  });

  if (resultIri.endsWith('.csv')) {
    if (result.type !== 'bindings') return failed(`expected bindings, got ${result.type}`);
    const actual = csvRows(await collect(serializeCsvBindings(result.variables, result.rows)));
    const expected = csvRows(readTestFile(resultIri));
    const variables = [...new Set([...actual.variables, ...expected.variables])];
    return rowsMatch(actual.rows, expected.rows, variables, false)
      ? PASSED
      : failed(
          `CSV results differ: actual ${formatRows(actual.rows)}; expected ${formatRows(expected.rows)}`,
        );
  }

  const expected = readExpected(resultIri);
  if (result.type === 'boolean') {
    if (expected.type !== 'boolean') return failed(`expected ${expected.type}, got a boolean`);
    return result.value === expected.value
      ? PASSED
      : failed(`expected ${expected.value}, got ${result.value}`);
  }

  if (result.type === 'quads') {
    if (expected.type !== 'graph') return failed(`expected ${expected.type}, got a graph`);
    const actual: RDF.Quad[] = [];
    for await (const quad of result.quads) actual.push(quad);
    return graphsMatch(actual, expected.quads)
      ? PASSED
      : failed(
          `graphs differ: ${actual.length} triples returned, ${expected.quads.length} expected`,
        );
  }

  if (expected.type !== 'bindings') return failed(`expected ${expected.type}, got bindings`);
  let rows: Row[];
  if (resultIri.endsWith('.tsv')) {
    // Round-trip through the engine's TSV writer, which is what this test checks.
    const text = await collect(serializeTsvBindings(result.variables, result.rows));
    const parsed = fromTermRows(parseResults(text, 'tsv'));
    rows = parsed.type === 'bindings' ? parsed.rows : [];
  } else {
    rows = await rowsOf(result);
  }

  const ordered = expected.ordered && /ORDER\s+BY/i.test(queryText);
  const variables = [...new Set([...result.variables, ...expected.variables])];
  // REDUCED may drop any number of duplicates, so only the distinct solutions must agree.
  const reduced = /SELECT\s+REDUCED/i.test(queryText);
  const actualRows = reduced ? distinctRows(rows) : rows;
  const expectedRows = reduced ? distinctRows(expected.rows) : expected.rows;
  return rowsMatch(actualRows, expectedRows, variables, ordered)
    ? PASSED
    : failed(`results differ: actual ${formatRows(rows)}; expected ${formatRows(expected.rows)}`);
}

function withWallClockLimit<T>(work: Promise<T>, limitMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`test did not finish within ${limitMs} ms`)),
      limitMs,
    );
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/**
 * Runs one evaluation test. UnsupportedFeatureError makes it skipped with the feature as reason.
 * Any other error, a timeout included, makes it failed, and so does a test whose data the runner
 * cannot load.
 */
// NOTE: the wall-clock limit cannot interrupt a synchronous loop that misses the engine's
// deadline checks. Only a caller that runs tests in a worker (isolated-eval.ts) survives that.
export async function runEvaluationTest(entry: ManifestEntry): Promise<Outcome> {
  if (entry.action === undefined) return failed('the manifest entry has no mf:action');
  const action = actionOf(entry);
  const reason = skipReason(entry, action);
  if (reason !== undefined) return skipped(reason);
  const problem = unrunnableReason(entry);
  if (problem !== undefined) return failed(problem);
  try {
    return await withWallClockLimit(evaluate(entry, action), WALL_CLOCK_LIMIT_MS);
  } catch (error) {
    if (error instanceof UnsupportedFeatureError) return skipped(`unsupported: ${error.feature}`);
    return failed(messageOf(error));
  }
}

/** True for the manifest types this module runs. */
export function isEvaluationTest(entry: ManifestEntry): boolean {
  return entry.types.some(
    (type) => type === `${MF}QueryEvaluationTest` || type === `${MF}CSVResultFormatTest`,
  );
}
