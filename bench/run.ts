/**
 * `npm run bench`: load, lookups, the 14 LUBM queries and HTTP throughput of the 7T Engine,
 * measured in the same run as Oxigraph (npm `oxigraph`, its WebAssembly build), N3.js's
 * N3.Store and Comunica over N3.Store, on the LUBM data next to the checkout. Writes
 * docs/BENCHMARKS.md and docs/bench-ratios.svg. SHACL and reasoning sections run when
 * bench/shacl.ts and bench/reasoning.ts exist.
 *
 * Usage: npm run bench -- [--data lubm1|lubm8] [--runs N] [--skip-http]
 *          [--only load,lookups,queries,closure,http,shacl,reasoning] [--comunica-cap-ms N]
 *          [--http-seconds N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import prettier from 'prettier';
import { renderRatioChart } from './chart.js';
import { measureHttp } from './http.js';
import { httpTable } from './http-table.js';
import { LOAD_SECTION_TEXT, measureLoad, loadTable } from './load.js';
import { measureOpenMemory, OPEN_MEMORY_TEXT, openMemoryTable } from './open-memory.js';
import { isFullRun, parseOptions, type Options } from './options.js';
import { measureQueries, queryTable, writeClosure } from './queries.js';
import { formatNumber } from './stats.js';
import { renderReport, watchLoad, type Figure, type Section } from './report.js';
import { ROOT } from './stores.js';

/** Heap limit and time limit of an optional section's child process. */
const SECTION_HEAP_MB = 12_000;
const SECTION_TIMEOUT_MS = 3_600_000;

/**
 * Runs a section module in a child process (section-child.ts), which imports it dynamically.
 * The child's output before its result line is echoed. Returns undefined when the module's
 * file does not exist.
 */
