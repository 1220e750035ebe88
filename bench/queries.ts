/**
 * LUBM section: the 14 LUBM queries without inference, every result row consumed, in 7T,
 * Oxigraph and Comunica over N3.Store, each engine in its own process. Comunica gets a time
 * cap per execution, and a query that passes it is reported as "> cap".
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
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
}

/** A child that has not finished all 14 queries in this time is reported as failed. */
const CHILD_TIMEOUT_MS = 1_800_000;

function runChild(engine: QueryEngineName, data: DataName, runs: number, capMs: number) {
  const script = path.join(ROOT, 'bench', 'query-child.ts');
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', script, engine, data, String(runs), String(capMs)],
    { cwd: ROOT, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 24 },
  );
  if (child.status !== 0) {
    throw new Error(`Query child for ${engine} failed (status ${child.status}): ${child.stderr}`);
  }
  const line = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as EngineQueryResult;
}

function expectedCounts(data: DataName): Record<string, number> {
  if (data !== 'lubm1') return {};
  const file = path.join(LUBM_DIR, 'expected.json');
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
    without_inference: Record<string, number>;
  };
  return parsed.without_inference;
}

/** Runs each engine in its own child process (query-child.ts) and joins the results by query. */
export function measureQueries(data: DataName, runs: number, capMs: number): QueryResults {
  const expected = expectedCounts(data);
  const seven = runChild('seven-tick-new-text', data, runs, capMs);
  const cached = runChild('seven-tick', data, runs, capMs);
  const oxigraph = runChild('oxigraph', data, runs, capMs);
  const comunica = runChild('comunica', data, runs, capMs);
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
        `${formatSample(theirs.sample)} ms, Comunica ` +
        `${slow.sample ? formatSample(slow.sample) : '> cap'} ms`,
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
  return { rows, capMs };
}

/** Renders the LUBM table with a total row, and returns the ratio figures for the chart. */
export function queryTable(results: QueryResults): { markdown: string; figures: Figure[] } {
  const cap = `> ${formatNumber(results.capMs)}`;
  const lines = [
    '| query | rows | 7T ms | Oxigraph ms | 7T/Oxigraph | Comunica ms | 7T/Comunica | ' +
      '7T ms, cached parse | 7T cached/Oxigraph |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const figures: Figure[] = [];
  const totals = { parsed: 0, cached: 0, oxigraph: 0, comunica: 0 };
  let comunicaCapped = false;

  for (const row of results.rows) {
    const ours = row.sevenParsed.median;
    const versusOxigraph = speedup(ours, row.oxigraph.median, false);
    const cachedVersusOxigraph = speedup(row.sevenCached.median, row.oxigraph.median, false);
    const versusComunica = row.comunica && speedup(ours, row.comunica.median, false);
    totals.parsed += ours;
    totals.cached += row.sevenCached.median;
    totals.oxigraph += row.oxigraph.median;
    if (row.comunica) totals.comunica += row.comunica.median;
    else {
      totals.comunica += results.capMs;
      comunicaCapped = true;
    }

    const comunica = row.comunica ? formatSample(row.comunica) : cap;
    // Against a capped run the ratio is only a lower bound.
    const comunicaRatio = row.comunica
      ? formatRatio(versusComunica)
      : `> ${formatRatio(speedup(ours, results.capMs, false))}`;
    lines.push(
      `| ${row.name} | ${row.rows.seven} | ${formatSample(row.sevenParsed)} | ` +
        `${formatSample(row.oxigraph)} | ${formatRatio(versusOxigraph)} | ${comunica} | ` +
        `${comunicaRatio} | ${formatSample(row.sevenCached)} | ` +
        `${formatRatio(cachedVersusOxigraph)} |`,
    );
    figures.push({ name: row.name, peer: 'Oxigraph', ratio: versusOxigraph });
    if (versusComunica !== undefined) {
      figures.push({ name: row.name, peer: 'Comunica', ratio: versusComunica });
    }
  }

  const totalRatio = speedup(totals.parsed, totals.oxigraph, false);
  const cachedTotalRatio = speedup(totals.cached, totals.oxigraph, false);
  const comunicaTotalRatio = speedup(totals.parsed, totals.comunica, false);
  const lowerBound = comunicaCapped ? '> ' : '';
  lines.push(
    `| **total of medians** | | ${formatNumber(totals.parsed)} | ` +
      `${formatNumber(totals.oxigraph)} | ${formatRatio(totalRatio)} | ` +
      `${lowerBound}${formatNumber(totals.comunica)} | ` +
      `${lowerBound}${formatRatio(comunicaTotalRatio)} | ${formatNumber(totals.cached)} | ` +
      `${formatRatio(cachedTotalRatio)} |`,
  );
  figures.push({ name: 'LUBM total', peer: 'Oxigraph', ratio: totalRatio });
  if (!comunicaCapped) {
    figures.push({ name: 'LUBM total', peer: 'Comunica', ratio: comunicaTotalRatio });
  }
  return { markdown: lines.join('\n'), figures };
}
