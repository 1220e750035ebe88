/** `seven-tick query`: run one SPARQL query against a data dir, without a server. */
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { RDF_FORMATS, type RdfFormat } from '../rdf/formats.js';
import { serializeQuads } from '../rdf/serialize.js';
import { explainQuery } from '../sparql/explain.js';
import { executeQuery, parseQuery } from '../sparql/index.js';
import {
  serializeBindings,
  serializeBoolean,
  type ResultsFormat,
} from '../sparql/results/index.js';
import { Engine } from '../storage/engine.js';

export interface QueryCommandOptions {
  dataDir: string;
  dataset: string;
  format?: string;
  file?: string;
  timeoutMs: number;
  maxRows: number;
  /** Print the plan with estimated and actual row counts instead of the results. */
  explain?: boolean;
}

const RESULTS_FORMATS: readonly string[] = ['json', 'xml', 'csv', 'tsv'];

export async function queryCommand(
  text: string | undefined,
  options: QueryCommandOptions,
): Promise<void> {
  if ((text === undefined) === (options.file === undefined)) {
    throw new InvalidArgumentError(
      text === undefined
        ? 'Missing query: give it as an argument or with --file'
        : 'Give the query as an argument or with --file, not both',
    );
  }
  const queryText = text ?? readQueryFile(options.file!);
  const format = options.format;
  if (
    format !== undefined &&
    !RESULTS_FORMATS.includes(format) &&
    !RDF_FORMATS.includes(format as RdfFormat)
  ) {
    throw new InvalidArgumentError(
      `Unknown format ${format}; use one of ${[...RESULTS_FORMATS, ...RDF_FORMATS].join(', ')}`,
    );
  }

  const engine = Engine.open(options.dataDir, { readonly: true });
  try {
    const parsed = parseQuery(queryText);
    if (options.explain) {
      const explanation = await explainQuery(engine.dataset(options.dataset), parsed, {
        timeoutMs: options.timeoutMs,
        maxRows: options.maxRows,
      });
      await write(`${explanation.text}\n`);
      await write(
        `${explanation.resultCount} results in ${explanation.durationMs.toFixed(1)} ms\n`,
      );
      return;
    }
    const result = await executeQuery(engine.dataset(options.dataset), parsed, {
      timeoutMs: options.timeoutMs,
      maxRows: options.maxRows,
    });
    if (result.type === 'boolean') {
      if (format === 'json' || format === 'xml')
        await write(serializeBoolean(result.value, format));
      else await write(`${result.value}\n`);
    } else if (result.type === 'bindings') {
      const chosen = (format ?? 'tsv') as ResultsFormat;
      if (!RESULTS_FORMATS.includes(chosen)) {
        throw new InvalidArgumentError(
          `A SELECT result cannot be written as ${chosen}; use json, xml, csv or tsv`,
        );
      }
      for await (const chunk of serializeBindings(result.variables, result.rows, chosen))
        await write(chunk);
    } else {
      const chosen = (format ?? 'turtle') as RdfFormat;
      if (!RDF_FORMATS.includes(chosen)) {
        throw new InvalidArgumentError(
          `A graph result cannot be written as ${chosen}; use ${RDF_FORMATS.join(', ')}`,
        );
      }
      for await (const chunk of serializeQuads(result.quads, chosen)) await write(chunk);
    }
  } finally {
    engine.close();
  }
}

function readQueryFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new NotFoundError(`Cannot read the query file ${file}: ${(error as Error).message}`);
  }
}

/** Writes to stdout honouring back-pressure, so large results do not pile up in memory. */
async function write(chunk: string): Promise<void> {
  if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
}
