/**
 * The three stores under test, each loaded from the same N-Triples text: the 7T core
 * (dictionary plus QuadStore, in memory, without the SQLite commit that `seven-tick load`
 * adds), Oxigraph's WebAssembly build and N3.js's N3.Store.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Parser, Store as N3Store } from 'n3';
import oxigraph from 'oxigraph';
import { parseRdf } from '../src/rdf/parse.js';
import { termKey } from '../src/rdf/terms.js';
import { MemoryDictionary } from '../src/store/dictionary.js';
import { QuadStore } from '../src/store/quad-store.js';
import { QuadBuffer } from '../src/store/quad-buffer.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The shared LUBM folder next to the checkout: lubm1.nt.gz, lubm8.nt.gz, queries/. */
export const LUBM_DIR = path.resolve(ROOT, '../shared/data/lubm');

export type DataName = 'lubm1' | 'lubm8';
export type StoreName = 'seven-tick' | 'oxigraph' | 'n3';

export interface SevenTickStore {
  dictionary: MemoryDictionary;
  store: QuadStore;
}

export function dataFile(data: DataName): string {
  return path.join(LUBM_DIR, `${data}.nt.gz`);
}

export function readNTriples(data: DataName): string {
  return gunzipSync(readFileSync(dataFile(data))).toString('utf8');
}

export async function loadSevenTick(text: string): Promise<SevenTickStore> {
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

export function loadOxigraph(text: string): oxigraph.Store {
  const store = new oxigraph.Store();
  store.load(text, { format: 'application/n-triples' });
  return store;
}

export function loadN3(text: string): N3Store {
  const store = new N3Store();
  store.addQuads(new Parser({ format: 'N-Triples' }).parse(text));
  return store;
}

/** Loads one store and returns its triple count; the store itself stays in `keep`. */
export async function loadStore(
  name: StoreName,
  text: string,
  keep: { value?: unknown },
): Promise<number> {
  if (name === 'seven-tick') {
    const loaded = await loadSevenTick(text);
    keep.value = loaded;
    return loaded.store.size;
  }
  if (name === 'oxigraph') {
    const loaded = loadOxigraph(text);
    keep.value = loaded;
    return loaded.size;
  }
  const loaded = loadN3(text);
  keep.value = loaded;
  return loaded.size;
}

/** The version field of an installed package's package.json, or "not installed". */
export function packageVersion(name: string): string {
  try {
    const file = path.join(ROOT, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}
