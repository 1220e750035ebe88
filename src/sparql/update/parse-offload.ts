/**
 * Runs update parsers in a worker thread, for text so long that parsing it on the main thread
 * would stall every other request for seconds. The worker runs sparqljs for any update, or the
 * quad data fast path (quad-data.ts) for one large INSERT DATA or DELETE DATA. One worker per
 * call: large requests are rare, and a fresh worker cannot leak state between requests.
 */
import { Worker } from 'node:worker_threads';
import type * as Sparql from 'sparqljs';
import { KgError, SparqlSyntaxError } from '../../errors.js';
import type { UpdateOperation } from './operations.js';
import { packedDataOperation } from './packed-quads.js';
import type { ParseRequest } from './parse-worker.js';
import { mayBeLargeQuadData, type ParsedQuadData } from './quad-data.js';

/** Error classes whose type the caller distinguishes, by name. */
const ERROR_CLASSES: Readonly<Record<string, ErrorConstructor>> = { TypeError, RangeError };

/** Maximum time a worker may parse before it is stopped, in milliseconds. */
const PARSE_TIMEOUT_MS = 120_000;

export type ParseOutcome = { parsed: Sparql.SparqlQuery } | { error: Error & { hash?: unknown } };

/** The message a worker posts back, with exactly one of the three fields set. */
interface WorkerReply {
  parsed?: Sparql.SparqlQuery;
  quadData?: ParsedQuadData | null;
  error?: ParseError;
}

interface ParseError {
  name: string;
  message: string;
  hash?: unknown;
}

/**
 * Starts the worker: the compiled parse-worker.js next to this module, or under tsx (tests
 * run the TypeScript sources) a small script that registers tsx in the worker first, since a
 * worker does not inherit the parent's module hooks.
 */
function startWorker(workerData: ParseRequest): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./parse-worker.js', import.meta.url), { workerData });
  }
  const source = new URL('./parse-worker.ts', import.meta.url).href;
  const bootstrap =
    `import('tsx/esm/api').then((tsx) => { tsx.register(); ` +
    `return import(${JSON.stringify(source)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** Runs one task in a new worker and resolves with its reply; rejects on a timeout or crash. */
function runWorker(request: ParseRequest): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(request);
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
    worker.once('message', (reply: WorkerReply) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(reply);
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Parses `text` (already prepared as parseSparql prepares it) with sparqljs in a new worker. */
export async function parseInWorker(
  text: string,
  baseIri: string | undefined,
): Promise<ParseOutcome> {
  const reply = await runWorker({ task: 'sparql', text, baseIri });
  if (reply.parsed !== undefined) return { parsed: reply.parsed };
  const { name, message, hash } = reply.error!;
  // The same error class again, so the caller converts it as an error thrown here.
  const ErrorClass = ERROR_CLASSES[name] ?? Error;
  return { error: Object.assign(new ErrorClass(message), { hash }) };
}

/**
 * Parses a large request of one INSERT DATA or DELETE DATA operation, whose `\u` escapes are
 * decoded, with the quad data fast path in a new worker. Returns undefined for a request the
 * fast path does not take, so the caller parses it with sparqljs. No worker starts when the
 * prologue and the first keyword already show that. Throws SparqlSyntaxError as
 * parseQuadData does.
 */
export async function parseQuadDataInWorker(
  text: string,
  baseIri: string | undefined,
): Promise<UpdateOperation[] | undefined> {
  if (!mayBeLargeQuadData(text)) return undefined;
  const reply = await runWorker({ task: 'quadData', text, baseIri });
  if (reply.error !== undefined) {
    if (reply.error.name === 'SparqlSyntaxError') throw new SparqlSyntaxError(reply.error.message);
    throw new Error(`The quad data parser failed: ${reply.error.message}`);
  }
  const parsed = reply.quadData;
  if (parsed === undefined || parsed === null) return undefined;
  return [packedDataOperation(parsed.kind, parsed.data)];
}
