/**
 * The texts the sparqljs differential tests parse: the W3C SPARQL test files, the LUBM
 * queries, the bench's VALUES queries, and the engine's preparation of a text.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Parser as N3Parser } from 'n3';
import { sparqlTerm } from '../../bench/terms.js';
import { suitesRoot } from '../../conformance/manifest.js';
import { decodeCodepointEscapes } from '../../src/sparql/codepoint-escapes.js';
import { rewriteSignedLiterals } from '../../src/sparql/signed-literals.js';

export const LUBM_QUERIES = path.resolve(suitesRoot, '../data/lubm/queries');
const LUBM1_DATA = path.resolve(suitesRoot, '../data/lubm/lubm1.nt.gz');
export const SPARQL_SUITES = path.join(suitesRoot, 'rdf-tests', 'sparql');

/** Lists the files under `dir` whose names end with one of `extensions`, at most 8 levels down. */
export function listFiles(dir: string, extensions: string[], depth = 0): string[] {
  if (depth > 8) return [];
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) files.push(...listFiles(full, extensions, depth + 1));
    else if (extensions.some((extension) => name.endsWith(extension))) files.push(full);
  }
  return files;
}

/**
 * Returns the text the engine hands to sparqljs (codepoint escapes decoded, signed literals
 * spelled out), or undefined when that preparation rejects the text or leaves it unchanged.
 */
export function preparedVariant(text: string): string | undefined {
  let prepared: string;
  try {
    prepared = rewriteSignedLiterals(decodeCodepointEscapes(text));
  } catch {
    return undefined;
  }
  return prepared === text ? undefined : prepared;
}

/** Builds VALUES queries the way bench/lookups.ts does, from every k-th LUBM(1) triple. */
export function benchValuesQueries(rowCount: number): string[] {
  const lines = gunzipSync(readFileSync(LUBM1_DATA)).toString('utf8').split('\n');
  const step = Math.max(1, Math.floor(lines.length / rowCount));
  const sampled = lines.filter((line, index) => index % step === 0 && line.trim() !== '');
  const quads = new N3Parser({ format: 'application/n-triples' }).parse(sampled.join('\n'));
  const usable = quads
    .filter((quad) => quad.subject.termType === 'NamedNode')
    .filter((quad) => quad.object.termType !== 'BlankNode')
    .slice(0, rowCount);
  return [true, false].map((withObject) => {
    const rows = usable.map((quad) => {
      const terms = [quad.subject, quad.predicate, ...(withObject ? [quad.object] : [])];
      return `(${terms.map(sparqlTerm).join(' ')})`;
    });
    const head = withObject ? '?s ?p ?o' : '?s ?p';
    return `SELECT * WHERE { VALUES (${head}) { ${rows.join(' ')} } ?s ?p ?o }`;
  });
}
