/** `seven-tick dataset ...` and `seven-tick check`. */
import { InvalidArgumentError, StorageCorruptError } from '../errors.js';
import { openDatabase } from '../storage/database.js';
import { Engine } from '../storage/engine.js';
import { refuseWhileServing } from '../storage/server-lock.js';

export function datasetCreate(
  dataDir: string,
  name: string,
  options: { reasoning?: string },
): void {
  if (options.reasoning !== undefined && options.reasoning !== 'none') {
    // TODO: accept rdfs and owl2-rl once materialisation exists.
    throw new InvalidArgumentError(
      `Reasoning ${options.reasoning} is not available yet; only "none" is`,
    );
  }
  refuseWhileServing(dataDir, 'create the dataset (PUT /admin/datasets/NAME)');
  const engine = Engine.open(dataDir);
  try {
    const created = engine.createDataset(name);
    console.error(created ? `Created dataset ${name}` : `Dataset ${name} already exists`);
  } finally {
    engine.close();
  }
}

export function datasetList(dataDir: string): void {
  const engine = Engine.open(dataDir, { readonly: true });
  try {
    for (const info of engine.listDatasets()) {
      console.log(`${info.name}\t${info.quads} quads\tcreated ${info.createdAt}`);
    }
  } finally {
    engine.close();
  }
}

export function datasetDrop(dataDir: string, name: string): void {
  refuseWhileServing(dataDir, 'drop the dataset (DELETE /admin/datasets/NAME)');
  const engine = Engine.open(dataDir);
  try {
    engine.dropDataset(name);
    console.error(`Dropped dataset ${name}`);
  } finally {
    engine.close();
  }
}

/**
 * Checks a data dir: SQLite's own page-level integrity check, then a full open, which verifies
 * every segment's checksum and term ids. Throws StorageCorruptError on the first problem.
 */
export function checkCommand(dataDir: string): void {
  const db = openDatabase(dataDir, { readonly: true });
  try {
    let rows: { integrity_check: string }[];
    try {
      rows = db.pragma('integrity_check') as { integrity_check: string }[];
    } catch (error) {
      // SQLite raises rather than reports when the file is damaged badly enough.
      throw new StorageCorruptError(`SQLite integrity check failed: ${(error as Error).message}`);
    }
    const problems = rows.map((row) => row.integrity_check).filter((text) => text !== 'ok');
    if (problems.length > 0) {
      throw new StorageCorruptError(
        `SQLite integrity check failed: ${problems.slice(0, 5).join('; ')}`,
      );
    }
  } finally {
    db.close();
  }
  const engine = Engine.open(dataDir, { readonly: true });
  try {
    const datasets = engine.listDatasets();
    console.log(
      `OK: ${engine.dictionary.size} terms, ${datasets.length} datasets, ${engine.quadCount} quads; ` +
        'all checksums match',
    );
  } finally {
    engine.close();
  }
}
