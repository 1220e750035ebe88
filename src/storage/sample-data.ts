/**
 * The bundled sample data: the published RDF vocabularies collected in the npm package
 * @zazuko/rdf-vocabularies (schema.org, the DBpedia ontology, QUDT, Dublin Core, FOAF, SKOS and
 * about 80 more; 195,350 quads in version 2023.1.19). Each vocabulary file is N-Quads with the
 * vocabulary's own named graph, and each keeps its publisher's licence.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATASET, type Engine, type LoadResult } from './engine.js';

export const SAMPLE_PACKAGE = '@zazuko/rdf-vocabularies';

/** Returns the absolute paths of the bundled vocabulary files, sorted by name. */
export function sampleDataFiles(): string[] {
  // The package exports no package.json, so locate its folder from its main entry point.
  const entry = fileURLToPath(import.meta.resolve(SAMPLE_PACKAGE));
  const folder = path.join(path.dirname(entry), 'ontologies');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.nq'))
    .sort()
    .map((name) => path.join(folder, name));
}

/**
 * Loads the sample vocabularies into the default dataset when no dataset of the data dir contains
 * any quad yet; returns the per-file results, or undefined when data was already there. All
 * files go in as one commit, so a crash mid-way cannot leave half the sample behind (which
 * would also stop the next start from loading the rest).
 */
export async function loadSampleDataIfEmpty(engine: Engine): Promise<LoadResult[] | undefined> {
  if (engine.quadCount > 0) return undefined;
  engine.createDataset(DEFAULT_DATASET);
  return engine.loadFiles(DEFAULT_DATASET, sampleDataFiles());
}
