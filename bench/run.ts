/**
 * `npm run bench`: load, pattern lookups, the 14 LUBM queries and HTTP throughput of the 7T
 * Engine, measured in the same run as Oxigraph (npm `oxigraph`, its WebAssembly build) and
 * N3.js's `N3.Store`, on the LUBM data next to the checkout. Prints a table of times and
 * ratios and writes it to bench/reports/DATE-DATA.md.
 *
 * Usage: npm run bench [-- --data lubm1|lubm8] [--runs N] [--skip-http]
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { Parser, Store as N3Store } from 'n3';
import oxigraph from 'oxigraph';
import { parseRdf } from '../src/rdf/parse.js';
import { termKey } from '../src/rdf/terms.js';
import { executeQuery } from '../src/sparql/index.js';
import { MemoryDictionary } from '../src/store/dictionary.js';
import { QuadStore } from '../src/store/quad-store.js';
import { ANY } from '../src/store/types.js';
import { QuadBuffer } from '../src/storage/quad-buffer.js';
import { measureHttp } from './http.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const LUBM = path.resolve(ROOT, '../shared/data/lubm');

interface Options {
  data: 'lubm1' | 'lubm8';
  runs: number;
  http: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { data: 'lubm8', runs: 5, http: true };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data') options.data = argv[++i] as Options['data'];
    else if (argv[i] === '--runs') options.runs = Number(argv[++i]);
    else if (argv[i] === '--skip-http') options.http = false;
    else
      throw new Error(`Unknown argument ${argv[i]}; use --data lubm1|lubm8, --runs N, --skip-http`);
  }
  if (!['lubm1', 'lubm8'].includes(options.data)) throw new Error('--data must be lubm1 or lubm8');
  if (!Number.isInteger(options.runs) || options.runs < 1)
    throw new Error('--runs must be a positive integer');
  return options;
}

/** Runs `work` `runs` times and returns the median wall time in milliseconds. */
async function median(runs: number, work: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

interface Row {
  what: string;
  sevenTick: number;
  oxigraph?: number;
  n3?: number;
  unit: string;
}

const rows: Row[] = [];

function ratio(peer: number | undefined, ours: number): string {
  return peer === undefined ? '—' : `${(peer / ours).toFixed(2)}×`;
}

async function loadSevenTick(text: string) {
  const dictionary = new MemoryDictionary();
  const store = new QuadStore();
  const buffer = new QuadBuffer();
  await parseRdf(Readable.from([text]), { format: 'ntriples', source: 'bench' }, (quad) => {
    buffer.push(
      dictionary.intern(termKey(quad.subject)),
      dictionary.intern(termKey(quad.predicate)),
      dictionary.intern(termKey(quad.object)),
      dictionary.intern(termKey(quad.graph)),
    );
  });
  store.addMany(buffer.view());
  return { dictionary, store };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const text = gunzipSync(readFileSync(path.join(LUBM, `${options.data}.nt.gz`))).toString('utf8');
  console.log(
    `Data: ${options.data} (${(text.length / 1e6).toFixed(1)} MB of N-Triples); ${options.runs} runs each`,
  );

  // Load: from the same decompressed text in memory, into each store.
  let seven = await loadSevenTick(text);
  const sevenLoad = await median(options.runs, async () => {
    seven = await loadSevenTick(text);
  });
  const size = seven.store.size;
  let oxi = new oxigraph.Store();
  const oxiLoad = await median(options.runs, () => {
    oxi = new oxigraph.Store();
    oxi.load(text, { format: 'application/n-triples' });
  });
  let n3 = new N3Store();
  const n3Load = await median(options.runs, () => {
    n3 = new N3Store();
    n3.addQuads(new Parser({ format: 'N-Triples' }).parse(text));
  });
  const perSecond = (ms: number) => Math.round(size / (ms / 1000));
  rows.push({
    what: `load ${size.toLocaleString('en')} triples (triples/s)`,
    sevenTick: perSecond(sevenLoad),
    oxigraph: perSecond(oxiLoad),
    n3: perSecond(n3Load),
    unit: 'higher is better',
  });

  // Lookups: (s, p, ?) for sampled subjects of rdf:type, from terms and from ids.
  const type = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
  const typeId = seven.dictionary.lookup(type)!;
  const subjects: number[] = [];
  for (
    const cursor = seven.store.match(ANY, typeId, ANY, ANY);
    cursor.next() && subjects.length < 20_000;
  ) {
    subjects.push(cursor.s);
  }
  const subjectTerms = subjects.map((id) => oxigraph.namedNode(seven.dictionary.key(id)));
  const typeTerm = oxigraph.namedNode(type);
  let sink = 0;
  const sevenIds = await median(options.runs, () => {
    for (const s of subjects) {
      for (const cursor = seven.store.match(s, typeId, ANY, 0); cursor.next();) sink += cursor.o;
    }
  });
  const sevenTerms = await median(options.runs, () => {
    for (const term of subjectTerms) {
      const s = seven.dictionary.lookup(term.value)!;
      for (const cursor = seven.store.match(s, typeId, ANY, 0); cursor.next();) sink += cursor.o;
    }
  });
  const oxiLookup = await median(options.runs, () => {
    for (const term of subjectTerms) sink += oxi.match(term, typeTerm, null, null).length;
  });
  const n3Lookup = await median(options.runs, () => {
    for (const term of subjectTerms) sink += n3.getQuads(term, typeTerm, null, null).length;
  });
  const lookupsPerSecond = (ms: number) => Math.round(subjects.length / (ms / 1000));
  rows.push({
    what: '(s, rdf:type, ?) lookups by term (lookups/s)',
    sevenTick: lookupsPerSecond(sevenTerms),
    oxigraph: lookupsPerSecond(oxiLookup),
    n3: lookupsPerSecond(n3Lookup),
    unit: 'higher is better',
  });
  rows.push({
    what: '(s, rdf:type, ?) lookups by id (lookups/s)',
    sevenTick: lookupsPerSecond(sevenIds),
    oxigraph: lookupsPerSecond(oxiLookup),
    n3: lookupsPerSecond(n3Lookup),
    unit: 'higher is better',
  });

  // LUBM queries: whole SPARQL queries, all rows consumed.
  const dataset = { dictionary: seven.dictionary, quads: seven.store };
  for (const file of readdirSync(path.join(LUBM, 'queries')).sort()) {
    const query = readFileSync(path.join(LUBM, 'queries', file), 'utf8');
    let count = 0;
    const ours = await median(options.runs, async () => {
      const result = await executeQuery(dataset, query, { maxRows: 1e9, timeoutMs: 600_000 });
      count = 0;
      if (result.type === 'bindings') for await (const _row of result.rows) count++;
    });
    let peerCount = 0;
    const peer = await median(options.runs, () => {
      peerCount = (oxi.query(query) as unknown[]).length;
    });
    if (peerCount !== count)
      console.warn(`${file}: 7T returned ${count} rows, Oxigraph ${peerCount}`);
    rows.push({
      what: `LUBM ${file} (${count} rows) ms`,
      sevenTick: ours,
      oxigraph: peer,
      unit: 'lower is better',
    });
  }

  if (options.http) {
    const http = await measureHttp(ROOT, path.join(LUBM, `${options.data}.nt.gz`));
    rows.push({
      what: `HTTP ${http.label} (requests/s)`,
      sevenTick: http.requestsPerSecond,
      unit: 'higher is better',
    });
  }

  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    `# Benchmark ${date}, ${options.data}`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}.`,
    `Peers in the same process: oxigraph ${peerVersion('oxigraph')} (WebAssembly), n3 ${peerVersion('n3')} (N3.Store).`,
    `Median of ${options.runs} runs. A ratio above 1× means 7T is faster: ours over the peer for rates, ` +
      `the peer over ours for times.`,
    '',
    '| measure | 7T | Oxigraph | ratio | N3.Store | ratio |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((row) => {
      const higher = row.unit === 'higher is better';
      const oxiRatio =
        row.oxigraph === undefined
          ? '—'
          : higher
            ? ratio(row.sevenTick, row.oxigraph)
            : ratio(row.oxigraph, row.sevenTick);
      const n3Ratio =
        row.n3 === undefined
          ? '—'
          : higher
            ? ratio(row.sevenTick, row.n3)
            : ratio(row.n3, row.sevenTick);
      return `| ${row.what} | ${format(row.sevenTick)} | ${format(row.oxigraph)} | ${oxiRatio} | ${format(row.n3)} | ${n3Ratio} |`;
    }),
    '',
  ];
  const report = lines.join('\n');
  console.log(report);
  const dir = path.join(ROOT, 'bench', 'reports');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${date}-${options.data}.md`);
  writeFileSync(file, report);
  console.log(`Report written to ${path.relative(ROOT, file)} (checksum sink ${sink % 10})`);
}

function format(value: number | undefined): string {
  if (value === undefined) return '—';
  return value >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(2);
}

function peerVersion(name: string): string {
  const file = path.join(ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

await main();
