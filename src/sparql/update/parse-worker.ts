/**
 * Worker thread body of parse-offload.ts. For the `sparql` task it parses SPARQL text with
 * sparqljs and posts the syntax tree back, or the error's name, message and Jison details.
 * For the `quadData` task it runs the quad data fast path (quad-data.ts) and posts the packed
 * quads, with their buffer transferred, or null when the request is not for the fast path.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SparqlSyntaxError } from '../../errors.js';
import { useDispatchLexer } from '../lexer-dispatch.js';
import { createSparqlParser } from '../parser-driver.js';
import { SPARQL_TERM_FACTORY } from '../parser-terms.js';
import { parseQuadData } from './quad-data.js';

export interface ParseRequest {
  task: 'sparql' | 'quadData';
  text: string;
  baseIri: string | undefined;
}

const { task, text, baseIri } = workerData as ParseRequest;
try {
  if (task === 'quadData') {
    const parsed = parseQuadData(text, baseIri) ?? null;
    const transfer = parsed === null ? [] : [parsed.data.quads.buffer as ArrayBuffer];
    parentPort!.postMessage({ quadData: parsed }, transfer);
  } else {
    const parser = createSparqlParser({ baseIRI: baseIri, factory: SPARQL_TERM_FACTORY });
    // Each worker builds the lexer's tables again (tens of ms), which the texts sent here,
    // at least 64 KiB, repay many times over.
    useDispatchLexer(parser);
    parentPort!.postMessage({ parsed: parser.parse(text) });
  }
} catch (caught) {
  const error = caught as Error & { hash?: unknown };
  parentPort!.postMessage({
    error: {
      name: error instanceof SparqlSyntaxError ? 'SparqlSyntaxError' : error.name,
      message: error.message,
      hash: error.hash,
    },
  });
}
