/** Shared set-up for the reasoning tests: stores from files or Turtle text, and query counts. */
import { Readable } from 'node:stream';

import { parseRdf, parseRdfFile } from '../../src/rdf/parse.js';
import { Reasoner, type ReasonerOptions, type Ruleset } from '../../src/reasoning/index.js';
import { termKey, type Quad } from '../../src/rdf/terms.js';
import { executeQuery } from '../../src/sparql/index.js';
import { MemoryDictionary } from '../../src/store/dictionary.js';
import { QuadStore } from '../../src/store/quad-store.js';
import type { QuadSource, TermDictionary } from '../../src/store/types.js';

export interface TestDataset {
  dictionary: MemoryDictionary;
  asserted: QuadStore;
}

export function emptyDataset(): TestDataset {
  return { dictionary: new MemoryDictionary(), asserted: new QuadStore() };
}

/** Interns a quad's terms and returns it as packed s,p,o,g. */
export function packQuad(dictionary: TermDictionary, quad: Quad): number[] {
  return [
    dictionary.intern(termKey(quad.subject)),
    dictionary.intern(termKey(quad.predicate)),
    dictionary.intern(termKey(quad.object)),
    dictionary.intern(termKey(quad.graph)),
  ];
}

/** Parses Turtle (prefixes rdf, rdfs, owl, xsd and ex: predeclared) into packed quads. */
export async function turtleQuads(dictionary: TermDictionary, text: string): Promise<Uint32Array> {
  const prefixes =
    '@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n' +
    '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n' +
    '@prefix owl: <http://www.w3.org/2002/07/owl#> .\n' +
    '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n' +
    '@prefix ex: <http://example.org/> .\n';
  const packed: number[] = [];
  await parseRdf(Readable.from([prefixes + text]), { format: 'turtle', source: 'test' }, (quad) =>
    packed.push(...packQuad(dictionary, quad)),
  );
  return Uint32Array.from(packed);
}

/** Loads RDF files into the dataset's asserted store. */
export async function loadFiles(dataset: TestDataset, files: string[]): Promise<void> {
  for (const file of files) {
    const packed: number[] = [];
    await parseRdfFile(file, (quad) => {
      packed.push(...packQuad(dataset.dictionary, quad));
    });
    dataset.asserted.addMany(Uint32Array.from(packed));
  }
}

/** Runs a SELECT query and returns its number of rows. */
export async function countRows(
  dictionary: TermDictionary,
  quads: QuadSource,
  query: string,
): Promise<number> {
  const result = await executeQuery({ dictionary, quads }, query, { maxRows: 10_000_000 });
  if (result.type !== 'bindings') throw new Error(`Expected a SELECT query, got ${result.type}`);
  let rows = 0;
  for await (const row of result.rows) {
    void row;
    rows++;
  }
  return rows;
}

/** Returns the sorted default-graph triples of a store as "s p o" id strings. */
export function tripleSet(store: QuadSource): string[] {
  const triples: string[] = [];
  const cursor = store.match(-1, -1, -1, 0);
  while (cursor.next()) triples.push(`${cursor.s} ${cursor.p} ${cursor.o}`);
  return triples.sort();
}

/** Returns the id of an IRI written as ex:local, rdf:type, ... */
export function id(dictionary: TermDictionary, name: string): number {
  const namespaces: Record<string, string> = {
    rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
    rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
    owl: 'http://www.w3.org/2002/07/owl#',
    xsd: 'http://www.w3.org/2001/XMLSchema#',
    ex: 'http://example.org/',
  };
  const [prefix, local] = name.split(':') as [string, string];
  return dictionary.intern(namespaces[prefix]! + local);
}

/** A dataset loaded from Turtle, with a materialised reasoner over it. */
export interface ReasonedDataset extends TestDataset {
  reasoner: Reasoner;
  /** True when asserted ∪ inferred contains the triple, written as three prefixed names. */
  has(triple: string): boolean;
  /** True when only the inferred store contains the triple. */
  inferredOnly(triple: string): boolean;
}

/** Loads Turtle into a new dataset and materialises it with `ruleset`. */
export async function reason(
  text: string,
  ruleset: Ruleset = 'owl2-rl',
  options: ReasonerOptions = {},
): Promise<ReasonedDataset> {
  const dataset = emptyDataset();
  dataset.asserted.addMany(await turtleQuads(dataset.dictionary, text));
  const reasoner = new Reasoner(dataset.dictionary, dataset.asserted, ruleset, options);
  reasoner.materialise();
  const triple = (text: string): [number, number, number] => {
    const [s, p, o] = text.split(' ') as [string, string, string];
    return [id(dataset.dictionary, s), id(dataset.dictionary, p), id(dataset.dictionary, o)];
  };
  return {
    ...dataset,
    reasoner,
    has: (text) => reasoner.union().has(...triple(text), 0),
    inferredOnly: (text) =>
      reasoner.inferred.has(...triple(text), 0) && !dataset.asserted.has(...triple(text), 0),
  };
}
