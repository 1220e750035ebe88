/** `seven-tick dataset ...` and `seven-tick check`. */
import { readFileSync } from 'node:fs';
import { StorageCorruptError, ValidationFailedError } from '../errors.js';
import { openDatabase } from '../storage/database.js';
import { Engine } from '../storage/engine.js';
import { parseSettings } from '../storage/features.js';
import { refuseWhileServing } from '../storage/server-lock.js';

export interface DatasetSettingOptions {
  /** none, rdfs or owl2-rl. */
  reasoning?: string;
  /** A Turtle file with the SHACL shapes every write must conform to. */
  shapes?: string;
}

/** Creates a dataset, with settings when given. */
export async function datasetCreate(
  dataDir: string,
  name: string,
  options: DatasetSettingOptions,
): Promise<void> {
  refuseWhileServing(dataDir, 'create the dataset (PUT /admin/datasets/NAME)');
  const engine = Engine.open(dataDir);
  try {
    const created = engine.createDataset(name);
    console.error(created ? `Created dataset ${name}` : `Dataset ${name} already exists`);
    if (options.reasoning !== undefined || options.shapes !== undefined) {
      await configure(engine, name, options);
    }
  } finally {
    engine.close();
  }
}

/**
 * Changes the settings of an existing dataset. Options left out keep their current value;
 * `--reasoning none` switches reasoning off and `--shapes ''` removes the shapes.
 */
export async function datasetSet(
  dataDir: string,
  name: string,
  options: DatasetSettingOptions,
): Promise<void> {
  refuseWhileServing(dataDir, 'change the dataset (PUT /admin/datasets/NAME)');
  const engine = Engine.open(dataDir);
  try {
    await configure(engine, name, options);
  } finally {
    engine.close();
  }
}

async function configure(
  engine: Engine,
  name: string,
  options: DatasetSettingOptions,
): Promise<void> {
  const current = engine.datasetSettings(name);
  const raw: Record<string, unknown> = { ...current };
  if (options.reasoning !== undefined) raw.reasoning = options.reasoning;
  if (options.shapes !== undefined) {
    raw.shapes = options.shapes === '' ? null : readFileSync(options.shapes, 'utf8');
  }
  const settings = parseSettings(raw);
  const started = performance.now();
  try {
    await engine.configureDataset(name, settings);
  } catch (error) {
    // Show what the shapes reject, so the data can be fixed before trying again.
    if (error instanceof ValidationFailedError) process.stdout.write(error.report);
    throw error;
  }
  console.error(
    `Dataset ${name}: reasoning ${settings.reasoning ?? 'none'}, ` +
      `${settings.shapes === undefined ? 'no shapes' : 'shapes attached (the data conforms)'} ` +
      `(${((performance.now() - started) / 1000).toFixed(2)} s)`,
  );
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
