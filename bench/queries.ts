/**
 * LUBM section: the 14 LUBM queries without inference, every result row consumed, in 7T,
 * Oxigraph and Comunica over N3.Store, each engine in its own process. Comunica gets a time
 * cap per execution, and a query that passes it is reported as "> cap".
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClosureFile } from './closure-child.js';
import type { EngineQueryResult, QueryEngineName } from './query-child.js';
import type { Figure } from './report.js';
import { formatNumber, formatRatio, formatSample, speedup, type Sample } from './stats.js';
import { LUBM_DIR, ROOT, type DataName } from './stores.js';

export interface QueryRow {
  name: string;
  /** Result rows of 7T, Oxigraph and Comunica (undefined when Comunica was capped). */
  rows: { seven?: number; oxigraph?: number; comunica?: number };
  /** Expected row count from expected.json, for the data it describes (LUBM(1)). */
  expected?: number;
  /** 7T with a new query text every execution, so every execution parses. */
  sevenParsed: Sample;
  /** 7T with the same text every time, so its parsed-query cache skips parsing. */
  sevenCached: Sample;
  oxigraph: Sample;
  /** Undefined when Comunica passed the cap. */
  comunica?: Sample;
}

export interface QueryResults {
  rows: QueryRow[];
  capMs: number;
  /** False over the closure, where Comunica does not run. */
  withComunica: boolean;
}

/** A child that has not finished all 14 queries in this time is reported as failed. */
const CHILD_TIMEOUT_MS = 1_800_000;

function runChild(
  engine: QueryEngineName,
  data: DataName,
  runs: number,
  capMs: number,
  file: string | undefined,
) {
  const script = path.join(ROOT, 'bench', 'query-child.ts');
  const args = [script, engine, data, String(runs), String(capMs), ...(file ? [file] : [])];
  const child = spawnSync(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) {
    throw new Error(`Query child for ${engine} failed (status ${child.status}): ${child.stderr}`);
  }
  const line = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as EngineQueryResult;
}

function expectedCounts(data: DataName, closure: boolean): Record<string, number> {
  if (data !== 'lubm1') return {};
  const file = path.join(LUBM_DIR, 'expected.json');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
    without_inference: Record<string, number>;
    with_owl2_rl_inference: Record<string, number>;
  };
  return closure ? parsed.with_owl2_rl_inference : parsed.without_inference;
}

/**
 * Materialises the OWL 2 RL closure of the data in a child process (closure-child.ts) and
 * writes it to `file` as N-Triples.
 */
export function writeClosure(data: DataName, file: string): ClosureFile {
  const script = path.join(ROOT, 'bench', 'closure-child.ts');
  const child = spawnSync(
    process.execPath,
    ['--max-old-space-size=8000', '--import', 'tsx', script, data, file],
    { cwd: ROOT, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 24 },
  );
  if (child.status !== 0) {
    throw new Error(`The closure child failed (status ${child.status}): ${child.stderr}`);
  }
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as ClosureFile;
}

/** Returns the result of an engine that does not run: its query names without samples. */
function notRun(engine: QueryEngineName, like: EngineQueryResult): EngineQueryResult {
  return { engine, queries: like.queries.map(({ name }) => ({ name })) };
}

/**
 * Runs each engine in its own child process (query-child.ts) and joins the results by query.
 * With `closureFile` every engine loads that N-Triples file instead of the data, and Comunica
 * does not run: over the closure most of its executions would pass the cap.
 */
export function measureQueries(
  data: DataName,
  runs: number,
  capMs: number,
  closureFile?: string,
): QueryResults {
  const withComunica = closureFile === undefined;
  const expected = expectedCounts(data, !withComunica);
  const seven = runChild('seven-tick-new-text', data, runs, capMs, closureFile);
  const cached = runChild('seven-tick', data, runs, capMs, closureFile);
  const oxigraph = runChild('oxigraph', data, runs, capMs, closureFile);
  const comunica = withComunica
    ? runChild('comunica', data, runs, capMs, closureFile)
    : notRun('comunica', seven);
  const rows: QueryRow[] = seven.queries.map((ours, i) => {
    const theirs = oxigraph.queries[i];
    const slow = comunica.queries[i];
    const again = cached.queries[i];
    const sameQuery = [theirs, slow, again].every((other) => other?.name === ours.name);
    if (!sameQuery || !ours.sample || !theirs.sample || !again.sample) {
      throw new Error(`Query children disagree on the queries or failed at ${ours.name}`);
    }
    const counts = [ours.rows, theirs.rows, slow.rows, expected[ours.name]];
    if (new Set(counts.filter((count) => count !== undefined)).size > 1) {
      console.warn(
        `  ${ours.name}: row counts differ (7T, Oxigraph, Comunica, expected): ${counts}`,
      );
    }
    console.log(
      `  ${ours.name}: ${ours.rows} rows; 7T ${formatSample(ours.sample)} ms ` +
        `(cached parse ${formatSample(again.sample)} ms), Oxigraph ` +
        `${formatSample(theirs.sample)} ms` +
        (withComunica ? `, Comunica ${slow.sample ? formatSample(slow.sample) : '> cap'} ms` : ''),
    );
    return {
      name: ours.name,
      rows: { seven: ours.rows, oxigraph: theirs.rows, comunica: slow.rows },
      expected: expected[ours.name],
      sevenParsed: ours.sample,
      sevenCached: again.sample,
      oxigraph: theirs.sample,
      comunica: slow.sample,
    };
  });
  return { rows, capMs, withComunica };
}

