/**
 * The W3C conformance runner: runs the SPARQL 1.0 and 1.1 query, update, syntax and graph
 * store tests, the RDF 1.1 Turtle, TriG, N-Triples and N-Quads tests, the SHACL Core tests and
 * the OWL 2 RL and RDFS entailment tests, prints one summary line per suite, and writes
 * docs/conformance.md.
 *
 * Usage: `npm run conformance [-- --update-baseline]`. The process exits with status 1 when a
 * suite passes fewer tests than conformance/baseline.json records.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { MF, readManifests, TEST_BASE, type ManifestEntry } from './manifest.js';
import {
  failed,
  messageOf,
  skipped,
  tally,
  type Outcome,
  type SuiteResult,
  type TestOutcome,
} from './outcome.js';
import { RDF_SUITES, runRdfSuite } from './rdf-suites.js';
import { renderReport, summaryLine } from './report.js';
import { runEvaluationTestsIsolated } from './isolated-eval.js';
import { isEvaluationTest, QUERY_TIMEOUT_MS } from './sparql-eval.js';
import { runGraphStoreSuite } from './graph-store.js';
import { isProtocolTest, runProtocolTest } from './protocol.js';
import { runReasoningSuites } from './owl.js';
import { runShaclSuites } from './shacl.js';
import { isUpdateEvaluationTest, runUpdateEvaluationTest } from './sparql-update.js';
import {
  isQuerySyntaxTest,
  isUpdateSyntaxTest,
  runQuerySyntaxTest,
  runUpdateSyntaxTest,
} from './sparql-syntax.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BASELINE_FILE = path.join(repoRoot, 'conformance/baseline.json');
const REPORT_FILE = path.join(repoRoot, 'docs/conformance.md');

export const SUITE_NAMES = {
  sparql10Eval: 'SPARQL 1.0 query evaluation',
  sparql11Eval: 'SPARQL 1.1 query evaluation',
  querySyntax: 'SPARQL 1.1 syntax, query',
  updateSyntax: 'SPARQL 1.1 syntax, update',
  updateEval: 'SPARQL 1.1 update evaluation',
  graphStore: 'SPARQL 1.1 graph store protocol',
  protocol: 'SPARQL 1.1 query protocol, service description',
} as const;

export interface RunOptions {
  /** Write docs/conformance.md; default false. */
  writeReport?: boolean;
  /** Rewrite conformance/baseline.json with the pass counts of this run; default false. */
  updateBaseline?: boolean;
  /** Receives each summary line as its suite finishes; default: nothing is printed. */
  onSuite?: (line: string) => void;
}

/** Pass counts per suite name. */
export type Baseline = Record<string, number>;

export function readBaseline(): Baseline {
  return JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
}

async function runEntries(
  entries: ManifestEntry[],
  run: (entry: ManifestEntry) => Outcome | Promise<Outcome>,
): Promise<TestOutcome[]> {
  const outcomes: TestOutcome[] = [];
  for (const entry of entries) {
    let outcome: Outcome;
    try {
      outcome = await run(entry);
    } catch (error) {
      outcome = failed(`the runner failed: ${messageOf(error)}`);
    }
    outcomes.push({ id: entry.id, ...outcome });
  }
  return outcomes;
}

const SPARQL10_MANIFEST = `${TEST_BASE}sparql/sparql10/manifest.ttl`;
const SPARQL11_MANIFEST = `${TEST_BASE}sparql/sparql11/manifest-all.ttl`;

