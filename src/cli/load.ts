/** `seven-tick load`: bulk load RDF files into a dataset, one atomic commit per file. */
import { statSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { formatFromFileName } from '../rdf/formats.js';
import { Engine } from '../storage/engine.js';
import { refuseWhileServing } from '../storage/server-lock.js';
import { createLoadProgress } from './progress.js';

export interface LoadCommandOptions {
  dataDir: string;
  dataset: string;
  graph?: string;
}

export async function loadCommand(files: string[], options: LoadCommandOptions): Promise<void> {
  // Check every file before loading any, so a typo in the last name does not leave the first
  // files loaded and the rest not.
  const sizes = files.map((file) => {
    formatFromFileName(file);
    let stats;
    try {
      stats = statSync(file);
    } catch {
      throw new NotFoundError(`Cannot load ${file}: no such file`);
    }
    if (!stats.isFile()) throw new InvalidArgumentError(`Cannot load ${file}: not a regular file`);
    return stats.size;
  });

  refuseWhileServing(options.dataDir, 'load the files (POST /datasets/NAME/data)');
  const engine = Engine.open(options.dataDir);
  try {
    if (!engine.hasDataset(options.dataset)) {
      engine.createDataset(options.dataset);
      console.error(`Created dataset ${options.dataset}`);
    }
    let total = 0;
    const started = performance.now();
    for (const [index, file] of files.entries()) {
      const progress = createLoadProgress(path.basename(file), sizes[index]);
      const fileStarted = performance.now();
      try {
        const result = await engine.loadFile(options.dataset, file, {
          graph: options.graph,
          onProgress: (bytes, quads) => progress.update(bytes, quads),
        });
        progress.stop();
        const seconds = (performance.now() - fileStarted) / 1000;
        console.error(
          `${file}: ${result.parsed.toLocaleString('en')} quads read, ` +
            `${result.added.toLocaleString('en')} new, in ${seconds.toFixed(2)} s ` +
            `(${Math.round(result.parsed / Math.max(seconds, 1e-3)).toLocaleString('en')} quads/s)`,
        );
        total += result.added;
      } catch (error) {
        progress.stop();
        console.error(`${file}: nothing loaded from this file.`);
        const skipped = files.slice(index + 1);
        if (skipped.length > 0) {
          console.error(`Not attempted, since loading stopped: ${skipped.join(', ')}`);
        }
        if (index > 0) {
          console.error(`Loaded before the error, and kept: ${files.slice(0, index).join(', ')}`);
        }
        throw error;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.error(
      `Dataset ${options.dataset}: ${total.toLocaleString('en')} quads added in ` +
        `${seconds.toFixed(2)} s; it now holds ${engine.dataset(options.dataset).quads.size.toLocaleString('en')} quads.`,
    );
  } finally {
    engine.close();
  }
}