/**
 * Renders the LUBM table with a total row, and returns the ratio figures for the chart. Over the
 * closure the table has no Comunica columns, and only its total goes into the chart.
 */
export function queryTable(results: QueryResults): { markdown: string; figures: Figure[] } {
  const { withComunica } = results;
  const cap = `> ${formatNumber(results.capMs)}`;
  const header = ['query', 'rows', '7T ms', 'Oxigraph ms', '7T/Oxigraph'];
  if (withComunica) header.push('Comunica ms', '7T/Comunica');
  header.push('7T ms, cached parse', '7T cached/Oxigraph');
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const lines = [row(header), row(header.map((_, i) => (i === 0 ? '---' : '---:')))];
  const figures: Figure[] = [];
  const totals = { parsed: 0, cached: 0, oxigraph: 0, comunica: 0 };
  let comunicaCapped = false;

  for (const query of results.rows) {
    const ours = query.sevenParsed.median;
    const versusOxigraph = speedup(ours, query.oxigraph.median, false);
    const cachedVersusOxigraph = speedup(query.sevenCached.median, query.oxigraph.median, false);
    totals.parsed += ours;
    totals.cached += query.sevenCached.median;
    totals.oxigraph += query.oxigraph.median;
    const cells = [
      query.name,
      String(query.rows.seven),
      formatSample(query.sevenParsed),
      formatSample(query.oxigraph),
      formatRatio(versusOxigraph),
    ];
    if (withComunica) {
      const versusComunica = query.comunica && speedup(ours, query.comunica.median, false);
      if (query.comunica) totals.comunica += query.comunica.median;
      else {
        totals.comunica += results.capMs;
        comunicaCapped = true;
      }
      // Against a capped run the ratio is only a lower bound.
      cells.push(
        query.comunica ? formatSample(query.comunica) : cap,
        query.comunica
          ? formatRatio(versusComunica)
          : `> ${formatRatio(speedup(ours, results.capMs, false))}`,
      );
      figures.push({ name: query.name, peer: 'Oxigraph', ratio: versusOxigraph });
      if (versusComunica !== undefined) {
        figures.push({ name: query.name, peer: 'Comunica', ratio: versusComunica });
      }
    }
    cells.push(formatSample(query.sevenCached), formatRatio(cachedVersusOxigraph));
    lines.push(row(cells));
  }

  const totalRatio = speedup(totals.parsed, totals.oxigraph, false);
  const cachedTotalRatio = speedup(totals.cached, totals.oxigraph, false);
  const totalCells = [
    '**total of medians**',
    '',
    formatNumber(totals.parsed),
    formatNumber(totals.oxigraph),
    formatRatio(totalRatio),
  ];
  const comunicaTotalRatio = speedup(totals.parsed, totals.comunica, false);
  if (withComunica) {
    const lowerBound = comunicaCapped ? '> ' : '';
    totalCells.push(
      `${lowerBound}${formatNumber(totals.comunica)}`,
      `${lowerBound}${formatRatio(comunicaTotalRatio)}`,
    );
  }
  totalCells.push(formatNumber(totals.cached), formatRatio(cachedTotalRatio));
  lines.push(row(totalCells));
  const totalName = withComunica ? 'LUBM total' : 'LUBM total, OWL 2 RL closure';
  figures.push({ name: totalName, peer: 'Oxigraph', ratio: totalRatio });
  if (withComunica && !comunicaCapped) {
    figures.push({ name: totalName, peer: 'Comunica', ratio: comunicaTotalRatio });
  }
  return { markdown: lines.join('\n'), figures };
}
