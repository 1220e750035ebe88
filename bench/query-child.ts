/**
 * Runs the 14 LUBM queries in one engine, in a fresh process that holds only that engine's
 * store. A store of a million JavaScript objects (N3.Store) slows every collection of the heap
 * it lives in, so the engines must not share one. Prints one JSON line of EngineQueryResult.
 *
 *   node --import tsx bench/query-child.ts seven-tick|oxigraph|comunica lubm1|lubm8 RUNS CAP_MS [FILE]
 *
 * With FILE (an uncompressed N-Triples file, such as the closure bench/closure-child.ts writes),
 * the engine loads that file instead of the LUBM data.
 *
 * A timed run of 7T or Oxigraph repeats a fast query until it lasts about 100 ms and reports the
 * mean per execution. Comunica runs over an N3.Store, one execution per run, at most 3 runs per
 * query after one warm-up. An execution that passes CAP_MS is stopped, and the query is then
 * reported without a sample.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { QueryEngine } from '@comunica/query-sparql-rdfjs';
import type { Store as N3Store } from 'n3';
import { executeQuery } from '../src/sparql/index.js';
import { timeRuns, type Sample } from './stats.js';
import {
  LUBM_DIR,
  loadN3,
  loadOxigraph,
  loadSevenTick,
  readNTriples,
  type DataName,
} from './stores.js';

/**
 * 7T runs twice: "seven-tick" sends the same text every time, so from the third execution on
 * its cache of parsed queries skips parsing (a text is kept from its second parse on). "seven-tick-new-text" appends a distinct comment
 * to every execution, so every execution parses, as Oxigraph and Comunica do.
 */
export type QueryEngineName = 'seven-tick' | 'seven-tick-new-text' | 'oxigraph' | 'comunica';

const ENGINES: readonly QueryEngineName[] = [
  'seven-tick',
  'seven-tick-new-text',
  'oxigraph',
  'comunica',
];

/** Comunica runs at most this many timed executions per query, because it is slow. */
export const MAX_COMUNICA_RUNS = 3;
/** Target length of one timed run of a fast query, and the cap on executions per run. */
const RUN_TARGET_MS = 100;
const MAX_REPEATS = 1000;

export interface EngineQueryResult {
  engine: QueryEngineName;
  queries: {
    name: string;
    /** Result rows; undefined when the execution was stopped at the cap. */
    rows?: number;
    /** Milliseconds; undefined when an execution passed the cap. */
    sample?: Sample;
  }[];
}

class CapExceeded extends Error {}

/** Runs one query in Comunica and counts its rows; rejects with CapExceeded after `capMs`. */
async function countComunicaRows(
  engine: QueryEngine,
  store: N3Store,
  query: string,
  capMs: number,
): Promise<number> {
  const stream = await engine.queryBindings(query, { sources: [store] });
  return new Promise<number>((resolve, reject) => {
    let count = 0;
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new CapExceeded(`Comunica passed the ${capMs} ms cap`));
    }, capMs);
    stream.on('data', () => count++);
    stream.on('error', (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
    stream.on('end', () => {
      clearTimeout(timer);
      resolve(count);
    });
  });
}

/** Returns a function that runs a query to the end and returns its row count. */
async function prepareEngine(
  engine: QueryEngineName,
  data: DataName,
  capMs: number,
  file: string | undefined,
): Promise<(query: string) => Promise<number>> {
  const text = file === undefined ? readNTriples(data) : readFileSync(file, 'utf8');
  if (engine === 'seven-tick' || engine === 'seven-tick-new-text') {
    const { dictionary, store } = await loadSevenTick(text);
    let executions = 0;
    return async (query) => {
      executions++;
      const sent = engine === 'seven-tick' ? query : `${query}\n# execution ${executions}\n`;
      const result = await executeQuery({ dictionary, quads: store }, sent, {
        maxRows: 1e9,
        timeoutMs: 600_000,
      });
      if (result.type !== 'bindings') throw new Error('Expected a SELECT query');
      let rows = 0;
      for await (const _row of result.rows) rows++;
      return rows;
    };
  }
  if (engine === 'oxigraph') {
    const store = loadOxigraph(text);
    return async (query) => (store.query(query) as unknown[]).length;
  }
  const store = loadN3(text);
  const comunica = new QueryEngine();
  return (query) => countComunicaRows(comunica, store, query, capMs);
}

/**
 * Returns how many executions make one timed run last about RUN_TARGET_MS, so that a query of
 * a tenth of a millisecond is not timed by a single execution. The calibration runs warm up
 * the JIT as well.
 */
async function calibrate(execute: () => Promise<unknown>): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await execute();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return Math.max(1, Math.min(MAX_REPEATS, Math.ceil(RUN_TARGET_MS / Math.max(fastest, 0.001))));
}

function scale(sample: Sample, factor: number): Sample {
  const { median, min, max, count } = sample;
  return { median: median * factor, min: min * factor, max: max * factor, count };
}

async function main(): Promise<void> {
  const [engine, data, runsText, capText, file] = process.argv.slice(2) as [
    QueryEngineName,
    DataName,
    string,
    string,
    string | undefined,
  ];
  if (!ENGINES.includes(engine)) {
    throw new Error(`Unknown engine ${engine}; use ${ENGINES.join(', ')}`);
  }
  const capMs = Number(capText);
  const runs =
    engine === 'comunica' ? Math.min(Number(runsText), MAX_COMUNICA_RUNS) : Number(runsText);
  const execute = await prepareEngine(engine, data, capMs, file);

  const result: EngineQueryResult = { engine, queries: [] };
  const folder = path.join(LUBM_DIR, 'queries');
  const files = readdirSync(folder).filter((file) => file.endsWith('.rq'));
  for (const file of files.sort()) {
    const name = path.basename(file, '.rq');
    const query = readFileSync(path.join(folder, file), 'utf8');
    let rows: number | undefined;
    try {
      const repeats = engine === 'comunica' ? 1 : await calibrate(() => execute(query));
      const total = await timeRuns(runs, async () => {
        for (let i = 0; i < repeats; i++) rows = await execute(query);
      });
      result.queries.push({ name, rows, sample: scale(total, 1 / repeats) });
    } catch (error) {
      if (!(error instanceof CapExceeded)) throw error;
      result.queries.push({ name });
    }
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // A stream stopped at the cap can leave Comunica timers behind that keep the process alive.
  // Writes to a pipe are synchronous on Linux, so the line is out before the exit.
  process.exit(0);
}

await main();