async function runSparqlSuites(): Promise<SuiteResult[]> {
  const sparql10 = readManifests(SPARQL10_MANIFEST).filter((e) => !e.withdrawn);
  const sparql11 = readManifests(SPARQL11_MANIFEST).filter((e) => !e.withdrawn);
  const all = [...sparql10, ...sparql11];

  // Entries of any other type count as skipped on the protocol line.
  const notRun = sparql11.filter(
    (entry) =>
      !isEvaluationTest(entry) &&
      !isQuerySyntaxTest(entry) &&
      !isUpdateSyntaxTest(entry) &&
      !isUpdateEvaluationTest(entry) &&
      !isProtocolTest(entry) &&
      !entry.types.includes(`${MF}GraphStoreProtocolTest`),
  );
  return [
    tally(SUITE_NAMES.sparql10Eval, await runEvaluationTestsIsolated(SPARQL10_MANIFEST)),
    tally(SUITE_NAMES.sparql11Eval, await runEvaluationTestsIsolated(SPARQL11_MANIFEST)),
    tally(
      SUITE_NAMES.querySyntax,
      await runEntries(all.filter(isQuerySyntaxTest), runQuerySyntaxTest),
    ),
    tally(
      SUITE_NAMES.updateSyntax,
      await runEntries(all.filter(isUpdateSyntaxTest), runUpdateSyntaxTest),
    ),
    tally(
      SUITE_NAMES.updateEval,
      await runEntries(sparql11.filter(isUpdateEvaluationTest), runUpdateEvaluationTest),
    ),
    tally(SUITE_NAMES.graphStore, await runGraphStoreSuite()),
    tally(SUITE_NAMES.protocol, [
      ...(await runEntries(sparql11.filter(isProtocolTest), runProtocolTest)),
      ...(await runEntries(notRun, (entry) =>
        skipped(`no adapter for test type ${entry.types.join(', ')}`),
      )),
    ]),
  ];
}

function reportNotes(): string[] {
  return [
    'Evaluation tests load their data into a fresh in-memory store and run with a deadline ' +
      `of ${QUERY_TIMEOUT_MS / 1000} s, in a worker thread that is terminated when one test ` +
      'runs far longer, so a hanging test fails instead of stopping the run. A test that raises ' +
      'UnsupportedFeatureError counts as skipped with the feature as its reason. Syntax tests ' +
      "use the engine's parseQuery and parseUpdate.",
    'Update evaluation tests load their data into a fresh data dir and run the request as one ' +
      'engine transaction. Graph store protocol tests run their HTTP requests against a real ' +
      'server on 127.0.0.1, each test on a fresh data dir.',
    'Protocol tests send one hand-written exchange per test, transcribed from the manifest, to ' +
      'a real server on 127.0.0.1 with a fresh data dir; requests the manifest sends to ' +
      '/sparql/ go to /sparql for queries and /update for updates. A 4xx expectation is not ' +
      'met by 401 or 403. Service description tests parse the RDF that GET /sparql returns.',
  ];
}

/** Runs every suite and returns their results, in the order the summary lines are printed. */
export async function runConformance(options: RunOptions = {}): Promise<SuiteResult[]> {
  const results: SuiteResult[] = [];
  const report = (result: SuiteResult): void => {
    results.push(result);
    options.onSuite?.(summaryLine(result));
  };
  for (const result of await runSparqlSuites()) report(result);
  for (const suite of RDF_SUITES) report(await runRdfSuite(suite));
  for (const result of await runShaclSuites()) report(result);
  for (const result of await runReasoningSuites()) report(result);

  if (options.writeReport === true)
    writeFileSync(REPORT_FILE, renderReport(results, reportNotes()));
  if (options.updateBaseline === true) {
    const baseline: Baseline = {};
    for (const result of results) baseline[result.suite] = result.passed;
    writeFileSync(BASELINE_FILE, `${JSON.stringify(baseline, null, 2)}\n`);
  }
  return results;
}

/** Returns a message for each suite that passes fewer tests than the baseline records. */
export function regressions(results: SuiteResult[], baseline: Baseline): string[] {
  return results
    .filter((result) => result.passed < (baseline[result.suite] ?? 0))
    .map(
      (result) => `${result.suite}: ${result.passed} passed, baseline ${baseline[result.suite]}`,
    );
}

async function main(): Promise<void> {
  const updateBaseline = process.argv.includes('--update-baseline');
  const results = await runConformance({
    writeReport: true,
    updateBaseline,
    onSuite: (line) => console.log(line),
  });
  if (updateBaseline) return;
  const problems = regressions(results, readBaseline());
  if (problems.length > 0) {
    console.error(
      `Fewer tests pass than conformance/baseline.json records:\n${problems.join('\n')}`,
    );
    process.exitCode = 1;
  }
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  await main();
}
