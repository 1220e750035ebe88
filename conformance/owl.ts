/**
 * Runs the reasoning conformance suites:
 * - 'OWL 2 RL entailment': the OWL 2 test cases tagged with the RL profile that are positive
 *   entailment tests (the conclusion must follow) or inconsistency tests (a consistency rule
 *   must fire), with premises and conclusions in RDF/XML.
 * - 'RDF 1.1 RDFS entailment': the rdf-mt tests whose entailment regime is RDFS, positive and
 *   negative.
 * A conclusion follows when a SPARQL ASK of its triples, with blank nodes as variables, is true
 * over asserted ∪ inferred.
 */
import type * as RDF from '@rdfjs/types';
import { createReadStream, readFileSync } from 'node:fs';
import path from 'node:path';
import { RdfXmlParser } from 'rdfxml-streaming-parser';

import { parseRdf } from '../src/rdf/parse.js';
import { termKey } from '../src/rdf/terms.js';
import { Reasoner, type Ruleset } from '../src/reasoning/index.js';
import { executeQuery } from '../src/sparql/index.js';
import { MemoryDictionary } from '../src/store/dictionary.js';
import { QuadStore } from '../src/store/quad-store.js';
import {
  fileOf,
  MF,
  readManifests,
  suitesRoot,
  TEST_BASE,
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
  type TestOutcome,
} from './outcome.js';

const TEST_NS = 'http://www.w3.org/2007/OWL/testOntology#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const OWL_IMPORTS = 'http://www.w3.org/2002/07/owl#imports';
const OWL_ONTOLOGY = 'http://www.w3.org/2002/07/owl#Ontology';
const RDFS_RESOURCE = 'http://www.w3.org/2000/01/rdf-schema#Resource';
const OWL_TESTS = path.join(suitesRoot, 'owl2', 'all.rdf');
const RDFS_MANIFEST = `${TEST_BASE}rdf/rdf11/rdf-mt/manifest.ttl`;

/** Budgets per test case, far above what any case needs, so a runaway case fails fast. */
const LIMITS = { maxInferredQuads: 1_000_000, timeoutMs: 20_000 };

export const REASONING_SUITE_NAMES = {
  owl: 'OWL 2 RL entailment',
  rdfs: 'RDF 1.1 RDFS entailment',
} as const;

export async function runReasoningSuites(): Promise<SuiteResult[]> {
  return [await runOwlSuite(), await runRdfsSuite()];
}

/** Premise quads loaded into a reasoner. */
interface Reasoned {
  dictionary: MemoryDictionary;
  reasoner: Reasoner;
}

function reasonOver(quads: RDF.Quad[], ruleset: Ruleset): Reasoned {
  const dictionary = new MemoryDictionary();
  const asserted = new QuadStore();
  const packed = new Uint32Array(quads.length * 4);
  quads.forEach((quad, index) => {
    packed[index * 4] = dictionary.intern(termKey(quad.subject));
    packed[index * 4 + 1] = dictionary.intern(termKey(quad.predicate));
    packed[index * 4 + 2] = dictionary.intern(termKey(quad.object));
    packed[index * 4 + 3] = dictionary.intern(termKey(quad.graph));
  });
  asserted.addMany(packed);
  const reasoner = new Reasoner(dictionary, asserted, ruleset, LIMITS);
  reasoner.materialise();
  return { dictionary, reasoner };
}

