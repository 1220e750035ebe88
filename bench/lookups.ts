/**
 * Lookup section: exact ASK (is this triple stored?) and the single-variable pattern
 * (s, p, ?o), one at a time through each store's own API and batched. Every engine starts
 * from RDF/JS terms, so 7T pays for its dictionary lookups, and every engine returns RDF/JS
 * terms for pattern results, so 7T pays for decoding ids.
 */
import type * as RDF from '@rdfjs/types';
import { DataFactory, type Store as N3Store } from 'n3';
import oxigraph from 'oxigraph';
import { termKey } from '../src/rdf/terms.js';
import { executeQuery } from '../src/sparql/index.js';
import { ANY } from '../src/store/types.js';
import type { Figure } from './report.js';
import { formatRatio, formatSample, speedup, timeRuns, toRate, type Sample } from './stats.js';
import {
  loadN3,
  loadOxigraph,
  loadSevenTick,
  readNTriples,
  type DataName,
  type SevenTickStore,
} from './stores.js';
import { n3Term, oxigraphTerm, sparqlTerm } from './terms.js';

/** Triples sampled from the data; as many absent triples are made from them. */
const SAMPLE_TRIPLES = 10_000;
/** Triples or patterns per SPARQL VALUES block in the batched rows. */
const BATCH = 1000;
/**
 * hasMany calls per timed run in the row on ids. One call takes about a millisecond, so a
 * single call per run would time mostly the JIT warm-up and any preemption by other processes.
 */
const ID_BATCH_REPEATS = 50;

export interface LoadedStores {
  seven: SevenTickStore;
  oxigraph: oxigraph.Store;
  n3: N3Store;
}

export interface LookupRow {
  label: string;
  /** Short name for the chart. */
  chartName: string;
  seven: Sample;
  oxigraph?: Sample;
  n3?: Sample;
}

interface Probe {
  n3: RDF.Quad;
  oxigraph: oxigraph.Quad;
}

/** Samples every k-th stored triple, then as many with the object of the next (mostly absent). */
function sampleProbes(seven: SevenTickStore): Probe[] {
  const { store, dictionary } = seven;
  const step = Math.max(1, Math.floor(store.size / SAMPLE_TRIPLES));
  const present: RDF.Quad[] = [];
  let index = 0;
  for (const cursor = store.match(ANY, ANY, ANY, ANY); cursor.next(); index++) {
    if (index % step !== 0) continue;
    const [s, p, o] = [cursor.s, cursor.p, cursor.o].map((id) => n3Term(dictionary.key(id)));
    if (s.termType !== 'NamedNode' || o.termType === 'BlankNode') continue;
    present.push(DataFactory.quad(s, p as RDF.NamedNode, o as RDF.Quad_Object));
    if (present.length === SAMPLE_TRIPLES) break;
  }
  const absent = present.map((quad, i) =>
    DataFactory.quad(quad.subject, quad.predicate, present[(i + 1) % present.length].object),
  );
  return [...present, ...absent].map((quad) => ({
    n3: quad,
    oxigraph: oxigraph.quad(
      oxigraphTerm(quad.subject) as oxigraph.NamedNode,
      oxigraphTerm(quad.predicate) as oxigraph.NamedNode,
      oxigraphTerm(quad.object) as oxigraph.NamedNode | oxigraph.Literal,
      oxigraph.defaultGraph(),
    ),
  }));
}

function sevenIdsOf(seven: SevenTickStore, quad: RDF.Quad): number[] | undefined {
  const ids = [quad.subject, quad.predicate, quad.object].map((term) =>
    seven.dictionary.lookup(termKey(term)),
  );
  return ids.some((id) => id === undefined) ? undefined : (ids as number[]);
}

function valuesQuery(probes: Probe[], withObject: boolean): string {
  const rows = probes.map((probe) => {
    const { subject, predicate, object } = probe.n3;
    const terms = [subject, predicate, ...(withObject ? [object] : [])];
    return `(${terms.map(sparqlTerm).join(' ')})`;
  });
  const head = withObject ? '?s ?p ?o' : '?s ?p';
  return `SELECT * WHERE { VALUES (${head}) { ${rows.join(' ')} } ?s ?p ?o }`;
}

/**
 * Returns the number of 1 bytes. It loops plainly because TypedArray.reduce calls a callback
 * per byte, a cost the timed hasMany rows should not include.
 */
function countOnes(flags: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < flags.length; i++) count += flags[i];
  return count;
}

function batches<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

async function countSevenRows(seven: SevenTickStore, query: string): Promise<number> {
  const dataset = { dictionary: seven.dictionary, quads: seven.store };
  const result = await executeQuery(dataset, query, { maxRows: 1e9, timeoutMs: 600_000 });
  if (result.type !== 'bindings') throw new Error('Expected a SELECT result');
  let count = 0;
  for await (const _row of result.rows) count++;
  return count;
}

