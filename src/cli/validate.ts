/**
 * `seven-tick validate`: validates a data file or a stored dataset against a SHACL shapes file
 * and writes the validation report as Turtle. The exit status is 0 when the data conforms and
 * 1 when it does not. It is 2 on an error, such as an unreadable file, an invalid shapes graph
 * or an unknown dataset.
 */
import type * as RDF from '@rdfjs/types';
import { once } from 'node:events';
import { InvalidArgumentError } from '../errors.js';
import { parseRdfFile } from '../rdf/parse.js';
import {
  compileShapes,
  graphFromQuads,
  reportTurtle,
  validate,
  type GraphSource,
} from '../shacl/index.js';
import { DEFAULT_DATASET, Engine } from '../storage/engine.js';

export interface ValidateCommandOptions {
  /** Shapes graph file, in the format its extension names. */
  shapes: string;
  /** Data file to validate, instead of `dataset`. */
  data?: string;
  /** Stored dataset to validate; the default dataset when neither `data` nor `dataset` is given. */
  dataset?: string;
  dataDir: string;
  /** Receives the report as Turtle. */
  out: NodeJS.WritableStream;
  /** Stream for error messages, process.stderr by default. */
  err?: NodeJS.WritableStream;
}

export const EXIT_CONFORMS = 0;
export const EXIT_VIOLATIONS = 1;
export const EXIT_ERROR = 2;

/** Runs the command and returns its exit status. Errors go to `err` instead of being thrown. */
export async function validateCommand(options: ValidateCommandOptions): Promise<number> {
  const err = options.err ?? process.stderr;
  let engine: Engine | undefined;
  try {
    if (options.data !== undefined && options.dataset !== undefined) {
      throw new InvalidArgumentError('Give either --data FILE or --dataset NAME, not both');
    }
    const program = compileShapes(graphFromQuads(await readQuads(options.shapes)));
    let data: GraphSource;
    if (options.data !== undefined) {
      data = graphFromQuads(await readQuads(options.data));
    } else {
      engine = Engine.open(options.dataDir, { readonly: true });
      data = engine.dataset(options.dataset ?? DEFAULT_DATASET);
    }
    const report = validate(program, data);
    await write(options.out, await reportTurtle(report, { generatedMessages: true }));
    return report.conforms ? EXIT_CONFORMS : EXIT_VIOLATIONS;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await write(err, `Validation failed: ${message}\n`);
    return EXIT_ERROR;
  } finally {
    engine?.close();
  }
}

async function readQuads(file: string): Promise<RDF.Quad[]> {
  const quads: RDF.Quad[] = [];
  await parseRdfFile(file, (quad) => quads.push(quad));
  return quads;
}

/** Writes text and waits for 'drain' when the stream's buffer is full. */
async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}
