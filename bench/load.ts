/**
 * Load section: triples/s and RSS bytes per triple of each store, every run in a fresh child
 * process (load-child.ts). Runs go round-robin over the stores so that a busy spell on the
 * machine hits all of them alike.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { LoadMeasurement } from './load-child.js';
import {
  formatNumber,
  formatRatio,
  formatSample,
  speedup,
  summarize,
  type Sample,
} from './stats.js';
import { ROOT, type DataName, type StoreName } from './stores.js';
import type { Figure } from './report.js';

const STORES: readonly StoreName[] = ['seven-tick', 'oxigraph', 'n3'];
/** A child that has not finished loading LUBM(8) in this time is reported as failed. */
const CHILD_TIMEOUT_MS = 600_000;

export interface LoadResult {
  triples: number;
  rate: Record<StoreName, Sample>;
  bytesPerTriple: Record<StoreName, Sample>;
  /** RSS growth of a child that reads the text and loads nothing, in bytes. */
  controlBytes: Sample;
}

function runChild(store: StoreName | 'none', data: DataName): LoadMeasurement {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', path.join(ROOT, 'bench', 'load-child.ts'), store, data],
    { cwd: ROOT, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS, maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) {
    throw new Error(`Load child for ${store} failed (status ${child.status}): ${child.stderr}`);
  }
  const line = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as LoadMeasurement;
}

export function measureLoad(data: DataName, runs: number): LoadResult {
  const rates: Record<StoreName, number[]> = { 'seven-tick': [], oxigraph: [], n3: [] };
  const growth: Record<StoreName, number[]> = { 'seven-tick': [], oxigraph: [], n3: [] };
  const control: number[] = [];
  let triples = 0;
  for (let run = 0; run < runs; run++) {
    const empty = runChild('none', data);
    control.push(empty.rssAfter - empty.rssBefore);
    for (const store of STORES) {
      const measured = runChild(store, data);
      triples = measured.triples;
      rates[store].push(measured.triples / (measured.milliseconds / 1000));
      growth[store].push(measured.rssAfter - measured.rssBefore);
      console.log(
        `  load run ${run + 1}/${runs} ${store}: ${formatNumber(measured.milliseconds)} ms, ` +
          `${formatNumber((measured.rssAfter - measured.rssBefore) / 2 ** 20)} MiB RSS growth`,
      );
    }
  }
  // Every child keeps the text in memory, so the median growth of the text-only child is
  // subtracted.
  const controlBytes = summarize(control);
  const perTriple = (bytes: number) => (bytes - controlBytes.median) / triples;
  return {
    triples,
    rate: mapStores((store) => summarize(rates[store])),
    bytesPerTriple: mapStores((store) => summarize(growth[store].map(perTriple))),
    controlBytes,
  };
}

function scale(sample: Sample, factor: number): Sample {
  return {
    ...sample,
    median: sample.median * factor,
    min: sample.min * factor,
    max: sample.max * factor,
  };
}

function mapStores<T>(make: (store: StoreName) => T): Record<StoreName, T> {
  return { 'seven-tick': make('seven-tick'), oxigraph: make('oxigraph'), n3: make('n3') };
}

/** Renders the load table and returns the ratio figures for the chart. */
export function loadTable(result: LoadResult): { markdown: string; figures: Figure[] } {
  const rows = [
    ['triples/s (higher is better)', result.rate, true],
    ['RSS bytes per triple (lower is better)', result.bytesPerTriple, false],
  ] as const;
  const lines = [
    '| measure | 7T | Oxigraph | 7T/Oxigraph | N3.Store | 7T/N3.Store |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const figures: Figure[] = [];
  for (const [label, values, higher] of rows) {
    const ours = values['seven-tick'].median;
    const versusOxigraph = speedup(ours, values.oxigraph.median, higher);
    const versusN3 = speedup(ours, values.n3.median, higher);
    lines.push(
      `| ${label} | ${formatSample(values['seven-tick'])} | ${formatSample(values.oxigraph)} | ` +
        `${formatRatio(versusOxigraph)} | ${formatSample(values.n3)} | ${formatRatio(versusN3)} |`,
    );
    const name = higher ? 'load triples/s' : 'load RSS/triple';
    figures.push({ name, peer: 'Oxigraph', ratio: versusOxigraph });
    figures.push({ name, peer: 'N3.Store', ratio: versusN3 });
  }
  lines.push(
    '',
    `${result.triples.toLocaleString('en')} triples. The RSS growth of a child that reads the ` +
      `text and loads nothing, ${formatSample(scale(result.controlBytes, 1 / 2 ** 20))} MiB ` +
      "(median, min–max), is subtracted from each store's growth before dividing by the triples.",
  );
  return { markdown: lines.join('\n'), figures };
}
