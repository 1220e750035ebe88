/**
 * Measures N-Triples / N-Quads loading on one file: the fast parser alone, n3 (through
 * parseRdfFile) alone, parsing plus interning every term into a MemoryDictionary (from key
 * strings, and through internSink from bytes), and the dictionary's memory per term.
 *
 *   node --expose-gc --import tsx scripts/measure-load.ts FILE [--runs N] [--skip-n3]
 *
 * Throughput is the median of the runs, in statements per second of wall-clock time, so other
 * processes on the machine lower it. Memory per term is the growth of heapUsed plus
 * arrayBuffers (and separately of RSS) from loading the file into a fresh dictionary, divided
 * by the number of terms. Both are read after a full garbage collection, which needs
 * --expose-gc. RSS also keeps heap pages that the parser's garbage grew.
 */
import os from 'node:os';

import { internSink, parseNQuadsFile } from '../src/rdf/ntriples-fast.js';
import { formatFromFileName } from '../src/rdf/formats.js';
import { parseRdfFile } from '../src/rdf/parse.js';
import { MemoryDictionary } from '../src/store/dictionary.js';

interface Run {
  statements: number;
  ms: number;
  /** User plus system CPU time of this process. */
  cpuMs: number;
}

const args = process.argv.slice(2);
const runsIndex = args.indexOf('--runs');
const file = args.find((arg, i) => !arg.startsWith('--') && (runsIndex < 0 || i !== runsIndex + 1));
const runs = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 3;
if (file === undefined || !Number.isInteger(runs) || runs < 1) {
  console.error('Usage: measure-load.ts FILE [--runs N] [--skip-n3]');
  process.exit(2);
}
const { format } = formatFromFileName(file);
const load = os
  .loadavg()
  .map((value) => value.toFixed(1))
  .join(' ');
console.log(`${file}: ${os.cpus().length} CPUs, load average ${load}`);
if (format !== 'ntriples' && format !== 'nquads') {
  console.error(`measure-load.ts reads .nt and .nq files (optionally .gz), not ${file}`);
  process.exit(2);
}

async function timed(task: () => Promise<number>): Promise<Run> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const statements = await task();
  const used = process.cpuUsage(cpu);
  return { statements, ms: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

async function median(label: string, task: () => Promise<number>): Promise<void> {
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) results.push(await timed(task));
  results.sort((a, b) => a.ms - b.ms);
  const middle = results[Math.floor(results.length / 2)];
  const rate = Math.round((middle.statements / middle.ms) * 1000);
  const all = results.map((run) => `${run.ms.toFixed(0)} ms (${run.cpuMs.toFixed(0)} ms CPU)`);
  console.log(`${label}: ${rate} statements/s, median of ${all.join(', ')}`);
}

function collect(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('Run node with --expose-gc to measure memory');
  gc();
  gc();
  return process.memoryUsage();
}

// Memory first, while the heap contains nothing from earlier runs.
const before = collect();
const dictionary = new MemoryDictionary();
await parseNQuadsFile(
  file,
  (s, p, o, g) => {
    dictionary.intern(s);
    dictionary.intern(p);
    dictionary.intern(o);
    dictionary.intern(g);
  },
  { format },
);
const after = collect();
let keyLength = 0;
for (let id = 0; id < dictionary.size; id++) keyLength += dictionary.key(id).length;
const terms = dictionary.size;
// Typed arrays live outside the V8 heap, so their bytes count through arrayBuffers.
const heap = (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / terms;
const rss = (after.rss - before.rss) / terms;
console.log(
  `dictionary: ${terms} terms, mean key length ${(keyLength / terms).toFixed(1)} chars, ` +
    `${heap.toFixed(1)} bytes/term heapUsed + arrayBuffers, ${rss.toFixed(1)} bytes/term RSS`,
);

await median('fast parser alone', () => parseNQuadsFile(file, () => {}, { format }));
if (!args.includes('--skip-n3'))
  await median('n3 parser alone', () => parseRdfFile(file, () => {}));

await median('fast parser + dictionary.intern(key)', async () => {
  const dictionary = new MemoryDictionary();
  return parseNQuadsFile(
    file,
    (s, p, o, g) => {
      dictionary.intern(s);
      dictionary.intern(p);
      dictionary.intern(o);
      dictionary.intern(g);
    },
    { format },
  );
});

await median('fast parser + internSink', async () => {
  const sink = internSink(new MemoryDictionary());
  return parseNQuadsFile(file, () => {}, { format, sink });
});
