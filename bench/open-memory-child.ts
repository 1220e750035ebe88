/**
 * One measurement of the memory that `seven-tick` takes to open a data dir, in a fresh process.
 * Prints one JSON line with the RSS before opening and after opening, each after a full garbage
 * collection, once at once and once more after the process has been idle for `idleMs`.
 *
 *   node --expose-gc --import tsx bench/open-memory-child.ts DATA_DIR IDLE_MS
 *
 * The idle reading exists because V8 keeps its young generation enlarged while the allocation
 * rate is high. A full collection right after opening leaves it in place, and a collection after
 * some seconds of low allocation gives it back.
 */
import { Engine } from '../src/storage/engine.js';

export interface OpenMemoryMeasurement {
  triples: number;
  rssBefore: number;
  rssAtOnce: number;
  rssIdle: number;
  /** Growth of the V8 heap in use and of typed-array memory, to after the idle collection. */
  heapUsedGrowth: number;
  arrayBuffersGrowth: number;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('Run open-memory-child.ts with node --expose-gc');
  // Typed arrays that one collection freed still counted in `external` after it (about 60 MiB
  // after opening LUBM(8)), so a second collection follows.
  gc();
  gc();
}

const [dataDir, idle] = process.argv.slice(2);
const idleMs = Number(idle);
if (dataDir === undefined || !Number.isInteger(idleMs) || idleMs < 0) {
  throw new Error('Usage: open-memory-child.ts DATA_DIR IDLE_MS');
}
collectGarbage();
const before = process.memoryUsage();
const rssBefore = before.rss;
const engine = Engine.open(dataDir, { readonly: true });
collectGarbage();
const rssAtOnce = process.memoryUsage().rss;
await new Promise((resolve) => setTimeout(resolve, idleMs));
collectGarbage();
const usage = process.memoryUsage();
const measurement: OpenMemoryMeasurement = {
  triples: engine.quadCount,
  rssBefore,
  rssAtOnce,
  rssIdle: usage.rss,
  heapUsedGrowth: usage.heapUsed - before.heapUsed,
  arrayBuffersGrowth: usage.arrayBuffers - before.arrayBuffers,
};
engine.close();
process.stdout.write(`${JSON.stringify(measurement)}\n`);
