/**
 * Runs one report section (bench/lookups.ts, shacl.ts or reasoning.ts) in its own process, so
 * its heap (several GiB on LUBM(8)), its JIT state and any crash stay out of the main bench
 * process. Prints the section's markdown as one JSON string, or its markdown and chart figures
 * as one JSON object, on the last line of stdout.
 *
 *   node --import tsx bench/section-child.ts FILE EXPORT lubm1|lubm8 RUNS
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Figure } from './report.js';
import { ROOT, type DataName } from './stores.js';

type SectionRunner = (options: {
  data: DataName;
  runs: number;
}) => Promise<string | { body: string; figures?: Figure[] }>;

async function main(): Promise<void> {
  const [file, exportName, data, runs] = process.argv.slice(2);
  if (!file || !exportName || (data !== 'lubm1' && data !== 'lubm8') || !(Number(runs) >= 1)) {
    throw new Error('Usage: section-child.ts FILE EXPORT lubm1|lubm8 RUNS');
  }
  const url = pathToFileURL(path.join(ROOT, 'bench', file)).href;
  const module = (await import(url)) as Record<string, unknown>;
  const runner = module[exportName];
  if (typeof runner !== 'function') {
    throw new Error(`bench/${file} does not export a function ${exportName}`);
  }
  const output = await (runner as SectionRunner)({ data, runs: Number(runs) });
  process.stdout.write(`\n${JSON.stringify(output)}\n`);
}

await main();
