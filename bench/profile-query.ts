/**
 * Profiles one LUBM query in 7T or in Oxigraph. It loads the data, runs the query 5 times
 * untimed, then records a V8 CPU profile (through node:inspector, so loading is not in it)
 * while it runs the query for SECONDS (default 10) or at most 100,000 times. It prints the mean
 * milliseconds per execution and writes the profile to OUT (default QUERY-ENGINE.cpuprofile in
 * the working directory); bench/profile-summary.ts turns it into a table.
 *
 *   node --import tsx bench/profile-query.ts lubm1|lubm8 qNN [seven-tick|oxigraph] [SECONDS] [OUT]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { executeQuery } from '../src/sparql/index.js';
import { LUBM_DIR, loadOxigraph, loadSevenTick, readNTriples, type DataName } from './stores.js';

const MAX_EXECUTIONS = 100_000;
const WARM_UPS = 5;

async function main(): Promise<void> {
  const [data, name, engine = 'seven-tick', seconds = '10', out] = process.argv.slice(2);
  if ((data !== 'lubm1' && data !== 'lubm8') || !/^q\d\d$/.test(name ?? '')) {
    throw new Error(
      'Usage: profile-query.ts lubm1|lubm8 qNN [seven-tick|oxigraph] [SECONDS] [OUT]',
    );
  }
  const query = readFileSync(path.join(LUBM_DIR, 'queries', `${name}.rq`), 'utf8');
  const text = readNTriples(data as DataName);
  let execute: () => Promise<number>;
  if (engine === 'oxigraph') {
    const store = loadOxigraph(text);
    execute = async () => (store.query(query) as unknown[]).length;
  } else {
    const { dictionary, store } = await loadSevenTick(text);
    execute = async () => {
      const result = await executeQuery({ dictionary, quads: store }, query, { maxRows: 1e9 });
      if (result.type !== 'bindings') throw new Error(`${name} is not a SELECT query`);
      let rows = 0;
      for await (const _row of result.rows) rows++;
      return rows;
    };
  }
  for (let i = 0; i < WARM_UPS; i++) await execute();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const deadline = performance.now() + Number(seconds) * 1000;
  const started = performance.now();
  let executions = 0;
  let rows = 0;
  while (executions < MAX_EXECUTIONS && performance.now() < deadline) {
    rows = await execute();
    executions++;
  }
  const meanMs = (performance.now() - started) / executions;
  const { profile } = await session.post('Profiler.stop');
  const file = out ?? `${name}-${engine}.cpuprofile`;
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  console.log(
    `${engine} ${data} ${name}: ${rows} rows, ${executions} executions, ${meanMs.toFixed(3)} ms each; profile in ${file}`,
  );
}

await main();