function sparqlTerm(term: RDF.Term): string {
  switch (term.termType) {
    case 'NamedNode':
      return `<${term.value}>`;
    case 'BlankNode':
      return `?b_${term.value.replace(/[^A-Za-z0-9_]/g, '_')}`;
    case 'Literal': {
      const text = term.value
        .replace(/\\/g, '\\\\')
        .replace(/"/g, '\\"')
        .replace(/\n/g, '\\n')
        .replace(/\r/g, '\\r');
      if (term.language !== '') return `"${text}"@${term.language}`;
      return `"${text}"^^<${term.datatype.value}>`;
    }
    default:
      throw new Error(`Unexpected ${term.termType} in a conclusion graph`);
  }
}

/** Returns true when asserted ∪ inferred has every conclusion triple (blank nodes existential). */
async function entails(
  { dictionary, reasoner }: Reasoned,
  conclusion: RDF.Quad[],
): Promise<boolean> {
  const patterns = conclusion.map(
    (quad) =>
      `${sparqlTerm(quad.subject)} ${sparqlTerm(quad.predicate)} ${sparqlTerm(quad.object)} .`,
  );
  if (patterns.length === 0) return true;
  const result = await executeQuery(
    { dictionary, quads: reasoner.union() },
    `ASK {\n${patterns.join('\n')}\n}`,
  );
  if (result.type !== 'boolean') throw new Error('ASK returned no boolean');
  return result.value;
}

// ---- OWL 2 test cases ----

function parseRdfXml(text: string, baseIri: string): Promise<RDF.Quad[]> {
  return new Promise((resolve, reject) => {
    const parser = new RdfXmlParser({ baseIRI: baseIri });
    const quads: RDF.Quad[] = [];
    parser.on('data', (quad: RDF.Quad) => quads.push(quad));
    parser.on('error', reject);
    parser.on('end', () => resolve(quads));
    parser.write(text);
    parser.end();
  });
}

interface OwlTestCase {
  id: string;
  types: Set<string>;
  premise?: string;
  conclusion?: string;
}

async function readOwlTestCases(): Promise<OwlTestCase[]> {
  const quads = await parseRdfXml(readFileSync(OWL_TESTS, 'utf8'), 'http://owl.semanticweb.org/');
  const bySubject = new Map<string, RDF.Quad[]>();
  for (const quad of quads) {
    const list = bySubject.get(quad.subject.value);
    if (list === undefined) bySubject.set(quad.subject.value, [quad]);
    else list.push(quad);
  }
  const cases: OwlTestCase[] = [];
  for (const [subject, facts] of bySubject) {
    const values = (predicate: string): string[] =>
      facts.filter((quad) => quad.predicate.value === predicate).map((quad) => quad.object.value);
    if (!values(`${TEST_NS}profile`).includes(`${TEST_NS}RL`)) continue;
    cases.push({
      id: values(`${TEST_NS}identifier`)[0] ?? subject,
      types: new Set(values(RDF_TYPE).map((type) => type.replace(TEST_NS, ''))),
      premise: values(`${TEST_NS}rdfXmlPremiseOntology`)[0],
      conclusion: values(`${TEST_NS}rdfXmlConclusionOntology`)[0],
    });
  }
  return cases.sort((a, b) => a.id.localeCompare(b.id));
}

async function runOwlCase(test: OwlTestCase): Promise<Outcome> {
  if (test.premise === undefined) {
    return skipped('the premise is given only in functional syntax, which has no parser here');
  }
  const base = `http://owl.semanticweb.org/id/${encodeURIComponent(test.id)}/`;
  const premise = await parseRdfXml(test.premise, base);
  if (premise.some((quad) => quad.predicate.value === OWL_IMPORTS)) {
    return skipped('the premise imports another document, and the runner fetches nothing');
  }
  const reasoned = reasonOver(premise, 'owl2-rl');
  if (test.types.has('InconsistencyTest')) {
    return reasoned.reasoner.checkConsistency(1).length > 0
      ? PASSED
      : failed('no consistency rule fired on an inconsistent ontology');
  }
  if (test.conclusion === undefined) {
    return skipped('the conclusion is given only in functional syntax, which has no parser here');
  }
  const conclusion = withoutOntologyHeader(await parseRdfXml(test.conclusion, base));
  return (await entails(reasoned, conclusion))
    ? PASSED
    : failed('the conclusion does not follow from the materialised premise');
}

/**
 * Drops the triples about the conclusion's owl:Ontology node (its type, IRI, imports and
 * annotations). They describe the document, not entailments, and name an ontology IRI the
 * premise does not have.
 */
function withoutOntologyHeader(quads: RDF.Quad[]): RDF.Quad[] {
  const headers = new Set(
    quads
      .filter((quad) => quad.predicate.value === RDF_TYPE && quad.object.value === OWL_ONTOLOGY)
      .map((quad) => termKey(quad.subject)),
  );
  return quads.filter((quad) => !headers.has(termKey(quad.subject)));
}

async function runOwlSuite(): Promise<SuiteResult> {
  const tests: TestOutcome[] = [];
  for (const test of await readOwlTestCases()) {
    if (!test.types.has('PositiveEntailmentTest') && !test.types.has('InconsistencyTest')) {
      continue;
    }
    tests.push({ id: test.id, ...(await guarded(() => runOwlCase(test))) });
  }
  return tally(REASONING_SUITE_NAMES.owl, tests);
}

// ---- RDF 1.1 RDFS entailment ----

async function parseTestFile(iri: string): Promise<RDF.Quad[]> {
  const quads: RDF.Quad[] = [];
  const format = iri.endsWith('.nt') ? 'ntriples' : 'turtle';
  const input = createReadStream(fileOf(iri));
  try {
    await parseRdf(input, { format, baseIri: iri, source: iri }, (quad) => quads.push(quad));
  } finally {
    input.destroy();
  }
  return quads;
}

async function runRdfsCase(entry: ManifestEntry): Promise<Outcome> {
  const regime = entry.graph.object(
    { termType: 'NamedNode', value: entry.iri } as RDF.Term,
    `${MF}entailmentRegime`,
  )?.value;
  if (regime !== 'RDFS') return skipped(`entailment regime ${regime ?? 'missing'}; only RDFS runs`);
  const positive = entry.types.includes(`${MF}PositiveEntailmentTest`);
  const reasoned = reasonOver(await parseTestFile(entry.action!.value), 'rdfs');
  if (entry.result?.termType === 'Literal' && entry.result.value === 'false') {
    // RDFS premises are only inconsistent through ill-typed literals of recognised datatypes.
    return positive
      ? failed('the premise is inconsistent through datatypes, which no RDFS rule here checks')
      : PASSED;
  }
  // Every term is an rdfs:Resource (rdfs4a, rdfs4b), which the rdfs ruleset does not store.
  const conclusion = (await parseTestFile(entry.result!.value)).filter(
    (quad) => !(quad.predicate.value === RDF_TYPE && quad.object.value === RDFS_RESOURCE),
  );
  const entailed = await entails(reasoned, conclusion);
  if (entailed === positive) return PASSED;
  return failed(positive ? 'the conclusion does not follow' : 'a non-entailed conclusion follows');
}

async function runRdfsSuite(): Promise<SuiteResult> {
  const tests: TestOutcome[] = [];
  for (const entry of readManifests(RDFS_MANIFEST)) {
    const outcome = entry.withdrawn
      ? skipped('withdrawn or rejected test')
      : await guarded(() => runRdfsCase(entry));
    tests.push({ id: entry.id, ...outcome });
  }
  return tally(REASONING_SUITE_NAMES.rdfs, tests);
}

async function guarded(run: () => Promise<Outcome>): Promise<Outcome> {
  try {
    return await run();
  } catch (error) {
    return failed(`the runner failed: ${messageOf(error)}`);
  }
}
