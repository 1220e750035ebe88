/**
 * Runs the W3C SHACL Core test suite (data-shapes tests under suites/shacl/tests/core) against
 * src/shacl. Each sht:Validate test validates its data graph against its shapes graph and
 * compares the report with the expected one up to blank node renaming.
 *
 * Both reports are cut to the report node, its results and their path structures. A blank
 * focus node, value or source shape is a node of the test's own graphs, so both sides rename
 * it to an IRI made from its label. This works because the shapes, data and manifest of one
 * file come from one parse and so share their blank node labels.
 */
import type * as RDF from '@rdfjs/types';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DataFactory, Parser } from 'n3';

import { compileShapes, graphFromQuads, reportQuads, validate } from '../src/shacl/index.js';
import { isomorphic } from './isomorphism.js';
import { ManifestGraph, MF, suitesRoot } from './manifest.js';
import {
  failed,
  messageOf,
  PASSED,
  tally,
  type Outcome,
  type SuiteResult,
  type TestOutcome,
} from './outcome.js';

const SHT = 'http://www.w3.org/ns/shacl-test#';
const SH = 'http://www.w3.org/ns/shacl#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const CORE_MANIFEST = path.join(suitesRoot, 'shacl/tests/core/manifest.ttl');
/** Maximum depth of mf:include nesting, against malformed manifests. */
const MAX_INCLUDE_DEPTH = 8;
/** Result properties whose blank node values are nodes of the test's graphs, not report structure. */
const GRAPH_NODE_PROPERTIES = new Set([`${SH}focusNode`, `${SH}value`, `${SH}sourceShape`]);

interface ShaclTest {
  id: string;
  file: string;
  graph: ManifestGraph;
  entry: RDF.Term;
}

/** Runs the SHACL Core suite and returns one suite result named 'SHACL Core'. */
export async function runShaclSuites(): Promise<SuiteResult[]> {
  const parsed = new Map<string, RDF.Quad[]>();
  const parse = (url: string): RDF.Quad[] => {
    let quads = parsed.get(url);
    if (quads === undefined) {
      quads = new Parser({ baseIRI: url }).parse(readFileSync(fileURLToPath(url), 'utf8'));
      parsed.set(url, quads);
    }
    return quads;
  };

  const outcomes: TestOutcome[] = [];
  for (const test of readTests(pathToFileURL(CORE_MANIFEST).href, parse, 0)) {
    let outcome: Outcome;
    try {
      outcome = runTest(test, parse);
    } catch (error) {
      outcome = failed(messageOf(error));
    }
    outcomes.push({ id: test.id, ...outcome });
    // Yield between tests so a caller's timers and I/O keep running.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return [tally('SHACL Core', outcomes)];
}

function readTests(url: string, parse: (url: string) => RDF.Quad[], depth: number): ShaclTest[] {
  if (depth > MAX_INCLUDE_DEPTH) throw new Error(`mf:include nested too deep at ${url}`);
  const graph = new ManifestGraph(parse(url));
  const manifest = DataFactory.namedNode(url);
  const tests: ShaclTest[] = [];
  for (const include of graph.objects(manifest, `${MF}include`)) {
    tests.push(...readTests(include.value, parse, depth + 1));
  }
  const relative = path.relative(path.join(suitesRoot, 'shacl/tests'), fileURLToPath(url));
  for (const head of graph.objects(manifest, `${MF}entries`)) {
    for (const entry of graph.list(head)) {
      const localName = entry.value.slice(entry.value.lastIndexOf('/') + 1);
      tests.push({ id: `${path.dirname(relative)}#${localName}`, file: url, graph, entry });
    }
  }
  return tests;
}

function runTest(test: ShaclTest, parse: (url: string) => RDF.Quad[]): Outcome {
  const { graph, entry } = test;
  const types = graph.objects(entry, RDF_TYPE).map((term) => term.value);
  if (!types.includes(`${SHT}Validate`)) return failed(`unknown test type ${types.join(', ')}`);
  const action = graph.object(entry, `${MF}action`);
  const expectedNode = graph.object(entry, `${MF}result`);
  if (action === undefined || expectedNode === undefined)
    return failed('test has no mf:action or mf:result');
  const dataUrl = graph.object(action, `${SHT}dataGraph`)?.value;
  const shapesUrl = graph.object(action, `${SHT}shapesGraph`)?.value;
  if (dataUrl === undefined || shapesUrl === undefined)
    return failed('test has no data or shapes graph');

  const dataQuads = parse(dataUrl);
  const shapesQuads = parse(shapesUrl);
  const program = compileShapes(graphFromQuads(shapesQuads));
  const report = validate(program, graphFromQuads(dataQuads));

  const labels = blankLabels([...dataQuads, ...shapesQuads]);
  const actual = normalise(reportQuads(report), labels);
  const expected = normalise(reachable(parse(test.file), expectedNode), labels);
  if (isomorphic(actual, expected)) return PASSED;
  return failed(`report differs: expected ${describe(expected)}; got ${describe(actual)}`);
}

function blankLabels(quads: RDF.Quad[]): Set<string> {
  const labels = new Set<string>();
  for (const quad of quads) {
    for (const term of [quad.subject, quad.object])
      if (term.termType === 'BlankNode') labels.add(term.value);
  }
  return labels;
}

/** Returns the quads reachable from `root` over blank nodes, not entering the test's graph nodes. */
function reachable(quads: RDF.Quad[], root: RDF.Term): RDF.Quad[] {
  const bySubject = new Map<string, RDF.Quad[]>();
  for (const quad of quads) {
    const list = bySubject.get(quad.subject.value);
    if (quad.subject.termType !== 'BlankNode') continue;
    if (list === undefined) bySubject.set(quad.subject.value, [quad]);
    else list.push(quad);
  }
  const result: RDF.Quad[] = [];
  const seen = new Set<string>([root.value]);
  const pending = [root.value];
  while (pending.length > 0) {
    for (const quad of bySubject.get(pending.pop()!) ?? []) {
      result.push(quad);
      const object = quad.object;
      if (object.termType !== 'BlankNode' || GRAPH_NODE_PROPERTIES.has(quad.predicate.value))
        continue;
      if (!seen.has(object.value)) {
        seen.add(object.value);
        pending.push(object.value);
      }
    }
  }
  return result;
}

/** Renames blank focus nodes, values and source shapes that belong to the test's graphs. */
function normalise(quads: RDF.Quad[], labels: Set<string>): RDF.Quad[] {
  return quads.map((quad) => {
    const object = quad.object;
    if (object.termType !== 'BlankNode' || !GRAPH_NODE_PROPERTIES.has(quad.predicate.value))
      return quad;
    if (!labels.has(object.value)) return quad;
    return DataFactory.quad(
      quad.subject,
      quad.predicate,
      DataFactory.namedNode(`urn:x-test-node:${object.value}`),
    );
  });
}

function describe(quads: RDF.Quad[]): string {
  const results = quads.filter((quad) => quad.predicate.value === `${SH}result`).length;
  return `${results} results in ${quads.length} triples`;
}

/** Runs the suite from the command line and prints failures. */
async function main(): Promise<void> {
  const [suite] = await runShaclSuites();
  for (const test of suite!.tests)
    if (test.status !== 'passed') console.log(`${test.id}: ${test.reason}`);
  console.log(
    `${suite!.suite}: ${suite!.passed} passed, ${suite!.failed} failed, ${suite!.skipped} skipped`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  await main();
