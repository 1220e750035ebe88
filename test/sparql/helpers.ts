/**
 * Test helpers: datasets built from TriG on the naive reference source and on the real
 * QuadStore, and runners that turn query results into plain strings (term keys).
 */
import type * as RDF from '@rdfjs/types';
import { Parser } from 'n3';
import { termKey } from '../../src/rdf/terms.js';
import { executeQuery, type QueryableDataset, type QueryOptions } from '../../src/sparql/index.js';
import { MemoryDictionary } from '../../src/store/dictionary.js';
import { QuadStore } from '../../src/store/quad-store.js';
import { naiveDatasetFromTrig } from './naive-source.js';

export const PREFIXES = `PREFIX : <http://example.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
`;

export const TRIG_PREFIXES = `@prefix : <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
`;

/** Builds a dataset on the real MemoryDictionary and QuadStore. */
export function storeDatasetFromTrig(text: string): QueryableDataset {
  const dictionary = new MemoryDictionary();
  const quads = new QuadStore();
  for (const quad of new Parser({ format: 'application/trig' }).parse(text)) {
    quads.add(
      dictionary.intern(termKey(quad.subject)),
      dictionary.intern(termKey(quad.predicate)),
      dictionary.intern(termKey(quad.object)),
      dictionary.intern(termKey(quad.graph)),
    );
  }
  return { dictionary, quads };
}

export const BACKENDS: { name: string; load: (trig: string) => QueryableDataset }[] = [
  { name: 'naive source', load: naiveDatasetFromTrig },
  { name: 'QuadStore', load: storeDatasetFromTrig },
];

/** Formats a term as its key, or '-' for unbound. */
export function show(term: RDF.Term | undefined): string {
  return term === undefined ? '-' : termKey(term);
}

/** Runs a SELECT and returns each row as "var=key var=key" in result order. */
export async function selectRows(
  dataset: QueryableDataset,
  query: string,
  options?: QueryOptions,
): Promise<string[]> {
  const result = await executeQuery(dataset, PREFIXES + query, options);
  if (result.type !== 'bindings') throw new Error(`Expected bindings, got ${result.type}`);
  const rows: string[] = [];
  for await (const row of result.rows) {
    rows.push(result.variables.map((name, i) => `${name}=${show(row[i])}`).join(' '));
  }
  return rows;
}

/** Runs a SELECT and returns its rows sorted, for comparisons that ignore order. */
export async function selectSorted(dataset: QueryableDataset, query: string): Promise<string[]> {
  return (await selectRows(dataset, query)).sort();
}

export async function ask(dataset: QueryableDataset, query: string): Promise<boolean> {
  const result = await executeQuery(dataset, PREFIXES + query);
  if (result.type !== 'boolean') throw new Error(`Expected a boolean, got ${result.type}`);
  return result.value;
}

export async function quadsOf(
  dataset: QueryableDataset,
  query: string,
  options?: QueryOptions,
): Promise<RDF.Quad[]> {
  const result = await executeQuery(dataset, PREFIXES + query, options);
  if (result.type !== 'quads') throw new Error(`Expected quads, got ${result.type}`);
  const quads: RDF.Quad[] = [];
  for await (const quad of result.quads) quads.push(quad);
  return quads;
}

const EMPTY = naiveDatasetFromTrig('');

/** Evaluates one expression with SELECT (expr AS ?v) and returns its key, or '-' on an error. */
export async function evaluate(
  expression: string,
  dataset: QueryableDataset = EMPTY,
): Promise<string> {
  const rows = await selectRows(dataset, `SELECT (${expression} AS ?v) {}`);
  if (rows.length !== 1) throw new Error(`Expected one row, got ${rows.length}`);
  return rows[0]!.slice('v='.length);
}

/** Evaluates a boolean expression as a FILTER: true when the single empty solution survives. */
export async function filterKeeps(expression: string): Promise<boolean> {
  return (await selectRows(EMPTY, `SELECT * { FILTER(${expression}) }`)).length === 1;
}
