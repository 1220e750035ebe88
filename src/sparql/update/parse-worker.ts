/**
 * Worker thread body of parse-offload.ts: parses SPARQL text with sparqljs and posts the
 * syntax tree back, or the error's name, message and Jison details.
 */
import { parentPort, workerData } from 'node:worker_threads';
import sparqljs from 'sparqljs';

interface ParseRequest {
  text: string;
  baseIri: string | undefined;
}

const { text, baseIri } = workerData as ParseRequest;
try {
  const parser = new sparqljs.Parser(baseIri === undefined ? {} : { baseIRI: baseIri });
  parentPort!.postMessage({ parsed: parser.parse(text) });
} catch (caught) {
  const error = caught as Error & { hash?: unknown };
  parentPort!.postMessage({
    error: { name: error.name, message: error.message, hash: error.hash },
  });
}
