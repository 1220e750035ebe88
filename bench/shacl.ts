/**
 * SHACL benchmark. It times full validation of LUBM data against bench/lubm-shapes.ttl with
 * the 7T validator, shacl-engine and rdf-validate-shacl in the same process. The data includes
 * the univ-bench ontology for its rdfs:subClassOf triples. It also times validation on write
 * of a 100-triple change with affectedFocusNodes and validateFocusNodes.
 *
 * Times are medians of `runs` timed runs, each after one untimed warm-up run. Peers validate
 * RDF/JS datasets built once before timing. The 7T validator validates a QuadStore built once,
 * with the shapes compiled once.
 *
 * Usage: node --import tsx bench/shacl.ts [--data lubm1|lubm8] [--runs N] [--no-peers]
 */
import type * as RDF from '@rdfjs/types';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DataFactory, Parser } from 'n3';
import SHACLValidator from 'rdf-validate-shacl';

import { termKey } from '../src/rdf/terms.js';
import {
  affectedFocusNodes,
  compileShapes,
  type ShapesProgram,
  graphFromQuads,
  validate,
  validateFocusNodes,
} from '../src/shacl/index.js';
import type { MemoryDictionary } from '../src/store/dictionary.js';
import type { QuadStore } from '../src/store/quad-store.js';
import { LUBM_DIR, packageVersion, readNTriples, ROOT, type DataName } from './stores.js';

export interface ShaclBenchOptions {
  data: DataName;
  /** Timed runs per figure, each after one untimed warm-up run. */
  runs: number;
  /** Also time shacl-engine and rdf-validate-shacl; default true. */
  peers?: boolean;
}

const UB = 'http://www.lehigh.edu/~zhp2/2004/0401/univ-bench.owl#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
/** New students per incremental write; four triples each make a 100-triple write. */
const WRITE_STUDENTS = 25;
/** Minimum number of timed writes. */
const WRITE_RUNS = 50;

/** The parts of shacl-engine 1.1 and @rdfjs/dataset 2.0 (untyped packages) this file uses. */
interface ShaclEngineModule {
  Validator: new (
    shapes: RDF.DatasetCore,
    options: { factory: unknown },
  ) => {
    validate(data: {
      dataset: RDF.DatasetCore;
    }): Promise<{ conforms: boolean; results: { constraintComponent: RDF.Term }[] }>;
  };
}
interface DatasetModule {
  default: { dataset(quads?: RDF.Quad[]): RDF.DatasetCore };
}

interface WriteTiming {
  addMs: number;
  deleteMs: number;
  /** Focus nodes validated per write. */
  focusNodes: number;
}

interface Timing {
  medianMs: number;
  /** Results of the last run, by the local name of their constraint component. */
  components: Map<string, number>;
}

/** Runs the benchmark and returns its results as a markdown section. */
export async function runShaclBench(options: ShaclBenchOptions): Promise<string> {
  // Untyped packages: a specifier held in a variable keeps TypeScript from requiring types.
  const engineName = 'shacl-engine';
  const datasetName = '@rdfjs/dataset';
  const { Validator } = (await import(engineName)) as ShaclEngineModule;
  const rdfDataset = ((await import(datasetName)) as DatasetModule).default;

  const dataQuads = [
    ...new Parser({ format: 'N-Triples' }).parse(readNTriples(options.data)),
    ...parseTurtleFile(path.join(LUBM_DIR, 'univ-bench.ttl')),
  ];
  const shapesQuads = parseTurtleFile(path.join(ROOT, 'bench/lubm-shapes.ttl'));

  const compileStart = performance.now();
  const program = compileShapes(graphFromQuads(shapesQuads));
  const compileMs = performance.now() - compileStart;
  const data = graphFromQuads(dataQuads) as { dictionary: MemoryDictionary; quads: QuadStore };
  const seven = await measure(options.runs, () =>
    validate(program, data).results.map((result) => result.sourceConstraintComponent),
  );
  // Timed before the peers load, so their datasets do not add garbage collection work.
  const writeRuns = Math.max(options.runs, WRITE_RUNS);
  const write = measureWrite(program, data, writeRuns);

  const timings: [string, string, Timing][] = [['7T (src/shacl)', 'this checkout', seven]];
  if (options.peers !== false) {
    const shapesDataset = rdfDataset.dataset(shapesQuads);
    const dataDataset = rdfDataset.dataset(dataQuads);
    const engineValidator = new Validator(shapesDataset, {
      factory: { ...DataFactory, dataset: (quads?: RDF.Quad[]) => rdfDataset.dataset(quads) },
    });
    const shaclEngine = await measure(options.runs, async () => {
      const report = await engineValidator.validate({ dataset: dataDataset });
      return report.results.map((result) => result.constraintComponent.value);
    });
    timings.push(['shacl-engine', packageVersion('shacl-engine'), shaclEngine]);
    const zazukoValidator = new SHACLValidator(shapesDataset);
    const rdfValidateShacl = await measure(options.runs, async () => {
      const report = await zazukoValidator.validate(dataDataset);
      return report.results.map((result) => result.sourceConstraintComponent?.value ?? '');
    });
    timings.push(['rdf-validate-shacl', packageVersion('rdf-validate-shacl'), rdfValidateShacl]);
  }
  const peerTimes = timings.slice(1).map(([, , timing]) => timing.medianMs);
  const comparison =
    peerTimes.length === 0
      ? 'Peers were not run.'
      : `7T is ${(Math.min(...peerTimes) / seven.medianMs).toFixed(1)}x faster than the faster peer.`;
  const componentNames = [
    ...new Set(timings.flatMap(([, , timing]) => [...timing.components.keys()])),
  ].sort();
  const total = (timing: Timing) => [...timing.components.values()].reduce((sum, n) => sum + n, 0);
  return [
    `### SHACL validation (${options.data}, ${dataQuads.length} triples with univ-bench.ttl)`,
    '',
    `Shapes: bench/lubm-shapes.ttl. Times are medians of ${options.runs} runs after a warm-up run.`,
    '',
    '| validator | version | full validation (ms) | results | time vs 7T |',
    '| --- | --- | ---: | ---: | ---: |',
    ...timings.map(
      ([name, version, timing]) =>
        `| ${name} | ${version} | ${timing.medianMs.toFixed(1)} | ${total(timing)} | ` +
        `${(timing.medianMs / seven.medianMs).toFixed(1)}x |`,
    ),
    '',
    `${comparison} Compiling the shapes took ${compileMs.toFixed(2)} ms, not included above. ` +
      'It is the first compile in the process, so it includes loading re2-wasm.',
    '',
    '| results by component | ' + timings.map(([name]) => name).join(' | ') + ' |',
    '| --- |' + timings.map(() => ' ---: |').join(''),
    ...componentNames.map(
      (component) =>
        `| ${component} | ` +
        timings.map(([, , timing]) => timing.components.get(component) ?? 0).join(' | ') +
        ' |',
    ),
    '',
    `Validation on write of ${WRITE_STUDENTS * 4} triples (${WRITE_STUDENTS} new students, ` +
      `${write.focusNodes} affected focus nodes), median of ${writeRuns} writes: ` +
      `affectedFocusNodes and validateFocusNodes took ${write.addMs.toFixed(3)} ms after the ` +
      `insert and ${write.deleteMs.toFixed(3)} ms after deleting the triples again.`,
    '',
  ].join('\n');
}

