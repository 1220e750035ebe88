/**
 * Memory after open: the RSS that `seven-tick` adds by opening a data dir holding the bench
 * data, per triple. Loads the data into a fresh data dir once (Engine.loadFile, as
 * `seven-tick load` does), then opens it in fresh child processes (open-memory-child.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Engine, DEFAULT_DATASET } from '../src/storage/engine.js';
import type { OpenMemoryMeasurement } from './open-memory-child.js';
import { formatNumber, formatSample, summarize, type Sample } from './stats.js';
import { dataFile, ROOT, type DataName } from './stores.js';

/**
 * Idle time before the second reading. With Node.js 20 a full collection after 6 s idle gave
 * back V8's enlarged young generation in every run tried here, and one after 3 s did not.
 */
const IDLE_MS = 6_000;
const CHILD_TIMEOUT_MS = 300_000;

export interface OpenMemoryResult {
  triples: number;
  /** Bytes per triple right after opening and a full collection. */
  atOnce: Sample;
  /** Bytes per triple after IDLE_MS idle and a full collection. */
  idle: Sample;
  /** Absolute RSS of the process after the idle collection, in bytes. */
  rssIdle: Sample;
  heapUsedPerTriple: Sample;
  arrayBuffersPerTriple: Sample;
}

function runChild(dataDir: string): OpenMemoryMeasurement {
  const child = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      path.join(ROOT, 'bench', 'open-memory-child.ts'),
      dataDir,
      String(IDLE_MS),
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: CHILD_TIMEOUT_MS,
      maxBuffer: 1 << 20,
      // As `npm start`, the Dockerfile and the systemd unit run the server (docs/storage.md).
      env: { MALLOC_MMAP_THRESHOLD_: '1048576', ...process.env },
    },
  );
  if (child.status !== 0) {
    throw new Error(`Open-memory child failed (status ${child.status}): ${child.stderr}`);
  }
  const line = child.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as OpenMemoryMeasurement;
}

export async function measureOpenMemory(data: DataName, runs: number): Promise<OpenMemoryResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'seven-tick-open-memory-'));
  try {
    const engine = Engine.open(dataDir);
    try {
      await engine.loadFile(DEFAULT_DATASET, dataFile(data));
    } finally {
      engine.close();
    }
    const measurements: OpenMemoryMeasurement[] = [];
    for (let run = 0; run < runs; run++) {
      const measured = runChild(dataDir);
      measurements.push(measured);
      console.log(
        `  open run ${run + 1}/${runs}: RSS ${formatNumber(measured.rssIdle / 2 ** 20)} MiB ` +
          `after idling, ${formatNumber((measured.rssAtOnce - measured.rssBefore) / 2 ** 20)} ` +
          'MiB growth at once',
      );
    }
    const triples = measurements[0].triples;
    const perTriple = (pick: (m: OpenMemoryMeasurement) => number) =>
      summarize(measurements.map((m) => pick(m) / triples));
    return {
      triples,
      atOnce: perTriple((m) => m.rssAtOnce - m.rssBefore),
      idle: perTriple((m) => m.rssIdle - m.rssBefore),
      rssIdle: summarize(measurements.map((m) => m.rssIdle)),
      heapUsedPerTriple: perTriple((m) => m.heapUsedGrowth),
      arrayBuffersPerTriple: perTriple((m) => m.arrayBuffersGrowth),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The memory-after-open subsection's description, above its table. */
export const OPEN_MEMORY_TEXT =
  'The resident memory that opening a data dir adds: a fresh Node.js process per run ' +
  '(`bench/open-memory-child.ts`) reads its RSS after a full garbage collection, opens the ' +
  'data dir with `Engine.open` as `seven-tick` does (the term dictionary and the indexes are ' +
  'rebuilt from SQLite), and reads the RSS again after a full collection, once at once and ' +
  `once after ${IDLE_MS / 1000} s idle. The growth is divided by the triples. V8 keeps its ` +
  'young generation enlarged (up to 32 MiB here) while the allocation rate is high, and the ' +
  'first collection after some seconds of low allocation returns it, so a server settles at ' +
  'the idle figure. The child runs with `MALLOC_MMAP_THRESHOLD_=1048576`, as `npm start`, ' +
  "the Dockerfile and the systemd unit run the server, so glibc returns the rebuild's large " +
  'temporary buffers instead of keeping some of them from run to run.';

/** Renders the memory-after-open table. */
export function openMemoryTable(result: OpenMemoryResult): string {
  const mib = (sample: Sample): Sample => ({
    ...sample,
    median: sample.median / 2 ** 20,
    min: sample.min / 2 ** 20,
    max: sample.max / 2 ** 20,
  });
  return [
    '| 7T after opening the data dir | bytes per triple |',
    '| --- | ---: |',
    `| RSS growth, full GC at once | ${formatSample(result.atOnce)} |`,
    `| RSS growth, full GC after ${IDLE_MS / 1000} s idle | ${formatSample(result.idle)} |`,
    `| of which V8 heap in use (mostly the dictionary) | ${formatSample(result.heapUsedPerTriple)} |`,
    `| of which typed arrays (indexes, dictionary table) | ${formatSample(result.arrayBuffersPerTriple)} |`,
    '',
    `${result.triples.toLocaleString('en')} triples. The process's whole RSS after idling was ` +
      `${formatSample(mib(result.rssIdle))} MiB.`,
  ].join('\n');
}
