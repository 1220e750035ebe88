/**
 * Runs SPARQL 1.1 update evaluation tests (mf:UpdateEvaluationTest). Each test opens a fresh
 * data dir, loads the test's default-graph and named-graph files, runs the update request as
 * one engine transaction, and compares every graph of the dataset with the expected files,
 * blank nodes up to renaming.
 */
import type * as RDF from '@rdfjs/types';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Parser } from 'n3';

import { UnsupportedFeatureError } from '../src/errors.js';
import { factory, termFromKey } from '../src/rdf/terms.js';
import { executeUpdate, parseUpdate } from '../src/sparql/index.js';
import { DEFAULT_DATASET, Engine } from '../src/storage/engine.js';
import { ANY } from '../src/store/types.js';
import { isomorphic } from './isomorphism.js';
import { fileOf, MF, readTestFile, UT, type ManifestEntry } from './manifest.js';
import { failed, messageOf, PASSED, skipped, type Outcome } from './outcome.js';

const RDFS_LABEL = 'http://www.w3.org/2000/01/rdf-schema#label';

/** Deadline for one update request, in milliseconds. */
const UPDATE_TIMEOUT_MS = 5_000;

export function isUpdateEvaluationTest(entry: ManifestEntry): boolean {
  return entry.types.includes(`${MF}UpdateEvaluationTest`);
}

/** The default graph file and the named graph files (by graph IRI) of an action or result. */
interface DatasetFiles {
  data: string[];
  graphs: { iri: string; file: string }[];
}

function datasetFilesOf(entry: ManifestEntry, node: RDF.Term | undefined): DatasetFiles {
  const files: DatasetFiles = { data: [], graphs: [] };
  if (node === undefined) return files;
  const graph = entry.graph;
  files.data = graph.objects(node, `${UT}data`).map((term) => term.value);
  for (const graphData of graph.objects(node, `${UT}graphData`)) {
    const file = graph.object(graphData, `${UT}graph`)?.value;
    const iri = graph.object(graphData, RDFS_LABEL)?.value;
    if (file === undefined || iri === undefined) throw new Error('ut:graphData without a graph');
    files.graphs.push({ iri, file });
  }
  return files;
}

export async function runUpdateEvaluationTest(entry: ManifestEntry): Promise<Outcome> {
  const action = entry.action!;
  const request = entry.graph.object(action, `${UT}request`)?.value;
  if (request === undefined) return failed('the manifest gives no ut:request');
  const before = datasetFilesOf(entry, action);
  const after = datasetFilesOf(entry, entry.result);

  const dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-update-test-'));
  const engine = Engine.open(dir);
  try {
    for (const file of before.data) {
      await engine.loadFile(DEFAULT_DATASET, fileOf(file), { baseIri: file });
    }
    for (const { iri, file } of before.graphs) {
      await engine.loadFile(DEFAULT_DATASET, fileOf(file), { graph: iri, baseIri: file });
    }
    let operations;
    try {
      operations = parseUpdate(readTestFile(request), request);
    } catch (error) {
      if (error instanceof UnsupportedFeatureError) return skipped(error.message);
      return failed(`the update did not parse: ${messageOf(error)}`);
    }
    await engine.transaction(DEFAULT_DATASET, (transaction) =>
      executeUpdate(transaction, operations, { timeoutMs: UPDATE_TIMEOUT_MS }),
    );
    const actual = datasetQuads(engine);
    const expected = expectedQuads(after);
    if (isomorphic(actual, expected)) return PASSED;
    return failed(
      `the dataset after the update differs: ${actual.length} quads, expected ${expected.length}`,
    );
  } catch (error) {
    if (error instanceof UnsupportedFeatureError) return skipped(error.message);
    return failed(messageOf(error));
  } finally {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every quad of the default dataset, as RDF/JS quads. */
function datasetQuads(engine: Engine): RDF.Quad[] {
  const { dictionary, quads } = engine.dataset(DEFAULT_DATASET);
  const out: RDF.Quad[] = [];
  const cursor = quads.match(ANY, ANY, ANY, ANY);
  const term = (id: number): RDF.Term => termFromKey(dictionary.key(id));
  while (cursor.next()) {
    out.push(
      factory.quad(
        term(cursor.s) as RDF.Quad_Subject,
        term(cursor.p) as RDF.Quad_Predicate,
        term(cursor.o) as RDF.Quad_Object,
        term(cursor.g) as RDF.Quad_Graph,
      ),
    );
  }
  return out;
}

function expectedQuads(files: DatasetFiles): RDF.Quad[] {
  const out: RDF.Quad[] = [];
  const read = (file: string, graph: RDF.Quad_Graph): void => {
    for (const quad of new Parser({ baseIRI: file }).parse(readTestFile(file))) {
      out.push(factory.quad(quad.subject, quad.predicate, quad.object, graph));
    }
  };
  for (const file of files.data) read(file, factory.defaultGraph());
  for (const { iri, file } of files.graphs) read(file, factory.namedNode(iri));
  return out;
}
