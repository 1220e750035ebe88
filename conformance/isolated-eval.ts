/**
 * Runs the evaluation tests of a manifest tree in a worker thread, so that a test which never
 * returns (even a synchronous loop that misses every deadline check) is terminated and counted
 * as failed instead of hanging the run.
 */
import { Worker } from 'node:worker_threads';

import type { EvalWorkerData, EvalWorkerMessage } from './eval-worker.js';
import { readManifests } from './manifest.js';
import { failed, messageOf, type TestOutcome } from './outcome.js';
import { isEvaluationTest, QUERY_TIMEOUT_MS } from './sparql-eval.js';

/**
 * Time one test may run in the worker before it is terminated, in milliseconds. It is well above
 * the query deadline and the in-process wall-clock limit, which handle a cooperative timeout.
 */
const HARD_LIMIT_MS = 4 * QUERY_TIMEOUT_MS;
/** Time the worker may take to start and read the manifests before its first test, in milliseconds. */
const STARTUP_LIMIT_MS = 60_000;

const WORKER_URL = new URL('./eval-worker.ts', import.meta.url).href;
const TSX_API_URL = import.meta.resolve('tsx/esm/api');
/**
 * Worker entry code: registers tsx's loader in the worker, then imports the TypeScript worker
 * module. Node 20 workers do not run the parent's `--import tsx`, so the loader is registered
 * here explicitly.
 */
const WORKER_BOOTSTRAP = `
import(${JSON.stringify(TSX_API_URL)})
  .then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL)}); })
  .catch((error) => { setImmediate(() => { throw error; }); });
`;

interface WorkerRun {
  outcomes: TestOutcome[];
  /** The test that hung or crashed the worker; undefined when the worker reached the end. */
  stopped: { index: number; reason: string } | undefined;
}

/**
 * Runs tests from `startIndex` in one worker until the end, or until a test hangs or crashes the
 * worker. Rejects when the worker fails outside a test (at startup or between tests).
 */
function runWorker(manifestIri: string, startIndex: number): Promise<WorkerRun> {
  const data: EvalWorkerData = { manifestIri, startIndex };
  const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: data });
  const outcomes: TestOutcome[] = [];
  let current: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let settled = false;

  return new Promise<WorkerRun>((resolve, reject) => {
    const settle = (outcome: WorkerRun | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const stopAtCurrentTest = (reason: string, otherwise: Error): void => {
      settle(current === undefined ? otherwise : { outcomes, stopped: { index: current, reason } });
    };
    const arm = (limitMs: number): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stopAtCurrentTest(
          `did not finish within ${limitMs} ms and was terminated`,
          new Error(`the evaluation worker made no progress within ${limitMs} ms`),
        );
      }, limitMs);
    };

    arm(STARTUP_LIMIT_MS);
    worker.on('message', (message: EvalWorkerMessage) => {
      if (message.type === 'start') {
        current = message.index;
        arm(HARD_LIMIT_MS);
      } else if (message.type === 'done') {
        current = undefined;
        outcomes.push({ id: message.id, ...message.outcome });
      } else {
        settle({ outcomes, stopped: undefined });
      }
    });
    worker.on('error', (error) => {
      stopAtCurrentTest(`crashed the evaluation worker: ${messageOf(error)}`, error);
    });
    worker.on('exit', (code) => {
      stopAtCurrentTest(
        `the evaluation worker exited with code ${code} during the test`,
        new Error(`the evaluation worker exited with code ${code} before the end`),
      );
    });
  });
}

/**
 * Runs every evaluation test of the manifest tree at `manifestIri` in manifest order. A test
 * that exceeds HARD_LIMIT_MS or crashes the worker is failed, and the run continues in a new
 * worker after it.
 */
export async function runEvaluationTestsIsolated(manifestIri: string): Promise<TestOutcome[]> {
  const entries = readManifests(manifestIri).filter(
    (entry) => !entry.withdrawn && isEvaluationTest(entry),
  );
  const outcomes: TestOutcome[] = [];
  let startIndex = 0;
  // Each pass either reaches the end or moves past one failed test, so this loop is bounded.
  while (startIndex < entries.length) {
    const run = await runWorker(manifestIri, startIndex);
    outcomes.push(...run.outcomes);
    if (run.stopped === undefined) break;
    outcomes.push({ id: entries[run.stopped.index]!.id, ...failed(run.stopped.reason) });
    startIndex = run.stopped.index + 1;
  }
  return outcomes;
}
