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

/** The load section's description, above its table. */
export const LOAD_SECTION_TEXT =
  'From the decompressed N-Triples document in memory, one fresh Node.js process per store ' +
  'and run (`bench/load-child.ts`), so each figure includes the JIT warm-up of a first load. ' +
  "For 7T this is the load path of `seven-tick load` on the document's UTF-8 bytes: the " +
  'byte-level N-Triples parser fed 64 KiB chunks, interning into the term dictionary, and the ' +
  'bulk insert into the in-memory indexes, without the file reading, decompression and SQLite ' +
  'commit that `seven-tick load` adds. Oxigraph and N3.js read the same document as a ' +
  'string. Triples per CPU second divide by the user plus system CPU time of the load ' +
  '(all threads of the process), which other processes on the machine disturb less than ' +
  'wall-clock time. RSS bytes per triple is the growth of the resident set from before ' +
  'reading the document to after the load, both after a full garbage collection, less the ' +
  'growth of a process that only reads the document (as bytes and as a string, like every ' +
  'child). The RSS figures are approximate.';

export interface LoadResult {
  triples: number;
  rate: Record<StoreName, Sample>;
  /** Triples per second of CPU time. */
  cpuRate: Record<StoreName, Sample>;
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
  const cpuRates: Record<StoreName, number[]> = { 'seven-tick': [], oxigraph: [], n3: [] };
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
      cpuRates[store].push(measured.triples / (measured.cpuMilliseconds / 1000));
      growth[store].push(measured.rssAfter - measured.rssBefore);
      console.log(
        `  load run ${run + 1}/${runs} ${store}: ${formatNumber(measured.milliseconds)} ms ` +
          `(${formatNumber(measured.cpuMilliseconds)} ms CPU), ` +
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
    cpuRate: mapStores((store) => summarize(cpuRates[store])),
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
    ['triples per CPU second (higher is better)', result.cpuRate, true],
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
    // The chart shows the wall-clock rate and memory; the CPU rate is only in the table.
    if (values === result.cpuRate) continue;
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
