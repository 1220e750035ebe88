/** `seven-tick update`: runs a SPARQL Update request against the data dir as one transaction. */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../errors.js';
import { executeUpdate, parseUpdate } from '../sparql/index.js';
import { Engine } from '../storage/engine.js';
import { refuseWhileServing } from '../storage/server-lock.js';

export interface UpdateCommandOptions {
  dataDir: string;
  dataset: string;
  file?: string;
  timeoutMs: number;
}

export async function updateCommand(
  text: string | undefined,
  options: UpdateCommandOptions,
): Promise<void> {
  if ((text === undefined) === (options.file === undefined)) {
    throw new InvalidArgumentError('Give the update either as an argument or with --file');
  }
  const source = options.file === undefined ? text! : readFileSync(options.file, 'utf8');
  const operations = parseUpdate(source);
  refuseWhileServing(options.dataDir, 'send the update (POST /datasets/NAME/update)');
  const engine = Engine.open(options.dataDir);
  try {
    const started = performance.now();
    const { inserted, deleted } = await engine.transaction(
      options.dataset,
      (transaction) => executeUpdate(transaction, operations, { timeoutMs: options.timeoutMs }),
      { source: 'seven-tick update' },
    );
    const seconds = (performance.now() - started) / 1000;
    console.error(
      `Inserted ${inserted.toLocaleString('en')} and deleted ${deleted.toLocaleString('en')} ` +
        `quads in ${seconds.toFixed(2)} s`,
    );
  } finally {
    engine.close();
  }
}
