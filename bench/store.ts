/**
 * Store benchmark (a script, not a test): loads LUBM(8) into QuadStore and into N3.js's N3.Store
 * in the same process and prints throughput and the QuadStore/N3.Store ratio for bulk load,
 * single adds, `has`, `count` and full `match` iteration.
 *
 *   node --import tsx bench/store.ts [FILE.nt.gz]
 *
 * The file defaults to ../shared/data/lubm/lubm8.nt.gz next to the checkout; without it the
 * script generates 1,000,000 synthetic quads instead. Every timed loop has a fixed iteration
 * count.
 */
import { existsSync, createReadStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createGunzip } from 'node:zlib';
import N3 from 'n3';
import type * as RDF from '@rdfjs/types';
import { termFromKey, termKey } from '../src/rdf/terms.js';
import { MemoryDictionary } from '../src/store/dictionary.js';
import { QuadStore } from '../src/store/quad-store.js';
import { ANY } from '../src/store/types.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const DEFAULT_FILE = path.join(root, '..', 'shared', 'data', 'lubm', 'lubm8.nt.gz');
const SYNTHETIC_QUADS = 1_000_000;
const LOOKUPS = 200_000;
const SINGLE_ADDS = 100_000;
const COUNTS = 100_000;

interface Dataset {
  label: string;
  dictionary: MemoryDictionary;
  packed: Uint32Array;
  quads: RDF.Quad[];
}

async function readFile(file: string): Promise<Dataset> {
  const dictionary = new MemoryDictionary();
  const quads: RDF.Quad[] = [];
  const parser = new N3.StreamParser({ format: 'N-Quads' });
  createReadStream(file).pipe(createGunzip()).pipe(parser);
  for await (const quad of parser as AsyncIterable<RDF.Quad>) quads.push(quad);
  const packed = new Uint32Array(quads.length * 4);
  quads.forEach((quad, i) => {
    packed[i * 4] = dictionary.intern(termKey(quad.subject));
    packed[i * 4 + 1] = dictionary.intern(termKey(quad.predicate));
    packed[i * 4 + 2] = dictionary.intern(termKey(quad.object));
    packed[i * 4 + 3] = dictionary.intern(termKey(quad.graph));
  });
  return { label: path.basename(file), dictionary, packed, quads };
}

/** Synthetic data: 1M quads over 200k subjects, 50 predicates, 300k objects, 8 graphs. */
function generate(): Dataset {
  const dictionary = new MemoryDictionary();
  const packed = new Uint32Array(SYNTHETIC_QUADS * 4);
  let seed = 2463534242;
  const random = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const id = (key: string) => dictionary.intern(key);
  for (let i = 0; i < SYNTHETIC_QUADS; i++) {
    packed[i * 4] = id(`http://example.org/s${random(200_000)}`);
    packed[i * 4 + 1] = id(`http://example.org/p${random(50)}`);
    packed[i * 4 + 2] = id(`http://example.org/o${random(300_000)}`);
    packed[i * 4 + 3] = id(random(8) === 0 ? '' : `http://example.org/g${random(8)}`);
  }
  const term = (value: number) => termFromKey(dictionary.key(value));
  const quads: RDF.Quad[] = [];
  for (let i = 0; i < packed.length; i += 4) {
    quads.push(
      N3.DataFactory.quad(
        term(packed[i]) as RDF.Quad_Subject,
        term(packed[i + 1]) as RDF.Quad_Predicate,
        term(packed[i + 2]) as RDF.Quad_Object,
        term(packed[i + 3]) as RDF.Quad_Graph,
      ),
    );
  }
  return { label: 'synthetic', dictionary, packed, quads };
}

/** Runs `work` once and returns operations per second for `operations` operations. */
function rate(operations: number, work: () => void): number {
  const start = performance.now();
  work();
  return (operations * 1000) / (performance.now() - start);
}

