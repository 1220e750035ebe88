/**
 * One load measurement in a fresh process, so that one store's garbage and heap growth do not
 * count against another. Prints one JSON line: the store, triples loaded, load milliseconds
 * (wall-clock and CPU) and the RSS before reading the text and after loading it, each after a
 * full garbage collection. The text stays referenced to the end, because freeing a 100 MB string does not
 * reliably return its pages to the operating system. Pages freed while reading it could also
 * be reused by the store and hide part of its size.
 *
 *   node --expose-gc --import tsx bench/load-child.ts seven-tick|oxigraph|n3|none lubm1|lubm8
 *
 * The store "none" reads the text and loads nothing: its RSS growth is the text's share, which
 * load.ts subtracts from the other stores' growth.
 */
import { loadStore, readNTriplesBytes, type DataName, type StoreName } from './stores.js';

export interface LoadMeasurement {
  store: StoreName | 'none';
  triples: number;
  milliseconds: number;
  /** User plus system CPU time of the load, over all of the process's threads. */
  cpuMilliseconds: number;
  rssBefore: number;
  rssAfter: number;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('Run load-child.ts with node --expose-gc');
  gc();
  gc();
}

async function main(): Promise<void> {
  const [store, data] = process.argv.slice(2) as [StoreName | 'none', DataName];
  if (!['seven-tick', 'oxigraph', 'n3', 'none'].includes(store)) {
    throw new Error(`Unknown store ${store}; use seven-tick, oxigraph, n3 or none`);
  }
  collectGarbage();
  const rssBefore = process.memoryUsage().rss;
  // TODO: also report heapUsed + external after dropping the text, because V8 substrings of
  // the text held by a dictionary make RSS growth with the text held understate that store.
  // Every child keeps the document both as bytes (what 7T reads) and as a string (what the
  // peers read), so the text-only child's RSS growth matches every store's share of it.
  const bytes = readNTriplesBytes(data);
  const text = bytes.toString('utf8');

  const keep: { value?: unknown } = {};
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const triples = store === 'none' ? 0 : await loadStore(store, { bytes, text }, keep);
  const milliseconds = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuMilliseconds = (cpu.user + cpu.system) / 1000;

  collectGarbage();
  const rssAfter = process.memoryUsage().rss;
  const measurement: LoadMeasurement = {
    store,
    triples,
    milliseconds,
    cpuMilliseconds,
    rssBefore,
    rssAfter,
  };
  // Keep the store and the text reachable until after the RSS reading.
  if (keep.value === null || text.length === 0 || bytes.length === 0) {
    console.error('nothing was loaded');
  }
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

await main();
