/**
 * The three stores under test, each loaded from the same N-Triples document: the 7T core,
 * Oxigraph's WebAssembly build and N3.js's N3.Store. The 7T core is a dictionary plus a
 * QuadStore in memory, loaded through the parsing, interning and bulk insert of
 * `seven-tick load` but without its file reading and SQLite commit. 7T reads the document's
 * UTF-8 bytes, as it does from a file; the peers' load functions take it as a string.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Parser, Store as N3Store } from 'n3';
import oxigraph from 'oxigraph';
import { parseBytesInto } from '../src/storage/parse-into.js';
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

/** The decompressed N-Triples document, as bytes and as a string. */
export interface NTriplesDocument {
  bytes: Buffer;
  text: string;
}

export function readNTriplesBytes(data: DataName): Buffer {
  return gunzipSync(readFileSync(dataFile(data)));
}

export function readNTriples(data: DataName): string {
  return readNTriplesBytes(data).toString('utf8');
}

/**
 * Loads the 7T core; a string document is encoded to UTF-8 first. Async only because callers
 * await it.
 */
export async function loadSevenTick(document: string | Uint8Array): Promise<SevenTickStore> {
  const bytes = typeof document === 'string' ? Buffer.from(document, 'utf8') : document;
  const dictionary = new MemoryDictionary();
  const store = new QuadStore();
  const buffer = new QuadBuffer();
  parseBytesInto(buffer, bytes, dictionary, 'ntriples', 'bench');
  // As `seven-tick load` does: sort out repeated statements before the bulk insert.
  store.addMany(buffer.sortDistinct(store));
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
  document: NTriplesDocument,
  keep: { value?: unknown },
): Promise<number> {
  const text = document.text;
  if (name === 'seven-tick') {
    const loaded = await loadSevenTick(document.bytes);
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
