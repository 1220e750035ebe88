/**
 * Runs the RDF 1.1 Turtle, TriG, N-Triples and N-Quads suites against the engine's parser
 * (parseRdf). Syntax tests check that the action parses or is rejected. Evaluation tests compare
 * the parsed quads with the expected N-Triples or N-Quads file up to blank node renaming.
 */
import type * as RDF from '@rdfjs/types';
import { createReadStream } from 'node:fs';
import { Parser } from 'n3';

import { RdfSyntaxError } from '../src/errors.js';
import type { RdfFormat } from '../src/rdf/formats.js';
import { parseRdf } from '../src/rdf/parse.js';
import { isomorphic } from './isomorphism.js';
import {
  fileOf,
  RDFT,
  readManifests,
  readTestFile,
  TEST_BASE,
  typeIn,
  type ManifestEntry,
} from './manifest.js';
import {
  failed,
  messageOf,
  PASSED,
  skipped,
  tally,
  type Outcome,
  type SuiteResult,
} from './outcome.js';

interface RdfSuite {
  label: string;
  manifest: string;
  format: RdfFormat;
  /** Local name of the test types in the rdft: namespace, such as `Turtle` in TestTurtleEval. */
  typePrefix: string;
}

export const RDF_SUITES: readonly RdfSuite[] = [
  {
    label: 'Turtle',
    manifest: 'rdf/rdf11/rdf-turtle/manifest.ttl',
    format: 'turtle',
    typePrefix: 'Turtle',
  },
  {
    label: 'TriG',
    manifest: 'rdf/rdf11/rdf-trig/manifest.ttl',
    format: 'trig',
    typePrefix: 'Trig',
  },
  {
    label: 'N-Triples',
    manifest: 'rdf/rdf11/rdf-n-triples/manifest.ttl',
    format: 'ntriples',
    typePrefix: 'NTriples',
  },
  {
    label: 'N-Quads',
    manifest: 'rdf/rdf11/rdf-n-quads/manifest.ttl',
    format: 'nquads',
    typePrefix: 'NQuads',
  },
];

async function parseAction(entry: ManifestEntry, format: RdfFormat): Promise<RDF.Quad[]> {
  const iri = entry.action!.value;
  const quads: RDF.Quad[] = [];
  const input = createReadStream(fileOf(iri));
  try {
    await parseRdf(input, { format, baseIri: iri, source: entry.id }, (quad) => quads.push(quad));
  } finally {
    input.destroy();
  }
  return quads;
}

/** Runs one RDF test. Exported for tests of the runner. */
export async function runRdfTest(entry: ManifestEntry, suite: RdfSuite): Promise<Outcome> {
  const kind = typeIn(entry, `${RDFT}Test${suite.typePrefix}`);
  if (entry.action === undefined) return failed('the manifest entry has no mf:action');

  let quads: RDF.Quad[];
  try {
    quads = await parseAction(entry, suite.format);
  } catch (error) {
    if (kind === 'NegativeSyntax' || kind === 'NegativeEval') {
      return error instanceof RdfSyntaxError
        ? PASSED
        : failed(`rejected with an error other than RdfSyntaxError: ${messageOf(error)}`);
    }
    return failed(`valid input rejected: ${messageOf(error)}`);
  }

  switch (kind) {
    case 'PositiveSyntax':
      return PASSED;
    case 'NegativeSyntax':
    case 'NegativeEval':
      return failed(`invalid input accepted (${quads.length} quads parsed)`);
    case 'Eval': {
      if (entry.result === undefined) return failed('the manifest entry has no mf:result');
      // The expected files are N-Triples or N-Quads, and n3's N-Quads parser reads both.
      const expected = new Parser({ format: 'N-Quads' }).parse(readTestFile(entry.result.value));
      return isomorphic(quads, expected)
        ? PASSED
        : failed(`parsed ${quads.length} quads that differ from the ${expected.length} expected`);
    }
    default:
      return skipped(`unknown test type ${entry.types.join(', ')}`);
  }
}

/** Runs every test of one RDF suite, in manifest order. */
export async function runRdfSuite(suite: RdfSuite): Promise<SuiteResult> {
  const outcomes = [];
  for (const entry of readManifests(TEST_BASE + suite.manifest)) {
    if (entry.withdrawn) continue;
    let outcome: Outcome;
    try {
      outcome = await runRdfTest(entry, suite);
    } catch (error) {
      outcome = failed(`the runner failed: ${messageOf(error)}`);
    }
    outcomes.push({ id: entry.id, ...outcome });
  }
  return tally(suite.label, outcomes);
}
