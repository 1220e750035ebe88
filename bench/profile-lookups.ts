/**
 * Times exact ASK on term ids against one loaded QuadStore, without the peers and the RDF/JS
 * conversions of bench/lookups.ts, so a change to the membership reads can be measured and
 * profiled alone. The probes are built as in bench/lookups.ts. About 10,000 stored triples are
 * sampled evenly from the SPOG order (named-node subject, object not a blank node). As many
 * again are made by giving each the object of the next probe, so about half are absent.
 *
 * Two readers of the same quads are compared in alternating rounds. One is a snapshot as the
 * store reads it, with the start table of its SPOG base run. The other is a snapshot without
 * the table, which reads as the store did before it had one: binary searches, and a radix sort
 * plus merge for hasMany. Each runs the probes in sample order and shuffled.
 *
 * Usage: node --import tsx bench/profile-lookups.ts [lubm1|lubm8] [rounds]
 * Add `--cpu-prof --cpu-prof-dir=DIR` before `--import` for a V8 CPU profile.
 */
import { keyKind, TermKind } from '../src/rdf/terms.js';
import type { IndexRuns } from '../src/store/index-runs.js';
import type { QuadIndex } from '../src/store/quad-index.js';
import { QuadStoreSnapshot } from '../src/store/snapshot.js';
import { ANY, type QuadSource } from '../src/store/types.js';
import { summarize } from './stats.js';
import { loadSevenTick, readNTriplesBytes, type DataName, type SevenTickStore } from './stores.js';

const SAMPLE_TRIPLES = 10_000;
/** Each timed sample repeats the whole probe set this often, so one sample lasts milliseconds. */
const REPEATS = 20;

function sampleProbes({ store, dictionary }: SevenTickStore): Uint32Array {
  const step = Math.max(1, Math.floor(store.size / SAMPLE_TRIPLES));
  const present: number[][] = [];
  let index = 0;
  for (const cursor = store.match(ANY, ANY, ANY, ANY); cursor.next(); index++) {
    if (index % step !== 0) continue;
    if (keyKind(dictionary.key(cursor.s)) !== TermKind.NamedNode) continue;
    if (keyKind(dictionary.key(cursor.o)) === TermKind.BlankNode) continue;
    present.push([cursor.s, cursor.p, cursor.o, 0]);
    if (present.length === SAMPLE_TRIPLES) break;
  }
  const absent = present.map(([s, p], i) => [s, p, present[(i + 1) % present.length][2], 0]);
  return Uint32Array.from([...present, ...absent].flat());
}

/** Returns the probes in a fixed pseudo-random order (a linear congruential generator). */
function shuffle(probes: Uint32Array): Uint32Array {
  const out = probes.slice();
  let state = 12_345;
  for (let i = out.length / 4 - 1; i > 0; i--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const j = state % (i + 1);
    for (let c = 0; c < 4; c++) {
      const t = out[i * 4 + c];
      out[i * 4 + c] = out[j * 4 + c];
      out[j * 4 + c] = t;
    }
  }
  return out;
}

/**
 * Returns two snapshots of the store: as it reads, and with the SPOG start table removed. The
 * orderings are private to QuadStore, so this bench code reaches into it.
 */
function readers(seven: SevenTickStore): { withTable: QuadSource; withoutTable: QuadSource } {
  const { store } = seven;
  const indexes = (store as unknown as { indexes: QuadIndex[] }).indexes;
  const runs = indexes.map((index) => index.snapshot());
  const bare: IndexRuns[] = runs.map((r) => {
    const copy = r.copy();
    copy.starts = new Uint32Array(0);
    return copy;
  });
  const defaultOnly = store.graphs().length === 0;
  return {
    withTable: new QuadStoreSnapshot(runs, store.size, defaultOnly),
    withoutTable: new QuadStoreSnapshot(bare, store.size, defaultOnly),
  };
}

/** Returns probes per CPU second of REPEATS calls of `work` (user plus system time). */
function rate(probeCount: number, work: () => number): number {
  let checksum = 0;
  const started = process.cpuUsage();
  for (let i = 0; i < REPEATS; i++) checksum += work();
  const used = process.cpuUsage(started);
  if (checksum < 0) console.log(checksum);
  return (probeCount * REPEATS) / ((used.user + used.system) / 1e6);
}

function show(label: string, rates: number[]): void {
  const { median, min, max } = summarize(rates);
  const millions = (value: number) => (value / 1e6).toFixed(2);
  console.log(`${label}: ${millions(median)}M/s (${millions(min)}–${millions(max)})`);
}

function hasManyOf(source: QuadSource, probes: Uint32Array): () => number {
  return () => {
    const found = source.hasMany(probes);
    let hits = 0;
    for (let i = 0; i < found.length; i++) hits += found[i];
    return hits;
  };
}

function hasEachOf(source: QuadSource, probes: Uint32Array): () => number {
  return () => {
    let hits = 0;
    for (let w = 0; w < probes.length; w += 4) {
      if (source.has(probes[w], probes[w + 1], probes[w + 2], probes[w + 3])) hits++;
    }
    return hits;
  };
}

async function main(): Promise<void> {
  const data = (process.argv[2] ?? 'lubm8') as DataName;
  const rounds = Number(process.argv[3] ?? 9);
  const seven = await loadSevenTick(readNTriplesBytes(data));
  const probes = sampleProbes(seven);
  const probeCount = probes.length / 4;
  console.log(`${seven.store.size} quads, ${seven.dictionary.size} terms, ${probeCount} probes`);

  const { withTable, withoutTable } = readers(seven);
  const tableBytes = (seven.store as unknown as { indexes: QuadIndex[] }).indexes[0].snapshot()
    .starts.byteLength;
  const perQuad = (tableBytes / seven.store.size).toFixed(2);
  console.log(`SPOG start table: ${tableBytes} bytes, ${perQuad} bytes per quad`);
  const cases: [string, () => number][] = [];
  for (const [order, input] of [
    ['sample order', probes],
    ['shuffled', shuffle(probes)],
  ] as const) {
    for (const [name, source] of [
      ['start table', withTable],
      ['no table', withoutTable],
    ] as const) {
      cases.push([`hasMany, ${order}, ${name}`, hasManyOf(source, input)]);
      cases.push([`has one at a time, ${order}, ${name}`, hasEachOf(source, input)]);
    }
  }
  const expected = cases[0][1]();
  for (const [label, work] of cases) {
    const hits = work();
    if (hits !== expected) throw new Error(`${label} found ${hits} probes, expected ${expected}`);
  }
  console.log(`${expected} of ${probeCount} probes present`);
  // Alternate the cases within each round so that machine load hits them alike.
  const rates = cases.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    cases.forEach(([, work], i) => rates[i].push(rate(probeCount, work)));
  }
  cases.forEach(([label], i) => show(label, rates[i]));
}

await main();