function row(label: string, ours: number, theirs: number, unit = 'ops/s'): void {
  const format = (n: number) => Math.round(n).toLocaleString('en-US').padStart(14);
  const ratio = (ours / theirs).toFixed(2).padStart(8);
  console.log(`${label.padEnd(34)} ${format(ours)} ${format(theirs)} ${ratio}x  ${unit}`);
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? DEFAULT_FILE;
  const readStart = performance.now();
  const data = existsSync(file) ? await readFile(file) : generate();
  const quadCount = data.packed.length / 4;
  const readSeconds = (performance.now() - readStart) / 1000;
  console.log(
    `${data.label}: ${quadCount.toLocaleString('en-US')} quads, ` +
      `${data.dictionary.size.toLocaleString('en-US')} terms, parsed and interned in ` +
      `${readSeconds.toFixed(1)} s; Node ${process.version}`,
  );
  console.log(`${''.padEnd(34)} ${'QuadStore'.padStart(14)} ${'N3.Store'.padStart(14)}    ratio`);

  // Warm-up: let the JIT compile the QuadStore paths on a slice before anything is timed.
  const warmUp = new QuadStore();
  warmUp.addMany(data.packed.subarray(0, Math.min(quadCount, 50_000) * 4));
  for (let i = 0; i < 20_000; i++) {
    warmUp.has(data.packed[i * 4], data.packed[i * 4 + 1], data.packed[i * 4 + 2], 0);
    const cursor = warmUp.match(data.packed[i * 4], ANY, ANY, ANY);
    while (cursor.next()) warmUp.count(ANY, cursor.p, cursor.o, ANY);
    warmUp.add(i, 1, 2, 0);
  }

  const store = new QuadStore();
  const n3 = new N3.Store();
  let added = 0;
  const oursLoad = rate(quadCount, () => (added = store.addMany(data.packed)));
  const theirsLoad = rate(quadCount, () => n3.addQuads(data.quads));
  row('bulk load (quads/s)', oursLoad, theirsLoad, `quads/s, ${added} distinct`);

  // Lookups of stored quads in a fixed pseudo-random order.
  const picks = new Uint32Array(LOOKUPS);
  for (let i = 0; i < LOOKUPS; i++) picks[i] = (i * 2_654_435_761) % quadCount;
  let hits = 0;
  const oursHas = rate(LOOKUPS, () => {
    for (const i of picks) {
      const w = i * 4;
      if (store.has(data.packed[w], data.packed[w + 1], data.packed[w + 2], data.packed[w + 3]))
        hits++;
    }
  });
  const theirsHas = rate(LOOKUPS, () => {
    for (const i of picks) if (n3.has(data.quads[i])) hits++;
  });
  row('has (stored quads)', oursHas, theirsHas, `lookups/s, ${hits} hits`);

  const batch = new Uint32Array(LOOKUPS * 4);
  picks.forEach((i, j) => batch.set(data.packed.subarray(i * 4, i * 4 + 4), j * 4));
  const oursHasMany = rate(LOOKUPS, () => store.hasMany(batch));
  row('hasMany vs has (stored quads)', oursHasMany, theirsHas, 'lookups/s');

  // Patterns: predicate only, subject only, predicate + object.
  const predicate = data.packed[picks[0] * 4 + 1];
  const patterns: [string, number, number, number][] = [
    ['? p ? ?', ANY, predicate, ANY],
    ['s ? ? ?', data.packed[picks[1] * 4], ANY, ANY],
    ['? p o ?', ANY, data.packed[picks[2] * 4 + 1], data.packed[picks[2] * 4 + 2]],
  ];
  const toTerm = (value: number) =>
    value === ANY ? null : termFromKey(data.dictionary.key(value));
  for (const [label, s, p, o] of patterns) {
    const [ts, tp, to] = [toTerm(s), toTerm(p), toTerm(o)] as [
      RDF.Quad_Subject | null,
      RDF.Quad_Predicate | null,
      RDF.Quad_Object | null,
    ];
    const expected = store.count(s, p, o, ANY);
    const repeats = Math.max(1, Math.min(10_000, Math.floor(2_000_000 / Math.max(expected, 1))));
    let seen = 0;
    const oursCount = rate(COUNTS, () => {
      for (let r = 0; r < COUNTS; r++) seen += store.count(s, p, o, ANY);
    });
    // N3.Store counts by walking its nested indexes, so it gets fewer repeats.
    const theirsCounts = Math.max(10, Math.min(COUNTS, repeats));
    const theirsCount = rate(theirsCounts, () => {
      for (let r = 0; r < theirsCounts; r++) seen += n3.countQuads(ts, tp, to, null);
    });
    row(`count ${label} (${expected} matches)`, oursCount, theirsCount, 'counts/s');
    const oursMatch = rate(repeats * expected, () => {
      for (let r = 0; r < repeats; r++) {
        const cursor = store.match(s, p, o, ANY);
        while (cursor.next()) seen++;
      }
    });
    const theirsMatch = rate(repeats * expected, () => {
      for (let r = 0; r < repeats; r++) {
        for (const quad of n3.readQuads(ts, tp, to, null)) if (quad) seen++;
      }
    });
    row(`match ${label} (iterate)`, oursMatch, theirsMatch, 'quads/s');
    if (seen < 0) console.log(seen);
  }

  // Single adds of new quads into the loaded stores (fresh subject ids, existing p/o).
  const newQuads: RDF.Quad[] = [];
  const base = data.dictionary.size;
  const oursAdd = rate(SINGLE_ADDS, () => {
    for (let i = 0; i < SINGLE_ADDS; i++) {
      const w = picks[i] * 4;
      store.add(base + i, data.packed[w + 1], data.packed[w + 2], 0);
    }
  });
  for (let i = 0; i < SINGLE_ADDS; i++) {
    const q = data.quads[picks[i]];
    newQuads.push(N3.DataFactory.quad(N3.DataFactory.blankNode(`n${i}`), q.predicate, q.object));
  }
  const theirsAdd = rate(SINGLE_ADDS, () => {
    for (const q of newQuads) n3.addQuad(q);
  });
  row('single add into loaded store', oursAdd, theirsAdd, 'quads/s');
  console.log(
    `QuadStore size ${store.size}, N3.Store size ${n3.size}; ` +
      `heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB, ` +
      `array buffers ${(process.memoryUsage().arrayBuffers / 2 ** 20).toFixed(0)} MiB`,
  );
}

await main();