function runChildSection(
  file: string,
  exportName: string,
  options: Options,
): SectionOutput | undefined {
  if (!existsSync(path.join(ROOT, 'bench', file))) return undefined;
  const child = spawnSync(
    process.execPath,
    [
      `--max-old-space-size=${SECTION_HEAP_MB}`,
      '--import',
      'tsx',
      path.join(ROOT, 'bench', 'section-child.ts'),
      file,
      exportName,
      options.data,
      String(options.runs),
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: SECTION_TIMEOUT_MS,
      maxBuffer: 1 << 26,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  if (child.status !== 0) {
    const reason = child.error?.message ?? `exit status ${child.status}, signal ${child.signal}`;
    throw new Error(`bench/${file} failed in its child process (${reason})`);
  }
  const lines = child.stdout.trim().split('\n');
  const result = JSON.parse(lines.pop() ?? '') as string | SectionOutput;
  const echoed = lines.join('\n').trim();
  if (echoed !== '') console.log(echoed);
  return typeof result === 'string' ? { body: result } : result;
}

interface SectionOutput {
  body: string;
  figures?: Figure[];
}

/**
 * Runs one section and adds its output to the report. A section that throws becomes a short
 * "failed" note instead, so one broken section (a server that does not start, a helper's
 * module mid-edit) does not lose the figures of the others.
 */
async function runSection(
  title: string,
  sections: Section[],
  figures: Figure[],
  work: () => Promise<SectionOutput | undefined>,
): Promise<void> {
  console.log(title);
  try {
    const output = await work();
    if (output === undefined) return;
    sections.push({ title, body: output.body });
    figures.push(...(output.figures ?? []));
  } catch (error) {
    console.error(`${title} failed:`, error);
    const message = error instanceof Error ? error.message : String(error);
    sections.push({ title, body: `This section failed, so it has no figures: ${message}` });
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const load = watchLoad();
  const sections: Section[] = [];
  const figures: Figure[] = [];
  const wants = (name: string) => options.only.has(name);
  const section = (title: string, work: () => Promise<SectionOutput | undefined>) =>
    runSection(title, sections, figures, work);
  console.log(
    `Data ${options.data}, ${options.runs} runs, sections: ${[...options.only].join(', ')}`,
  );

  if (wants('load')) {
    await section('Load', async () => {
      const table = loadTable(measureLoad(options.data, options.runs));
      const openMemory = openMemoryTable(await measureOpenMemory(options.data, options.runs));
      const body =
        `${LOAD_SECTION_TEXT}\n\n${table.markdown}\n\n### Memory after open\n\n` +
        `${OPEN_MEMORY_TEXT}\n\n${openMemory}`;
      return { body, figures: table.figures };
    });
  }

  if (wants('http')) {
    await section('HTTP', async () => {
      const results = await measureHttp(options.data, options.runs, options.httpSeconds);
      return { body: httpTable(results) };
    });
  }

  if (wants('queries')) {
    await section('LUBM queries', async () => {
      const cap = options.comunicaCapMs;
      const table = queryTable(measureQueries(options.data, options.runs, cap));
      const body =
        'The 14 LUBM queries without inference, every result row consumed and decoded to ' +
        'RDF/JS terms, each engine in a fresh process that holds only its own store ' +
        '(`bench/query-child.ts`). A timed run of 7T or Oxigraph repeats a fast query until ' +
        'the run lasts about 100 ms, and the figure is the time per execution. 7T caches ' +
        'parsed queries by their text from their second parse on, so the 7T column and its ' +
        'ratios send a new text (the query plus a distinct comment) every execution, which ' +
        'parses every time as the peers do. The cached-parse column sends the same text ' +
        'every time. All 14 queries have the shape that 7T reads with its own parser ' +
        '(`src/sparql/simple-select.ts`: prefixes, SELECT, triple patterns, VALUES, LIMIT and ' +
        'OFFSET); other queries go through sparqljs, which takes several times longer to ' +
        'parse. Comunica ' +
        '(`@comunica/query-sparql-rdfjs`) runs over an ' +
        `N3.Store, at most 3 times per query, and each execution is stopped after ${cap} ms. ` +
        'The row counts of all engines are checked against each other.\n\n' +
        table.markdown;
      return { body, figures: table.figures };
    });
  }

  if (wants('closure')) {
    await section('LUBM queries over the OWL 2 RL closure', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'seven-tick-closure-'));
      try {
        const file = path.join(dir, `${options.data}-closure.nt`);
        const closure = writeClosure(options.data, file);
        const table = queryTable(
          measureQueries(options.data, options.runs, options.comunicaCapMs, file),
        );
        const body =
          `The same 14 queries over the OWL 2 RL closure of the data and \`univ-bench.ttl\`: ` +
          `${formatNumber(closure.asserted)} asserted and ${formatNumber(closure.inferred)} ` +
          `inferred triples, which 7T's reasoner materialised in ` +
          `${formatNumber(closure.materialiseMs)} ms (\`bench/closure-child.ts\`). The closure is ` +
          'written as N-Triples, and each engine loads that file in its own process, so all ' +
          'answer from the same triples, and the queries now return rows. The runs are timed ' +
          'as in the table above. Comunica does not run here: over the closure most of its ' +
          'executions would pass the cap.' +
          (options.data === 'lubm1'
            ? ' The row counts are also checked against the published LUBM(1) answers.'
            : '') +
          `\n\n${table.markdown}`;
        return { body, figures: table.figures };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  for (const [name, title, file, exportName] of [
    ['lookups', 'Lookups', 'lookups.ts', 'runLookupsSection'],
    ['shacl', 'SHACL validation', 'shacl.ts', 'runShaclBench'],
    ['reasoning', 'Reasoning', 'reasoning.ts', 'runReasoningBench'],
  ] as const) {
    if (!wants(name)) continue;
    await section(title, async () => {
      const output = runChildSection(file, exportName, options);
      if (output === undefined) console.log(`Skipping ${name}: bench/${file} does not exist`);
      return output;
    });
  }

  const report = renderReport({
    data: options.data,
    runs: options.runs,
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    sections,
    startedAt,
    loadAverages: load.stop(),
    finalLoad15: loadavg()[2],
  });
  // A partial run must not replace the full report, so it goes to bench/reports/ instead.
  const full = isFullRun(options);
  const folder = full ? path.join(ROOT, 'docs') : path.join(ROOT, 'bench', 'reports');
  const date = startedAt.toISOString().slice(0, 10);
  const stem = full ? 'BENCHMARKS' : `${date}-${options.data}-partial`;
  const chartFile = full ? 'bench-ratios.svg' : `${stem}.svg`;
  mkdirSync(folder, { recursive: true });
  const title = `7T/peer ratios, ${options.data}, log scale`;
  // `npm run lint` checks docs/ with Prettier, so the report is written already formatted.
  const reportFile = path.join(folder, `${stem}.md`);
  const prettierOptions = (await prettier.resolveConfig(reportFile)) ?? {};
  const markdown = await prettier.format(report.replaceAll('bench-ratios.svg', chartFile), {
    ...prettierOptions,
    parser: 'markdown',
  });
  writeFileSync(reportFile, markdown);
  writeFileSync(path.join(folder, chartFile), renderRatioChart(figures, title));
  console.log(report);
  console.log(`Wrote ${path.relative(ROOT, path.join(folder, stem))}.md and ${chartFile}`);
}

await main();