function parseTurtleFile(file: string): RDF.Quad[] {
  return new Parser({ baseIRI: pathToFileURL(file).href }).parse(readFileSync(file, 'utf8'));
}

/** Times `run`, which returns the constraint component IRI of each result. */
async function measure(runs: number, run: () => string[] | Promise<string[]>): Promise<Timing> {
  let components = await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    components = await run();
    times.push(performance.now() - start);
  }
  const counts = new Map<string, number>();
  for (const iri of components) {
    const name = iri.slice(iri.lastIndexOf('#') + 1);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return { medianMs: median(times), components: counts };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Packs 100 new triples: four about each of 25 new undergraduate students of Department0. */
function studentWrite(dictionary: MemoryDictionary): Uint32Array {
  const id = (term: RDF.Term) => dictionary.intern(termKey(term));
  const { namedNode, literal } = DataFactory;
  const department = namedNode('http://www.Department0.University0.edu');
  const packed: number[] = [];
  for (let i = 0; i < WRITE_STUDENTS; i++) {
    const student = namedNode(`http://www.Department0.University0.edu/NewStudent${i}`);
    const email = literal(`NewStudent${i}@Department0.University0.edu`);
    const triples: [RDF.Term, RDF.Term, RDF.Term][] = [
      [student, namedNode(RDF_TYPE), namedNode(`${UB}UndergraduateStudent`)],
      [student, namedNode(`${UB}name`), literal(`NewStudent${i}`)],
      [student, namedNode(`${UB}emailAddress`), email],
      [student, namedNode(`${UB}memberOf`), department],
    ];
    for (const [s, p, o] of triples) packed.push(id(s), id(p), id(o), 0);
  }
  return Uint32Array.from(packed);
}

/**
 * Times validation on write. Each run inserts the 100 triples of studentWrite, then finds and
 * validates the affected focus nodes. It then deletes the triples and does the same again.
 * Only the validation is timed, not the store writes.
 */
function measureWrite(
  program: ShapesProgram,
  data: { dictionary: MemoryDictionary; quads: QuadStore },
  runs: number,
): WriteTiming {
  const delta = studentWrite(data.dictionary);
  const none = new Uint32Array(0);
  const addTimes: number[] = [];
  const deleteTimes: number[] = [];
  let focusNodes = 0;

  const validateWrite = (change: { adds: Uint32Array; deletes: Uint32Array }): number => {
    const start = performance.now();
    const affected = affectedFocusNodes(program, data, change);
    if (affected.all) throw new Error('The benchmark write unexpectedly affects every focus node');
    validateFocusNodes(program, data, affected.nodes);
    focusNodes = affected.nodes.length;
    return performance.now() - start;
  };

  // Run 0 is the warm-up.
  for (let run = 0; run <= runs; run++) {
    data.quads.addMany(delta);
    const addMs = validateWrite({ adds: delta, deletes: none });
    data.quads.deleteMany(delta);
    const deleteMs = validateWrite({ adds: none, deletes: delta });
    if (run === 0) continue;
    addTimes.push(addMs);
    deleteTimes.push(deleteMs);
  }
  return { addMs: median(addTimes), deleteMs: median(deleteTimes), focusNodes };
}

const USAGE =
  'Usage: node --import tsx bench/shacl.ts [--data lubm1|lubm8] [--runs N] [--no-peers]';

function parseArguments(argv: string[]): ShaclBenchOptions {
  const options: ShaclBenchOptions = { data: 'lubm1', runs: 5 };
  const rest = [...argv];
  while (rest.length > 0) {
    const flag = rest.shift();
    if (flag === '--no-peers') {
      options.peers = false;
      continue;
    }
    const value = rest.shift();
    if (flag === '--data' && (value === 'lubm1' || value === 'lubm8')) {
      options.data = value;
    } else if (flag === '--runs' && Number.isInteger(Number(value)) && Number(value) > 0) {
      options.runs = Number(value);
    } else {
      throw new Error(`Invalid argument ${flag} ${value ?? ''}. ${USAGE}`);
    }
  }
  return options;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runShaclBench(parseArguments(process.argv.slice(2))));
}
