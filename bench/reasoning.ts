/**
 * Reasoning benchmark: materialisation of LUBM data plus the univ-bench ontology with the OWL 2
 * RL and RDFS rule sets, and incremental maintenance (DRed) of a 100-triple insert and a
 * 100-triple delete against the materialised OWL 2 RL closure. The RDFS figure is compared
 * with N3.js's N3Reasoner running the same 12 RDFS rules over an N3.Store. No OWL 2 RL
 * reasoner is installed from npm, so the OWL 2 RL figures have no peer.
 *
 * LUBM(1) is always measured; LUBM(8) too when `data` is 'lubm8'. Times are medians of `runs`
 * timed runs, each after one untimed warm-up run.
 *
 * Usage: node --import tsx bench/reasoning.ts [--data lubm1|lubm8] [--runs N]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { Parser, Reasoner as N3Reasoner, Store as N3Store } from 'n3';

import { parseRdf } from '../src/rdf/parse.js';
import { termKey } from '../src/rdf/terms.js';
import { Reasoner, type Ruleset } from '../src/reasoning/index.js';
import {
  formatNumber,
  formatRatio,
  formatSample,
  speedup,
  summarize,
  timeRuns,
  toRate,
  type Sample,
} from './stats.js';
import {
  loadSevenTick,
  LUBM_DIR,
  packageVersion,
  readNTriples,
  type DataName,
  type SevenTickStore,
} from './stores.js';

export interface ReasoningBenchOptions {
  data: DataName;
  /** Timed runs per figure, each after one untimed warm-up run. */
  runs: number;
}

const UB = 'http://www.lehigh.edu/~zhp2/2004/0401/univ-bench.owl#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const WRITE_SIZE = 100;

/** The rdfs rule set of src/reasoning/rules/rdfs.ts, as N3 rules for N3Reasoner. */
const N3_RDFS_RULES = `
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
{ ?x ?p ?y } => { ?p a rdf:Property } .
{ ?p rdfs:domain ?c . ?x ?p ?y } => { ?x a ?c } .
{ ?p rdfs:range ?c . ?x ?p ?y } => { ?y a ?c } .
{ ?p rdfs:subPropertyOf ?q . ?q rdfs:subPropertyOf ?r } => { ?p rdfs:subPropertyOf ?r } .
{ ?p a rdf:Property } => { ?p rdfs:subPropertyOf ?p } .
{ ?p rdfs:subPropertyOf ?q . ?x ?p ?y } => { ?x ?q ?y } .
{ ?c a rdfs:Class } => { ?c rdfs:subClassOf rdfs:Resource } .
{ ?c rdfs:subClassOf ?d . ?x a ?c } => { ?x a ?d } .
{ ?c a rdfs:Class } => { ?c rdfs:subClassOf ?c } .
{ ?c rdfs:subClassOf ?d . ?d rdfs:subClassOf ?e } => { ?c rdfs:subClassOf ?e } .
{ ?p a rdfs:ContainerMembershipProperty } => { ?p rdfs:subPropertyOf rdfs:member } .
{ ?d a rdfs:Datatype } => { ?d rdfs:subClassOf rdfs:Literal } .
`;

/** Loads the LUBM data and univ-bench.ttl into one 7T store. */
export async function loadDataset(
  data: DataName,
): Promise<{ seven: SevenTickStore; text: string }> {
  const ontology = readFileSync(path.join(LUBM_DIR, 'univ-bench.ttl'), 'utf8');
  const seven = await loadSevenTick(readNTriples(data));
  const packed: number[] = [];
  await parseRdf(
    Readable.from([ontology]),
    { format: 'turtle', source: 'univ-bench.ttl' },
    (quad) => {
      packed.push(
        seven.dictionary.intern(termKey(quad.subject)),
        seven.dictionary.intern(termKey(quad.predicate)),
        seven.dictionary.intern(termKey(quad.object)),
        seven.dictionary.intern(termKey(quad.graph)),
      );
    },
  );
  seven.store.addMany(Uint32Array.from(packed));
  return { seven, text: ontology };
}

interface MaterialisationFigures {
  inferred: number;
  time: Sample;
}

async function measureMaterialisation(
  seven: SevenTickStore,
  ruleset: Ruleset,
  runs: number,
): Promise<MaterialisationFigures> {
  let inferred = 0;
  const time = await timeRuns(runs, () => {
    inferred = new Reasoner(seven.dictionary, seven.store, ruleset).materialise();
  });
  return { inferred, time };
}

/** Times N3Reasoner over a fresh N3.Store per run; returns the time and inferred triples. */
async function measureN3Rdfs(
  data: DataName,
  ontology: string,
  runs: number,
): Promise<MaterialisationFigures> {
  const quads = new Parser({ format: 'N-Triples' }).parse(readNTriples(data));
  const schema = new Parser({ format: 'Turtle' }).parse(ontology);
  const rules = new N3Store(new Parser({ format: 'text/n3' }).parse(N3_RDFS_RULES));
  let store = new N3Store();
  const fresh = (): void => {
    store = new N3Store();
    store.addQuads(quads);
    store.addQuads(schema);
  };
  fresh();
  const before = store.size;
  new N3Reasoner(store).reason(rules);
  const inferred = store.size - before;
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    fresh();
    const started = performance.now();
    new N3Reasoner(store).reason(rules);
    times.push(performance.now() - started);
  }
  return { inferred, time: summarize(times) };
}

