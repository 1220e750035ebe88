/**
 * Runs sparqljs in a worker thread, for text so long that parsing it on the main thread would
 * stall every other request for seconds. One worker per call: large requests are rare, and a
 * fresh worker cannot leak state between requests.
 */
import { Worker } from 'node:worker_threads';
import type * as Sparql from 'sparqljs';
import { KgError } from '../../errors.js';

/** Error classes whose type the caller distinguishes, by name. */
const ERROR_CLASSES: Readonly<Record<string, ErrorConstructor>> = { TypeError, RangeError };

/** Maximum time a worker may parse before it is stopped, in milliseconds. */
const PARSE_TIMEOUT_MS = 120_000;

export type ParseOutcome = { parsed: Sparql.SparqlQuery } | { error: Error & { hash?: unknown } };

/**
 * Starts the worker: the compiled parse-worker.js next to this module, or under tsx (tests
 * run the TypeScript sources) a small script that registers tsx in the worker first, since a
 * worker does not inherit the parent's module hooks.
 */
function startWorker(workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./parse-worker.js', import.meta.url), { workerData });
  }
  const source = new URL('./parse-worker.ts', import.meta.url).href;
  const bootstrap =
    `import('tsx/esm/api').then((tsx) => { tsx.register(); ` +
    `return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** Parses `text` (already prepared as parseSparql prepares it) in a new worker thread. */
export function parseInWorker(text: string, baseIri: string | undefined): Promise<ParseOutcome> {
  return new Promise((resolve, reject) => {
    const worker = startWorker({ text, baseIri });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(
        new KgError(
          'LIMIT_EXCEEDED',
          `Parsing the request took over ${PARSE_TIMEOUT_MS / 1000} s; split it into smaller ` +
            'requests, or load bulk data with the graph store or `seven-tick load`',
        ),
      );
    }, PARSE_TIMEOUT_MS);
    worker.once('message', (message: { parsed?: Sparql.SparqlQuery; error?: ParseError }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (message.parsed !== undefined) {
        resolve({ parsed: message.parsed });
        return;
      }
      const { name, message: text, hash } = message.error!;
      // The same error class again, so the caller converts it as an error thrown here.
      const ErrorClass = ERROR_CLASSES[name] ?? Error;
      resolve({ error: Object.assign(new ErrorClass(text), { hash }) });
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

interface ParseError {
  name: string;
  message: string;
  hash?: unknown;
}
