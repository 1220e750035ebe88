/** Outcomes of single conformance tests and the per-suite tallies built from them. */

export type Status = 'passed' | 'failed' | 'skipped';

/** The outcome of one test, with a `reason` for every failure and skip. */
export interface Outcome {
  status: Status;
  reason?: string;
}

export interface TestOutcome extends Outcome {
  /** Test id, as ManifestEntry.id. */
  id: string;
}

export interface SuiteResult {
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
  tests: TestOutcome[];
}

export const PASSED: Outcome = { status: 'passed' };

export function failed(reason: string): Outcome {
  return { status: 'failed', reason };
}

export function skipped(reason: string): Outcome {
  return { status: 'skipped', reason };
}

/** Tallies test outcomes into a suite result, keeping the tests in run order. */
export function tally(suite: string, tests: TestOutcome[]): SuiteResult {
  const count = (status: Status): number => tests.filter((test) => test.status === status).length;
  return {
    suite,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    tests,
  };
}

/** Returns the first line of an error's message, for reports. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = text.split('\n')[0]!;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