/** Returns WRITE_SIZE new triples: fresh graduate students who take an existing course. */
function newTriples(seven: SevenTickStore): Uint32Array {
  const { dictionary } = seven;
  const type = dictionary.intern(RDF_TYPE);
  const student = dictionary.intern(`${UB}GraduateStudent`);
  const takesCourse = dictionary.intern(`${UB}takesCourse`);
  const course = dictionary.intern('http://www.Department0.University0.edu/GraduateCourse0');
  const packed: number[] = [];
  for (let i = 0; i < WRITE_SIZE / 2; i++) {
    const subject = dictionary.intern(`http://example.org/bench/student${i}`);
    packed.push(subject, type, student, 0, subject, takesCourse, course, 0);
  }
  return Uint32Array.from(packed);
}

/** Returns WRITE_SIZE asserted default-graph triples spread evenly over the store. */
function existingTriples(seven: SevenTickStore): Uint32Array {
  const step = Math.max(1, Math.floor(seven.store.size / WRITE_SIZE));
  const packed: number[] = [];
  const cursor = seven.store.match(-1, -1, -1, 0);
  for (let i = 0; cursor.next() && packed.length < WRITE_SIZE * 4; i++) {
    if (i % step === 0) packed.push(cursor.s, cursor.p, cursor.o, 0);
  }
  return Uint32Array.from(packed);
}

interface WriteFigures {
  insert: Sample;
  remove: Sample;
}

/** Times insert-then-delete pairs, so every run starts from the same materialised state. */
function measureWrites(seven: SevenTickStore, runs: number): WriteFigures {
  const reasoner = new Reasoner(seven.dictionary, seven.store, 'owl2-rl');
  reasoner.materialise();
  const fresh = newTriples(seven);
  const existing = existingTriples(seven);
  const insertTimes: number[] = [];
  const removeTimes: number[] = [];
  for (let run = 0; run <= runs; run++) {
    let started = performance.now();
    reasoner.applyDelta({ adds: fresh });
    const insert = performance.now() - started;
    reasoner.applyDelta({ deletes: fresh });

    started = performance.now();
    reasoner.applyDelta({ deletes: existing });
    const remove = performance.now() - started;
    reasoner.applyDelta({ adds: existing });
    // Run 0 is the warm-up.
    if (run > 0) {
      insertTimes.push(insert);
      removeTimes.push(remove);
    }
  }
  return { insert: summarize(insertTimes), remove: summarize(removeTimes) };
}

export async function runReasoningBench(options: ReasoningBenchOptions): Promise<string> {
  const datasets: DataName[] = options.data === 'lubm8' ? ['lubm1', 'lubm8'] : ['lubm1'];
  const rows: string[] = [];
  for (const data of datasets) {
    const { seven, text } = await loadDataset(data);
    const label = data === 'lubm1' ? 'LUBM(1)' : 'LUBM(8)';
    const asserted = seven.store.size;
    const owl = await measureMaterialisation(seven, 'owl2-rl', options.runs);
    const rdfs = await measureMaterialisation(seven, 'rdfs', options.runs);
    const n3 = await measureN3Rdfs(data, text, options.runs);
    const writes = measureWrites(seven, options.runs);
    const rate = (figures: MaterialisationFigures): string =>
      formatSample(toRate(figures.inferred, figures.time));
    rows.push(
      `| ${label} | materialise, owl2-rl | ${formatNumber(asserted)} | ${formatNumber(owl.inferred)} | ` +
        `${formatSample(owl.time)} | ${rate(owl)} | — |`,
      `| ${label} | materialise, rdfs | ${formatNumber(asserted)} | ${formatNumber(rdfs.inferred)} | ` +
        `${formatSample(rdfs.time)} | ${rate(rdfs)} | ` +
        `${formatRatio(speedup(rdfs.time.median, n3.time.median, false))} |`,
      `| ${label} | N3Reasoner, rdfs (peer) | ${formatNumber(asserted)} | ${formatNumber(n3.inferred)} | ` +
        `${formatSample(n3.time)} | ${rate(n3)} | — |`,
      `| ${label} | insert ${WRITE_SIZE} triples, owl2-rl | | | ${formatSample(writes.insert)} | | — |`,
      `| ${label} | delete ${WRITE_SIZE} triples, owl2-rl | | | ${formatSample(writes.remove)} | | — |`,
    );
  }
  return (
    'Materialisation of the LUBM data plus univ-bench.ttl in memory, and incremental ' +
    `maintenance of writes of ${WRITE_SIZE} triples (new graduate students, and asserted ` +
    'triples spread over the data) against the OWL 2 RL closure. The RDFS row is compared with ' +
    `N3.js ${packageVersion('n3')} N3Reasoner running the same 12 RDFS rules over an N3.Store ` +
    '(both inferred counts are shown). Times are in ms, as median (min–max). The speed-up is ' +
    'the N3Reasoner time over the 7T time.\n\n' +
    '| data | work | asserted triples | inferred triples | time (ms) | inferred triples/s | speed-up vs N3Reasoner |\n' +
    '| --- | --- | --- | --- | --- | --- | --- |\n' +
    rows.join('\n') +
    '\n'
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const value = (flag: string): string | undefined => {
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const data = (value('--data') ?? 'lubm1') as DataName;
  if (data !== 'lubm1' && data !== 'lubm8')
    throw new Error(`Invalid --data ${data}: expected lubm1 or lubm8`);
  const runs = Number(value('--runs') ?? '3');
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`Invalid --runs ${runs}: expected a positive integer`);
  console.log(await runReasoningBench({ data, runs }));
}