export async function measureLookups(stores: LoadedStores, runs: number): Promise<LookupRow[]> {
  const { seven } = stores;
  const probes = sampleProbes(seven);
  const operations = probes.length;
  const hits: Record<string, number> = {};
  const record = (label: string, count: number) => {
    if (hits[label] !== undefined && hits[label] !== count) {
      console.warn(`  ${label}: hit counts differ between runs (${hits[label]}, ${count})`);
    }
    hits[label] = count;
  };
  const rows: LookupRow[] = [];

  // Exact ASK, one triple at a time.
  const askSeven = await timeRuns(runs, () => {
    let found = 0;
    for (const probe of probes) {
      const ids = sevenIdsOf(seven, probe.n3);
      if (ids !== undefined && seven.store.has(ids[0], ids[1], ids[2], 0)) found++;
    }
    record('ask 7T', found);
  });
  const askOxigraph = await timeRuns(runs, () => {
    let found = 0;
    for (const probe of probes) if (stores.oxigraph.has(probe.oxigraph)) found++;
    record('ask Oxigraph', found);
  });
  const askN3 = await timeRuns(runs, () => {
    let found = 0;
    for (const probe of probes) if (stores.n3.has(probe.n3)) found++;
    record('ask N3.Store', found);
  });
  rows.push({
    label: 'ASK (s, p, o), one at a time',
    chartName: 'ASK single',
    seven: toRate(operations, askSeven),
    oxigraph: toRate(operations, askOxigraph),
    n3: toRate(operations, askN3),
  });

  // Exact ASK, batched: 7T's hasMany against Oxigraph's best batch form, a VALUES join.
  const sparqlBatches = batches(probes, BATCH).map((batch) => valuesQuery(batch, true));
  const hasManySeven = await timeRuns(runs, () => {
    const packed = new Uint32Array(probes.length * 4);
    probes.forEach((probe, i) => {
      const ids = sevenIdsOf(seven, probe.n3) ?? [0, 0, 0];
      packed.set([ids[0], ids[1], ids[2], 0], i * 4);
    });
    record('hasMany 7T', countOnes(seven.store.hasMany(packed)));
  });
  // The core's own figure: the same batch with the probes already ids, as the evaluator and
  // the write path call it. No peer has an id-level API, so this row has no ratio.
  const packedProbes = new Uint32Array(probes.length * 4);
  probes.forEach((probe, i) => {
    const ids = sevenIdsOf(seven, probe.n3) ?? [0, 0, 0];
    packedProbes.set([ids[0], ids[1], ids[2], 0], i * 4);
  });
  const hasManyIds = await timeRuns(runs, () => {
    for (let i = 0; i < ID_BATCH_REPEATS; i++) {
      record('hasMany ids 7T', countOnes(seven.store.hasMany(packedProbes)));
    }
  });
  const valuesAskOxigraph = await timeRuns(runs, () => {
    let found = 0;
    for (const query of sparqlBatches) found += (stores.oxigraph.query(query) as unknown[]).length;
    record('values ask Oxigraph', found);
  });
  const valuesAskSeven = await timeRuns(runs, async () => {
    let found = 0;
    for (const query of sparqlBatches) found += await countSevenRows(seven, query);
    record('values ask 7T', found);
  });
  rows.push({
    label: `ASK batched: 7T hasMany vs Oxigraph SPARQL VALUES of ${BATCH}`,
    chartName: 'ASK hasMany',
    seven: toRate(operations, hasManySeven),
    oxigraph: toRate(operations, valuesAskOxigraph),
  });
  rows.push({
    label: 'ASK batched on ids: 7T hasMany, probes already ids (no peer has such an API)',
    chartName: 'ASK ids',
    seven: toRate(operations * ID_BATCH_REPEATS, hasManyIds),
  });
  rows.push({
    label: `ASK batched: SPARQL VALUES of ${BATCH} in both`,
    chartName: 'ASK VALUES',
    seven: toRate(operations, valuesAskSeven),
    oxigraph: toRate(operations, valuesAskOxigraph),
  });

  // Single-variable pattern (s, p, ?o), results decoded to RDF/JS terms.
  const patternSeven = await timeRuns(runs, () => {
    let found = 0;
    for (const probe of probes) {
      const s = seven.dictionary.lookup(termKey(probe.n3.subject));
      const p = seven.dictionary.lookup(termKey(probe.n3.predicate));
      if (s === undefined || p === undefined) continue;
      for (const cursor = seven.store.match(s, p, ANY, 0); cursor.next();) {
        if (n3Term(seven.dictionary.key(cursor.o))) found++;
      }
    }
    record('pattern 7T', found);
  });
  const patternOxigraph = await timeRuns(runs, () => {
    let found = 0;
    for (const probe of probes) {
      const quad = probe.oxigraph;
      found += stores.oxigraph.match(quad.subject, quad.predicate, null, null).length;
    }
    record('pattern Oxigraph', found);
  });
  const patternN3 = await timeRuns(runs, () => {
    let found = 0;
    for (const probe of probes) {
      found += stores.n3.getQuads(probe.n3.subject, probe.n3.predicate, null, null).length;
    }
    record('pattern N3.Store', found);
  });
  rows.push({
    label: '(s, p, ?o) patterns, one at a time',
    chartName: 'pattern single',
    seven: toRate(operations, patternSeven),
    oxigraph: toRate(operations, patternOxigraph),
    n3: toRate(operations, patternN3),
  });

  const patternBatches = batches(probes, BATCH).map((batch) => valuesQuery(batch, false));
  const valuesPatternSeven = await timeRuns(runs, async () => {
    let found = 0;
    for (const query of patternBatches) found += await countSevenRows(seven, query);
    record('values pattern 7T', found);
  });
  const valuesPatternOxigraph = await timeRuns(runs, () => {
    let found = 0;
    for (const query of patternBatches) found += (stores.oxigraph.query(query) as unknown[]).length;
    record('values pattern Oxigraph', found);
  });
  rows.push({
    label: `(s, p, ?o) patterns batched as SPARQL VALUES of ${BATCH}`,
    chartName: 'pattern VALUES',
    seven: toRate(operations, valuesPatternSeven),
    oxigraph: toRate(operations, valuesPatternOxigraph),
  });

  checkAgreement(hits);
  return rows;
}

