/**
 * Worker thread that runs the evaluation tests of one manifest tree from a start index,
 * posting a `start` message before each test and a `done` message with its outcome after it.
 * The parent (isolated-eval.ts) terminates the worker when a test stops making progress.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { readManifests } from './manifest.js';
import { isEvaluationTest, runEvaluationTest } from './sparql-eval.js';
import type { Outcome } from './outcome.js';

export interface EvalWorkerData {
  manifestIri: string;
  startIndex: number;
}

export type EvalWorkerMessage =
  | { type: 'start'; index: number }
  | { type: 'done'; index: number; id: string; outcome: Outcome }
  | { type: 'end' };

const { manifestIri, startIndex } = workerData as EvalWorkerData;
const port = parentPort!;
const entries = readManifests(manifestIri).filter(
  (entry) => !entry.withdrawn && isEvaluationTest(entry),
);

for (let index = startIndex; index < entries.length; index++) {
  const entry = entries[index]!;
  port.postMessage({ type: 'start', index } satisfies EvalWorkerMessage);
  const outcome = await runEvaluationTest(entry);
  port.postMessage({ type: 'done', index, id: entry.id, outcome } satisfies EvalWorkerMessage);
}
port.postMessage({ type: 'end' } satisfies EvalWorkerMessage);