/** Warns when engines disagree on how many triples or pattern rows they found. */
function checkAgreement(hits: Record<string, number>): void {
  const groups = [
    [
      'ask 7T',
      'ask Oxigraph',
      'ask N3.Store',
      'hasMany 7T',
      'values ask Oxigraph',
      'values ask 7T',
    ],
    [
      'pattern 7T',
      'pattern Oxigraph',
      'pattern N3.Store',
      'values pattern 7T',
      'values pattern Oxigraph',
    ],
  ];
  for (const group of groups) {
    const counts = group.map((label) => `${label}=${hits[label]}`);
    if (new Set(group.map((label) => hits[label])).size > 1) {
      console.warn(`  lookup counts disagree: ${counts.join(', ')}`);
    } else {
      console.log(`  lookup counts agree: ${counts.join(', ')}`);
    }
  }
}

/** Renders the lookup table (operations per second) and returns the figures for the chart. */
export function lookupTable(rows: LookupRow[]): { markdown: string; figures: Figure[] } {
  const lines = [
    '| lookups/s (higher is better) | 7T | Oxigraph | 7T/Oxigraph | N3.Store | 7T/N3.Store |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  const figures: Figure[] = [];
  for (const row of rows) {
    const ours = row.seven.median;
    const versusOxigraph = row.oxigraph && speedup(ours, row.oxigraph.median, true);
    const versusN3 = row.n3 && speedup(ours, row.n3.median, true);
    lines.push(
      `| ${row.label} | ${formatSample(row.seven)} | ${formatSample(row.oxigraph)} | ` +
        `${formatRatio(versusOxigraph)} | ${formatSample(row.n3)} | ${formatRatio(versusN3)} |`,
    );
    const name = row.chartName;
    if (versusOxigraph !== undefined)
      figures.push({ name, peer: 'Oxigraph', ratio: versusOxigraph });
    if (versusN3 !== undefined) figures.push({ name, peer: 'N3.Store', ratio: versusN3 });
  }
  return { markdown: lines.join('\n'), figures };
}

/**
 * Runs the whole lookups section, for bench/section-child.ts: loads the three stores into this
 * process and returns the section's markdown and chart figures. Like the other sections, it
 * runs in its own process, so its heap (over 1 GiB for N3.Store on LUBM(8)) and JIT state stay
 * out of the bench process.
 */
export async function runLookupsSection(options: {
  data: DataName;
  runs: number;
}): Promise<{ body: string; figures: Figure[] }> {
  console.error('Loading 7T, Oxigraph and N3.Store in the lookups process');
  const text = readNTriples(options.data);
  const stores = {
    seven: await loadSevenTick(text),
    oxigraph: loadOxigraph(text),
    n3: loadN3(text),
  };
  const table = lookupTable(await measureLookups(stores, options.runs));
  const body =
    'All three stores are loaded in one fresh child process (`bench/section-child.ts`). ' +
    'Probes: about 10,000 stored triples sampled evenly from the data, plus as many triples ' +
    'made by giving each the object of the next probe (mostly absent). Every engine starts ' +
    'from RDF/JS terms: 7T looks the terms up in its dictionary, and decodes pattern results ' +
    'back to terms. Oxigraph and N3.Store have no batch ASK, so the batched rows send one ' +
    'SPARQL `SELECT` with a `VALUES` block per 1,000 probes.\n\n' +
    table.markdown;
  return { body, figures: table.figures };
}
